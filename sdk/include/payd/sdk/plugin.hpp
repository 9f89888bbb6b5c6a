#pragma once
// What a plugin exports: one descriptor under the Boost.DLL alias `payd_plugin_descriptor`.
//
//   PAYD_PLUGIN("sandbox", "1.0.0", &make_sandbox);
//
// The host reads `abi_tag` first, as a plain C string, and refuses the plugin unless it
// equals its own tag: C++ types cross this boundary, so SDK major version, compiler and
// Boost version must all match.

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>
#include <boost/json/object.hpp>
#include <boost/version.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "payd/sdk/provider.hpp"

#define PAYD_SDK_STRINGIZE_(x) #x
#define PAYD_SDK_STRINGIZE(x) PAYD_SDK_STRINGIZE_(x)

namespace payd::sdk {

inline constexpr int kSdkMajor = 1;
inline constexpr const char* kAbiTag =
    "payd-sdk/1;" BOOST_COMPILER ";boost-" BOOST_LIB_VERSION ";cxx-" PAYD_SDK_STRINGIZE(
        __cplusplus);

// Thrown by a factory when the connector's config is wrong; `key` names the field.
// Visible: thrown in a plugin (hidden visibility), caught in the host by type.
class BOOST_SYMBOL_VISIBLE ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message)
      : std::runtime_error(key + ": " + message), key_(std::move(key)) {}
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

using ProviderFactory = std::unique_ptr<Provider> (*)(const boost::json::object& config,
                                                      const ConnectorContext& context);

// Kept C-compatible in layout so the tag can be read before anything else is trusted.
struct PluginDescriptor {
  const char* abi_tag;
  const char* name;
  const char* version;
  ProviderFactory create;
};

}  // namespace payd::sdk

#define PAYD_PLUGIN(NAME, VERSION, FACTORY)                                   \
  namespace payd_plugin_export {                                              \
  const ::payd::sdk::PluginDescriptor descriptor = {::payd::sdk::kAbiTag, NAME, \
                                                    VERSION, FACTORY};         \
  }                                                                           \
  BOOST_DLL_ALIAS(payd_plugin_export::descriptor, payd_plugin_descriptor)
