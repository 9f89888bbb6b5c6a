#pragma once
// The "example" provider: payd's plugin template. It speaks to Example Pay, a fictional JSON
// API described in README.md, and shows what every real provider plugin does:
//
//   settings.cpp          the connector's `config:` -> Settings, or sdk::ConfigError
//   example_provider.cpp  start(): the request for an operation; resume(): the response ->
//                         an Outcome, through one table of Example Pay's error codes
//   webhooks.cpp          on_webhook(): verify the signature, translate the event
//   plugin_entry.cpp      PAYD_PLUGIN: the descriptor payd loads
//
// Sans-I/O: nothing here opens a socket or reads a clock. payd sends the requests (and adds
// the idempotency key), so the conformance kit can run all of it from recorded fixtures.

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "payd/sdk/json.hpp"
#include "payd/sdk/provider.hpp"

namespace example {

namespace sdk = payd::sdk;

// The plugin's name: in the descriptor, in info(), and what `plugin:` says in payd.yaml.
inline constexpr const char* kName = "example";

struct Settings {
  std::string api_key;  // ek_test_... / ek_live_... (by mode)
  std::string base_url = "https://api.examplepay.test/v1";
  std::string webhook_secret;  // empty: webhooks off
  std::int64_t webhook_tolerance_seconds = 300;
};

// Reads the connector's `config:`. Throws sdk::ConfigError naming the key on an unknown key, a
// wrong type or a bad value (payd reports it with the YAML file and line, and never echoes
// the value).
[[nodiscard]] Settings parse_settings(const boost::json::object& config, sdk::Mode mode);

class ExampleProvider final : public sdk::Provider {
 public:
  ExampleProvider(Settings settings, sdk::ConnectorContext context);

  [[nodiscard]] sdk::Info info() const override;
  sdk::Step start(sdk::Operation op, const sdk::OperationInput& input) override;
  sdk::Step resume(sdk::Operation op, const sdk::OperationInput& input,
                   const sdk::HttpResponse& response, const sdk::StepState& step) override;
  sdk::WebhookResult on_webhook(const sdk::InboundWebhook& webhook) override;

 private:
  [[nodiscard]] sdk::HttpRequest call(std::string method, const std::string& path,
                                      const boost::json::object& body = {}) const;

  // Immutable after construction: one instance serves concurrent operations.
  const Settings settings_;
  const sdk::ConnectorContext context_;
};

// Example Pay's status words in payd's vocabulary; std::nullopt for a word we do not know.
[[nodiscard]] std::optional<sdk::PaymentStatus> charge_status(std::string_view word);
[[nodiscard]] std::optional<sdk::RefundStatus> refund_status(std::string_view word);
// An optional string member of a JSON object: "" when absent, null or not a string.
[[nodiscard]] std::string text_or_empty(const sdk::JsonReader& object, std::string_view key);

// The factory: exported by plugin_entry.cpp, and what the conformance test runs.
[[nodiscard]] std::unique_ptr<sdk::Provider> make_provider(const boost::json::object& config,
                                                           const sdk::ConnectorContext& context);

}  // namespace example
