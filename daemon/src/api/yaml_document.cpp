#include "api/yaml_document.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <string>

namespace payd::api {
namespace {

namespace json = boost::json;

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

// The conversion stops at the first problem; exceptions carry it out of the recursion.
struct Refusal {
  std::string message;
};

[[noreturn]] void refuse(const YAML::Mark& mark, std::string what) {
  throw Refusal{"line " + std::to_string(mark.line + 1) + ": " + std::move(what)};
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> words) noexcept {
  return std::find(words.begin(), words.end(), s) != words.end();
}

// [-+]?[0-9]+
bool is_core_int(std::string_view s) noexcept {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, not also an integer.
bool is_core_float(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  const bool int_digits = i > int_start;
  bool frac_digits = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t frac_start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    frac_digits = i > frac_start;
  }
  if (!int_digits && !frac_digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t exp_start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

json::value plain_scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (one_of(text, {"true", "True", "TRUE"})) return true;
  if (one_of(text, {"false", "False", "FALSE"})) return false;
  if (one_of(text, {"null", "Null", "NULL", "~", ""})) return nullptr;
  if (is_core_int(text)) {
    std::string_view digits = text;
    if (digits.front() == '+') digits.remove_prefix(1);
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      refuse(node.Mark(), "integer " + text + " does not fit in 64 bits; quote it");
    }
    return n;
  }
  if (is_core_float(text)) {
    std::string_view digits = text;
    if (digits.front() == '+') digits.remove_prefix(1);
    double d = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || !std::isfinite(d)) {
      refuse(node.Mark(), "number " + text + " is out of range; quote it");
    }
    return d;
  }
  const bool special_number = text.starts_with("0x") || text.starts_with("0o") ||
                              one_of(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                                            "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"});
  if (special_number) {
    refuse(node.Mark(),
           text + " is a YAML number JSON cannot hold; quote it or write it in decimal");
  }
  return json::value(text);
}

json::value convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "?") return plain_scalar(node);
      // "!" marks quoted and block scalars: always strings.
      if (tag == "!" || tag == kStrTag) return json::value(node.Scalar());
      refuse(node.Mark(), "unsupported tag " + tag);
    }
    case YAML::NodeType::Sequence: {
      json::array out;
      out.reserve(node.size());
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json::object out;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) refuse(entry.first.Mark(), "keys must be scalars");
        const std::string& key = entry.first.Scalar();
        if (out.contains(key)) refuse(entry.first.Mark(), "duplicate key " + key);
        out[key] = convert(entry.second);
      }
      return out;
    }
    case YAML::NodeType::Undefined:
      break;
  }
  refuse(node.Mark(), "undefined node");
}

}  // namespace

Result<json::value, std::string> yaml_document_to_json(std::string_view text) {
  try {
    const auto documents = YAML::LoadAll(std::string(text));
    if (documents.size() != 1) {
      return fail("expected one YAML document, found " + std::to_string(documents.size()));
    }
    return convert(documents.front());
  } catch (const Refusal& r) {
    return fail(r.message);
  } catch (const YAML::Exception& e) {
    return fail(std::string(e.what()));
  }
}

}  // namespace payd::api
