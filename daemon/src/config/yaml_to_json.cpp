#include "config/yaml_to_json.hpp"

#include <charconv>

#include "config/secret_resolver.hpp"

namespace payd::config {
namespace {

struct Converter {
  ErrorList& errors;
  const SecretSources& sources;
  ConvertedSettings out;

  boost::json::value scalar(const YAML::Node& node, const std::string& path) {
    const std::string& text = node.Scalar();
    out.lines[path] = node.Mark().line + 1;
    // Quoted scalars ("123") have the non-specific tag "!": always strings.
    const bool plain = node.Tag() != "!";
    if (is_secret_reference(text)) {
      auto secret = resolve_secret(text, sources);
      if (!secret) {
        errors.add(node.Mark(), path, secret.error());
        return nullptr;
      }
      out.secrets.push_back(secret->reveal());
      return boost::json::value(secret->reveal());
    }
    if (plain) {
      if (text == "true") return true;
      if (text == "false") return false;
      if (text == "null" || text == "~" || text.empty()) return nullptr;
      std::int64_t n = 0;
      const auto* end = text.data() + text.size();
      const auto [ptr, ec] = std::from_chars(text.data(), end, n);
      if (ec == std::errc() && ptr == end && !text.empty()) return n;
    }
    return boost::json::value(text);
  }

  boost::json::value convert(const YAML::Node& node, const std::string& path) {
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        boost::json::object obj;
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) {
            errors.add(entry.first.Mark(), path, "keys must be strings");
            continue;
          }
          const auto& key = entry.first.Scalar();
          const auto child = path + "." + key;
          if (obj.contains(key)) {
            errors.add(entry.first.Mark(), child, "duplicate key");
            continue;
          }
          out.lines[child] = entry.first.Mark().line + 1;
          obj[key] = convert(entry.second, child);
        }
        return obj;
      }
      case YAML::NodeType::Sequence: {
        boost::json::array arr;
        for (std::size_t i = 0; i < node.size(); ++i) {
          arr.push_back(convert(node[i], path + "[" + std::to_string(i) + "]"));
        }
        return arr;
      }
      case YAML::NodeType::Scalar:
        return scalar(node, path);
      default:
        return nullptr;
    }
  }
};

}  // namespace

bool is_secret_reference(std::string_view text) {
  return (text.starts_with("${") && text.ends_with("}")) || text.starts_with("file:") ||
         text.starts_with("credential:");
}

ConvertedSettings yaml_to_json(const YAML::Node& node, const std::string& path,
                               ErrorList& errors, const SecretSources& sources) {
  Converter c{errors, sources, {}};
  if (!node.IsDefined() || node.IsNull()) return std::move(c.out);
  if (!node.IsMap()) {
    errors.add(node.Mark(), path, "expected a mapping");
    return std::move(c.out);
  }
  auto value = c.convert(node, path);
  c.out.json = std::move(value.as_object());
  return std::move(c.out);
}

}  // namespace payd::config
