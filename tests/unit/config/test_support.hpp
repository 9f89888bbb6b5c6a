#pragma once
// Shared by the config tests: a fake environment for SecretSources and a scratch directory.

#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config_loader.hpp"

namespace payd::config::testing {

// The environment the fake getenv sees; tests reset it in SetUp.
inline std::map<std::string, std::string>& fake_env() {
  static std::map<std::string, std::string> env;
  return env;
}

inline const char* fake_getenv(const char* name) {
  const auto found = fake_env().find(name);
  return found == fake_env().end() ? nullptr : found->second.c_str();
}

// Secrets come only from fake_env() (and no credentials directory unless one is set there).
inline SecretSources fake_sources() {
  return SecretSources{&fake_getenv, ""};
}

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "payd-config-test-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  std::filesystem::path write(const std::string& name, const std::string& contents) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// Each error rendered as the operator sees it.
inline std::vector<std::string> messages(const std::vector<ConfigError>& errors) {
  std::vector<std::string> out;
  out.reserve(errors.size());
  for (const ConfigError& e : errors) out.push_back(e.to_string());
  return out;
}

}  // namespace payd::config::testing
