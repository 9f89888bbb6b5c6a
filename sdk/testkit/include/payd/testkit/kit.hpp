#pragma once
// The conformance kit without GoogleTest: loading a fixtures folder and the checks, each
// returning the list of problems found (empty = pass). conformance.hpp turns them into tests;
// they are also callable directly (the kit's own tests do).

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "payd/sdk/provider.hpp"
#include "payd/testkit/json_io.hpp"

namespace payd::testkit {

// Same shape as the plugin factory (sdk::ProviderFactory), but any callable.
using ProviderMaker = std::function<std::unique_ptr<sdk::Provider>(
    const boost::json::object& config, const sdk::ConnectorContext& context)>;

inline constexpr int kStepLimit = 16;
// How far from received_at the kit puts the timestamp of its stale and future webhooks.
inline constexpr std::int64_t kWebhookSkewSeconds = 86'400;

// kit.json "webhook.signing": how the kit re-signs webhooks for its attacks.
struct WebhookSigning {
  std::string scheme = "stripe-like";  // "t=<unix>,v1=<hex hmac-sha256(secret, "<t>.<body>")>"
  std::string header;                  // e.g. "Sandbox-Signature"
  std::string secret;
};

struct KitConfig {
  boost::json::object config;  // the connector's config, as in the YAML `config:`
  sdk::Mode mode = sdk::Mode::test;
  std::string connector_id = "conformance";
  std::optional<WebhookSigning> signing;
};

struct Exchange {
  boost::json::object expect_request;
  sdk::HttpResponse response;
};

struct OperationFixture {
  std::string name;
  std::string file;
  boost::json::object config;  // kit config with the fixture's "config" keys merged over it
  sdk::Operation operation = sdk::Operation::authorize;
  sdk::OperationInput input;
  std::vector<Exchange> exchanges;
  std::optional<int> pauses;
  boost::json::object expect_outcome;
};

struct WebhookFixture {
  std::string name;
  std::string file;
  boost::json::object config;
  sdk::InboundWebhook webhook;  // signed by the kit already when the fixture says "sign"
  bool expect_verified = false;
  std::optional<int> expect_reply_status;
  std::optional<boost::json::array> expect_events;
};

struct Fixtures {
  KitConfig kit;
  std::vector<OperationFixture> operations;
  std::vector<WebhookFixture> webhooks;
};

// Reads <dir>/kit.json and every other *.json in <dir> (sorted by name). Throws FixtureError
// ("<file>: <path>: <problem>").
[[nodiscard]] Fixtures load_fixtures(const std::filesystem::path& dir);
[[nodiscard]] KitConfig kit_from_json(const boost::json::value& v);
// A fixture file: an operation fixture (has "operation") or a webhook fixture (has "webhook").
void add_fixture_from_json(Fixtures& into, const boost::json::value& v, const std::string& file);

// "t=<t>,v1=<hex hmac-sha256(secret, "<t>.<body>")>".
[[nodiscard]] std::string sign_webhook(std::string_view secret, std::int64_t t,
                                       std::string_view body);

// Creates a provider with `config`; a factory exception becomes nullptr plus a problem.
[[nodiscard]] std::unique_ptr<sdk::Provider> make_provider(const ProviderMaker& maker,
                                                           const KitConfig& kit,
                                                           const boost::json::object& config,
                                                           std::vector<std::string>& problems);

// One run of the step loop: requests matched in order against the exchanges, Pauses fed an
// empty response, at most kStepLimit steps, no exception, outcome valid (validate_outcome).
struct Run {
  std::vector<sdk::HttpRequest> requests;
  std::optional<sdk::Outcome> outcome;
  int pauses = 0;
  std::vector<std::string> problems;
};
[[nodiscard]] Run run_operation(sdk::Provider& provider, const OperationFixture& fixture);

[[nodiscard]] std::vector<std::string> check_request(const boost::json::object& expect,
                                                     const sdk::HttpRequest& request);
[[nodiscard]] std::vector<std::string> check_outcome(sdk::Operation op, const sdk::Outcome& outcome,
                                                     const boost::json::object& expect);

// Everything about one operation fixture: run twice on fresh providers, both runs conform
// and serialise identically (requests and outcome), the outcome matches expect_outcome.
[[nodiscard]] std::vector<std::string> check_operation_fixture(const ProviderMaker& maker,
                                                               const KitConfig& kit,
                                                               const OperationFixture& fixture);
// Every declared operation has a fixture; declared webhooks have a verified webhook fixture
// with events.
[[nodiscard]] std::vector<std::string> check_coverage(const sdk::Info& info,
                                                      const Fixtures& fixtures);
// One webhook as recorded: verified as expected, rejected ones answered 4xx, events valid
// (validate_event) and as expected.
[[nodiscard]] std::vector<std::string> check_webhook_fixture(const ProviderMaker& maker,
                                                             const KitConfig& kit,
                                                             const WebhookFixture& fixture);
// From a verified webhook fixture: a tampered body, a missing signature, a wrong secret, a
// stale and a future timestamp are all rejected with 4xx; a freshly re-signed copy is
// verified; the same webhook delivered twice gives the same event ids.
[[nodiscard]] std::vector<std::string> check_webhook_attacks(const ProviderMaker& maker,
                                                             const KitConfig& kit,
                                                             const WebhookFixture& fixture);

}  // namespace payd::testkit
