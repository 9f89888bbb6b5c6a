// Deliberately broken plugins for the loader's refusal tests. BAD_KIND selects the flaw.
#include <stdexcept>

#include "payd/sdk/plugin.hpp"

namespace {

class ThrowingInfo final : public payd::sdk::Provider {
 public:
  payd::sdk::Info info() const override { throw std::runtime_error("info exploded"); }
  payd::sdk::Step start(payd::sdk::Operation, const payd::sdk::OperationInput&) override {
    return payd::sdk::Outcome{};
  }
  payd::sdk::Step resume(payd::sdk::Operation, const payd::sdk::OperationInput&,
                         const payd::sdk::HttpResponse&, const payd::sdk::StepState&) override {
    return payd::sdk::Outcome{};
  }
  payd::sdk::WebhookResult on_webhook(const payd::sdk::InboundWebhook&) override { return {}; }
};

std::unique_ptr<payd::sdk::Provider> make(const boost::json::object& config,
                                          const payd::sdk::ConnectorContext&) {
#if BAD_KIND == 2
  (void)config;
  throw std::runtime_error("factory exploded");
#elif BAD_KIND == 3
  (void)config;
  return std::make_unique<ThrowingInfo>();
#elif BAD_KIND == 4
  if (!config.contains("api_key")) throw payd::sdk::ConfigError("api_key", "is required");
  throw payd::sdk::ConfigError("api_key", "must start with sk_test_");
#else
  (void)config;
  return nullptr;
#endif
}

}  // namespace

#if BAD_KIND == 1
// An ABI tag from another SDK/compiler: the host must refuse before touching anything else.
namespace payd_plugin_export {
const ::payd::sdk::PluginDescriptor descriptor = {"payd-sdk/0;other-compiler", "abi_mismatch",
                                                  "0.0.1", &make};
}
BOOST_DLL_ALIAS(payd_plugin_export::descriptor, payd_plugin_descriptor)
#elif BAD_KIND == 2
PAYD_PLUGIN("factory_throws", "0.0.1", &make);
#elif BAD_KIND == 3
PAYD_PLUGIN("info_throws", "0.0.1", &make);
#elif BAD_KIND == 4
PAYD_PLUGIN("config_checker", "0.0.1", &make);
#else
// BAD_KIND 0: a shared library without any descriptor.
extern "C" __attribute__((visibility("default"))) int not_a_plugin() { return 42; }
#endif
