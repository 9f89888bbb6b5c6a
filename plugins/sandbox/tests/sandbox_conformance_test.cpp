// The sandbox plugin through the conformance kit, exactly as an outside author would run it.
#include "payd/testkit/conformance.hpp"
#include "sandbox_provider.hpp"

namespace {

// The same factory the plugin exports (plugin_entry.cpp).
std::unique_ptr<payd::sdk::Provider> make_sandbox(const boost::json::object& config,
                                                  const payd::sdk::ConnectorContext& context) {
  return std::make_unique<payd::sandbox::SandboxProvider>(payd::sandbox::parse_settings(config),
                                                          context);
}

}  // namespace

PAYD_CONFORMANCE_SUITE(Sandbox, &make_sandbox, PAYD_SANDBOX_FIXTURES);
