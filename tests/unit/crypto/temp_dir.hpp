#pragma once
// A private temporary directory for key-file tests, removed with its contents at scope exit.

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "payd/sdk/crypto.hpp"

namespace payd::security::test {

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("payd-crypto-test-" + sdk::random_token(8))) {
    std::filesystem::create_directory(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  // Writes `content` to <dir>/<name> with `mode`; returns the path.
  std::string write(std::string_view name, std::string_view content, mode_t mode = 0600) const {
    const auto p = path_ / std::string(name);
    {
      std::ofstream out(p, std::ios::binary | std::ios::trunc);
      out.write(content.data(), static_cast<std::streamsize>(content.size()));
    }
    ::chmod(p.c_str(), mode);
    return p.string();
  }
  [[nodiscard]] std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace payd::security::test
