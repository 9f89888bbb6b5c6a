#include "config/yaml_reader.hpp"

#include <algorithm>
#include <set>

#include "config/key_suggestion.hpp"
#include "config/value_parsers.hpp"

namespace payd::config {
namespace {

int line_of(const YAML::Mark& mark) {
  return mark.is_null() ? 0 : mark.line + 1;
}

// Unknown keys are operator-written text echoed into logs: keep them printable and short so a
// stray control character or a pasted blob cannot mangle the terminal or the journal.
std::string displayable(std::string_view key) {
  constexpr std::size_t kMaxShown = 64;
  std::string out;
  for (const char c : key.substr(0, kMaxShown)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (key.size() > kMaxShown) out += "...";
  return out;
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

void ErrorList::add(const YAML::Mark& mark, std::string path, std::string message) {
  errors_.push_back(ConfigError{file_, line_of(mark), std::move(path), std::move(message)});
}

std::vector<ConfigError> ErrorList::take_in_file_order() {
  std::stable_sort(errors_.begin(), errors_.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
  return std::move(errors_);
}

MappingReader::MappingReader(const YAML::Node& node, std::string path, ErrorList& errors)
    : node_(node), path_(std::move(path)), errors_(errors) {
  if (!node_.IsDefined() || node_.IsNull()) return;
  if (!node_.IsMap()) {
    errors_.add(node_.Mark(), path_, "expected a mapping");
    return;
  }
  is_mapping_ = true;
}

std::string MappingReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<YAML::Node> MappingReader::field(std::string_view key) {
  if (std::find(known_keys_.begin(), known_keys_.end(), key) == known_keys_.end()) {
    known_keys_.emplace_back(key);
  }
  if (!is_mapping_) return std::nullopt;
  for (const auto& entry : node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return std::nullopt;
}

void MappingReader::error(const YAML::Node& at, std::string_view key, std::string message) {
  // yaml-cpp marks an empty value ("port:") at the next token, often lines further down;
  // the key's line is where the operator has to look.
  errors_.add(at.IsNull() ? key_mark(key) : at.Mark(), path_of(key), std::move(message));
}

YAML::Mark MappingReader::key_mark(std::string_view key) const {
  if (is_mapping_) {
    for (const auto& entry : node_) {
      if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first.Mark();
    }
  }
  return node_.Mark();
}

void MappingReader::section(std::string_view key, const std::function<void(MappingReader&)>& read) {
  const auto node = field(key);
  if (!node) return;
  MappingReader child(*node, path_of(key), errors_);
  if (!child.is_mapping_) return;
  read(child);
  child.reject_unknown_keys();
}

void MappingReader::sequence(std::string_view key,
                             const std::function<void(MappingReader&, std::size_t)>& read) {
  const auto node = field(key);
  if (!node || node->IsNull()) return;
  if (!node->IsSequence()) {
    error(*node, key, "expected a list");
    return;
  }
  for (std::size_t i = 0; i < node->size(); ++i) {
    MappingReader child((*node)[i], path_of(key) + "[" + std::to_string(i) + "]", errors_);
    if (!child.is_mapping_) {
      if (!(*node)[i].IsDefined() || (*node)[i].IsNull()) {
        errors_.add((*node)[i].Mark(), child.path_, "expected a mapping");
      }
      continue;
    }
    read(child, i);
    child.reject_unknown_keys();
  }
}

std::optional<std::string> MappingReader::scalar(std::string_view key, std::string_view expectation,
                                                 YAML::Node& node) {
  const auto value = field(key);
  if (!value) return std::nullopt;
  node = *value;
  if (!node.IsScalar()) {
    error(node, key, std::string(expectation));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<long long> MappingReader::read_integer(std::string_view key, long long min,
                                                     long long max) {
  const std::string expectation =
      "expected an integer " + std::to_string(min) + "-" + std::to_string(max);
  YAML::Node node;
  const auto text = scalar(key, expectation, node);
  if (!text) return std::nullopt;
  const auto value = parse_integer(*text);
  if (!value || *value < min || *value > max) {
    error(node, key, expectation);
    return std::nullopt;
  }
  return value;
}

void MappingReader::boolean(std::string_view key, bool& out) {
  constexpr std::string_view kExpectation = "expected true or false";
  YAML::Node node;
  const auto text = scalar(key, kExpectation, node);
  if (!text) return;
  if (const auto value = parse_bool(*text)) {
    out = *value;
  } else {
    error(node, key, std::string(kExpectation));
  }
}

void MappingReader::string(std::string_view key, std::string& out) {
  YAML::Node node;
  if (auto text = scalar(key, "expected a string", node)) out = std::move(*text);
}

void MappingReader::string(std::string_view key, std::string& out, bool (*valid)(std::string_view),
                           std::string_view expectation) {
  YAML::Node node;
  auto text = scalar(key, expectation, node);
  if (!text) return;
  if (valid(*text)) {
    out = std::move(*text);
  } else {
    error(node, key, std::string(expectation));
  }
}

void MappingReader::duration(std::string_view key, Millis& out, Millis min, Millis max) {
  constexpr std::string_view kSyntax = "expected a duration such as 500ms, 10s, 2m";
  YAML::Node node;
  const auto text = scalar(key, kSyntax, node);
  if (!text) return;
  const auto value = parse_duration(*text);
  if (!value) {
    error(node, key, std::string(kSyntax));
  } else if (*value < min || *value > max) {
    error(node, key, "expected a duration " + format_duration(min) + "-" + format_duration(max));
  } else {
    out = *value;
  }
}

void MappingReader::size(std::string_view key, std::size_t& out, std::size_t min, std::size_t max) {
  const std::string expectation = "expected a size " + format_size(min) + "-" + format_size(max) +
                                  " such as 65536, 64KiB or 1MiB";
  YAML::Node node;
  const auto text = scalar(key, expectation, node);
  if (!text) return;
  const auto value = parse_size(*text);
  if (!value || *value < min || *value > max) {
    error(node, key, expectation);
  } else {
    out = *value;
  }
}

std::optional<std::size_t> MappingReader::read_choice(std::string_view key,
                                                      std::span<const std::string_view> names) {
  const std::string expectation = "expected one of " + join(names);
  YAML::Node node;
  const auto text = scalar(key, expectation, node);
  if (!text) return std::nullopt;
  const auto match = std::find(names.begin(), names.end(), *text);
  if (match == names.end()) {
    error(node, key, expectation);
    return std::nullopt;
  }
  return static_cast<std::size_t>(match - names.begin());
}

void MappingReader::reject_unknown_keys() {
  if (!is_mapping_) return;
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node_) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      errors_.add(key_node.Mark(), path_, "expected a string key");
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (!seen.insert(key).second) {
      errors_.add(key_node.Mark(), path_of(displayable(key)), "duplicate key");
      continue;
    }
    if (std::find(known_keys_.begin(), known_keys_.end(), key) != known_keys_.end()) continue;
    std::string message = "unknown key";
    if (const auto suggestion = nearest_key(key, known_keys_)) {
      message += " (did you mean \"" + *suggestion + "\"?)";
    }
    errors_.add(key_node.Mark(), path_of(displayable(key)), std::move(message));
  }
}

}  // namespace payd::config
