// The sandbox's exported descriptor: payd finds it by the Boost.DLL alias.
#include "payd/sdk/plugin.hpp"
#include "sandbox_provider.hpp"

namespace {

std::unique_ptr<payd::sdk::Provider> make_sandbox(const boost::json::object& config,
                                                  const payd::sdk::ConnectorContext& context) {
  return std::make_unique<payd::sandbox::SandboxProvider>(payd::sandbox::parse_settings(config),
                                                          context);
}

}  // namespace

PAYD_PLUGIN("sandbox", PAYD_SANDBOX_VERSION, &make_sandbox);
