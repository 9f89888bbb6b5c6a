#pragma once
// The provider contract. A plugin is sans-I/O: for each operation it returns a Step,
// either an HTTP request for the core to send or the final Outcome. The core sends the
// request (TLS, pooling, timeouts, retries, circuit breaking, metrics, log scrubbing)
// and calls resume() with the response, until an Outcome.
//
// Threading: one Provider instance serves one connector and is called concurrently
// from several threads; keep per-operation data in StepState, not in members, and guard
// any cache (e.g. an auth token) yourself.
//
// A Step may also be a Pause (see below).
//
// Exceptions: a plugin should return Outcomes, not throw. If one escapes anyway the core
// records the operation as `unknown` (start/resume) or rejects the webhook with 500.

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "payd/sdk/types.hpp"

namespace payd::sdk {

// Wait without blocking a thread, then resume() with an empty HttpResponse (status 0,
// transport_error none). For providers that must be polled later, and for the sandbox's
// simulated latency. The core caps the total pause of one operation.
struct Pause {
  std::chrono::milliseconds duration{0};
  StepState step;
};

using Step = std::variant<HttpRequest, Outcome, Pause>;

struct Capabilities {
  std::set<Operation> operations;
  bool manual_capture = false;
  bool partial_capture = false;
  bool partial_refunds = false;
  bool multiple_refunds = false;
  std::vector<std::string> currencies;            // ISO 4217; empty = any
  std::vector<std::string> payment_method_types;  // card, crypto, promptpay ...
  bool webhooks = false;
  bool sync = false;

  [[nodiscard]] bool supports(Operation op) const { return operations.count(op) != 0; }
};

struct Info {
  std::string name;     // the plugin's name, e.g. "stripe"
  std::string version;  // the plugin's own semantic version
  Capabilities capabilities;
};

enum class LogLevel { debug, info, warn, error };

// What the host gives a connector instance at creation.
struct ConnectorContext {
  std::string connector_id;  // from the YAML `connectors:` entry
  Mode mode = Mode::test;
  std::string webhook_url;   // payd's public intake URL for this connector, when configured
  // Logs through the host's logger (JSON lines, secrets scrubbed). Never null.
  std::function<void(LogLevel, std::string_view)> log;
};

class Provider {
 public:
  virtual ~Provider() = default;

  [[nodiscard]] virtual Info info() const = 0;
  virtual Step start(Operation op, const OperationInput& input) = 0;
  virtual Step resume(Operation op, const OperationInput& input, const HttpResponse& response,
                      const StepState& step) = 0;
  virtual WebhookResult on_webhook(const InboundWebhook& webhook) = 0;
};

}  // namespace payd::sdk
