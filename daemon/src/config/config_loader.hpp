#pragma once
// Loads and validates payd.yaml into the typed Config.
// Every error names the file, the 1-based line and the key path, e.g.
//   payd.yaml:14: listen.port: expected an integer 1-65535

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "config/config.hpp"

namespace payd::config {

struct ConfigError {
  std::string file;   // file name as given
  int line = 0;       // 1-based; 0 when the error is about the whole file
  std::string path;   // dotted key path, e.g. "listen.port"; empty for file-level errors
  std::string message;

  // "file:line: path: message" (parts omitted when empty/zero).
  [[nodiscard]] std::string to_string() const;
};

// Where secrets come from; injectable so tests need not touch the real environment.
struct SecretSources {
  // Looks up an environment variable; returns nullptr when unset.
  const char* (*getenv)(const char*) = nullptr;  // defaults to std::getenv when null
  // systemd's $CREDENTIALS_DIRECTORY; when empty, read from the environment.
  std::string credentials_directory;
};

// Returns every error found (not only the first), in file order.
Result<Config, std::vector<ConfigError>> load_config_file(const std::filesystem::path& file,
                                                          const SecretSources& sources = {});
Result<Config, std::vector<ConfigError>> load_config_string(const std::string& yaml,
                                                            const std::string& file_name,
                                                            const SecretSources& sources = {});

}  // namespace payd::config
