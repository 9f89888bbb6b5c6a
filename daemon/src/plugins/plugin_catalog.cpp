#include "plugins/plugin_catalog.hpp"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <cstring>

namespace payd::plugins {
namespace {

constexpr const char* kDescriptorAlias = "payd_plugin_descriptor";

bool is_plugin_name(const char* s) {
  if (s == nullptr) return false;
  const std::size_t n = std::strlen(s);
  if (n == 0 || n > 64) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

void PluginCatalog::load_file(const std::filesystem::path& file) {
  auto refuse = [&](std::string reason) { refusals_.push_back({file, std::move(reason)}); };

  boost::dll::shared_library lib;
  boost::dll::fs::error_code ec;
  // RTLD_NOW: unresolved symbols fail here, not in the middle of a payment.
  const auto mode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local |
                    static_cast<boost::dll::load_mode::type>(RTLD_NODELETE);
  lib.load(boost::dll::fs::path(file.string()), mode, ec);
  if (ec || !lib.is_loaded()) {
    const char* why = dlerror();
    refuse("not a loadable shared library (" + (why != nullptr ? std::string(why) : ec.message()) +
           ")");
    return;
  }
  if (!lib.has(kDescriptorAlias)) {
    refuse("no payd plugin descriptor (export one with PAYD_PLUGIN from payd/sdk/plugin.hpp)");
    return;
  }
  // The alias is a pointer to the descriptor; the ABI tag is its first member and is read
  // as a plain C string before anything else in the struct is trusted.
  const auto& descriptor = lib.get_alias<const sdk::PluginDescriptor>(kDescriptorAlias);
  if (descriptor.abi_tag == nullptr || std::strcmp(descriptor.abi_tag, sdk::kAbiTag) != 0) {
    refuse(std::string("ABI mismatch: plugin built for \"") +
           (descriptor.abi_tag != nullptr ? descriptor.abi_tag : "(none)") + "\", payd is \"" +
           sdk::kAbiTag + "\"; rebuild the plugin against this payd's SDK");
    return;
  }
  if (!is_plugin_name(descriptor.name)) {
    refuse("invalid plugin name in descriptor (expected 1-64 characters of a-z, 0-9, _ and -)");
    return;
  }
  if (descriptor.create == nullptr) {
    refuse("descriptor has no factory");
    return;
  }
  if (auto it = plugins_.find(descriptor.name); it != plugins_.end()) {
    refuse(std::string("plugin \"") + descriptor.name + "\" is already loaded from " +
           it->second.file.string());
    return;
  }
  plugins_.emplace(descriptor.name,
                   LoadedPlugin{descriptor.name, descriptor.version != nullptr ? descriptor.version : "",
                                file, descriptor.create});
}

void PluginCatalog::load_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    refusals_.push_back({dir, "plugin directory does not exist or is not a directory"});
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".so") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_file(f);
}

const LoadedPlugin* PluginCatalog::find(std::string_view name) const {
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : &it->second;
}

std::vector<const LoadedPlugin*> PluginCatalog::plugins() const {
  std::vector<const LoadedPlugin*> out;
  for (const auto& [name, p] : plugins_) out.push_back(&p);
  return out;
}

}  // namespace payd::plugins
