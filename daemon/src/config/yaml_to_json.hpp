#pragma once
// Converts a connector's free-form `config:` mapping to the JSON object its plugin's
// factory receives. Scalars become booleans (true/false), integers (plain digits) or
// strings; decimals stay strings so no amount ever passes through a double. Strings
// written as secret references (${ENV}, file:/path, credential:NAME) are resolved, and
// every value's line is remembered so a plugin's ConfigError can name it.

#include <yaml-cpp/yaml.h>

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "config/yaml_reader.hpp"

namespace payd::config {

struct ConvertedSettings {
  boost::json::object json;
  std::map<std::string, int, std::less<>> lines;  // "a.b[0].c" -> 1-based line
  std::vector<std::string> secrets;                // resolved secret values, for scrubbing
};

// Problems are added to `errors` under `path` (e.g. connectors[0].config).
ConvertedSettings yaml_to_json(const YAML::Node& node, const std::string& path,
                               ErrorList& errors, const SecretSources& sources);

// True for strings that payd reads as secret references.
bool is_secret_reference(std::string_view text);

}  // namespace payd::config
