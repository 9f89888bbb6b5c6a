#pragma once
// Loads every plugin shared library in plugins.dir with Boost.DLL and keeps the ones
// whose descriptor passes the ABI check. Plugins are never unloaded: they are opened
// with RTLD_NODELETE, so types, vtables and Asio services from a plugin outlive any
// object that uses them. A file that is refused is reported with one clear line.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "payd/sdk/plugin.hpp"

namespace payd::plugins {

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::filesystem::path file;
  sdk::ProviderFactory create = nullptr;
};

struct PluginRefusal {
  std::filesystem::path file;
  std::string reason;

  [[nodiscard]] std::string to_string() const { return file.string() + ": " + reason; }
};

class PluginCatalog {
 public:
  // Loads one file; on refusal nothing is kept (the library stays mapped, harmlessly).
  void load_file(const std::filesystem::path& file);
  // Loads every regular *.so file in `dir`, in name order. A missing dir is a refusal.
  void load_directory(const std::filesystem::path& dir);

  [[nodiscard]] const LoadedPlugin* find(std::string_view name) const;
  [[nodiscard]] const std::vector<PluginRefusal>& refusals() const noexcept { return refusals_; }
  [[nodiscard]] std::vector<const LoadedPlugin*> plugins() const;

 private:
  std::map<std::string, LoadedPlugin, std::less<>> plugins_;
  std::vector<PluginRefusal> refusals_;
};

}  // namespace payd::plugins
