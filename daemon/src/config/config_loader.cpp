#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include "config/config_schema.hpp"
#include "config/file_contents.hpp"
#include "config/yaml_reader.hpp"

namespace payd::config {
namespace {

// A hand-written config is a few KiB; anything near this is the wrong file.
constexpr std::size_t kMaxConfigFileBytes = std::size_t{1024} * 1024;

// Parses `yaml` into its single document, or records why not.
std::optional<YAML::Node> parse_document(const std::string& yaml, ErrorList& errors) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(yaml);
  } catch (const YAML::Exception& e) {
    errors.add(e.mark, "", "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  if (documents.empty()) return YAML::Node();  // empty file: every default applies
  if (documents.size() > 1) {
    errors.add(documents[1].Mark(), "", "expected a single YAML document");
    return std::nullopt;
  }
  return documents.front();
}

}  // namespace

Result<Config, std::vector<ConfigError>> load_config_string(const std::string& yaml,
                                                            const std::string& file_name,
                                                            const SecretSources& sources) {
  ErrorList errors(file_name);
  const auto document = parse_document(yaml, errors);
  if (!document) return fail(errors.take_in_file_order());

  Config config;
  config.source_path = file_name;
  MappingReader root(*document, "", errors);
  read_config(root, config, sources);
  root.reject_unknown_keys();

  if (!errors.empty()) return fail(errors.take_in_file_order());
  return config;
}

Result<Config, std::vector<ConfigError>> load_config_file(const std::filesystem::path& file,
                                                          const SecretSources& sources) {
  auto contents = read_file_contents(file, kMaxConfigFileBytes);
  if (!contents) {
    return fail(std::vector<ConfigError>{
        ConfigError{file.string(), 0, "", "cannot read config file: " + contents.error()}});
  }
  return load_config_string(contents.value(), file.string(), sources);
}

}  // namespace payd::config
