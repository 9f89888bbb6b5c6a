#pragma once
// Runs a plugin's steps for one operation: start(), then for each HttpRequest send it and
// resume() with the response (for each Pause wait, then resume() with an empty
// response), until an Outcome or a limit. It never throws and never lets a plugin's
// exception escape.
//
// Per HTTP request it:
//   - adds `idempotency_header: input.idempotency_key` when the plugin asks for it
//     (replacing any header of that name the plugin set itself);
//   - sends it through the HttpClient with the connector's ClientOptions;
//   - retries only what is safe, at most `max_retries` times with a linear backoff:
//     a failure before the request was completely sent (connect, DNS, refused, TLS
//     handshake timeout, write failure), or a timeout/reset of an idempotent request
//     (GET/HEAD/OPTIONS, `idempotent`, or carrying the idempotency key). Never a
//     non-idempotent request that may have reached the provider; never a TLS, size or
//     protocol failure, nor a request refused by policy;
//   - records the exchange (ExecutionResult::exchanges, the duration histogram) and logs
//     it at debug with secrets scrubbed.
//
// Circuit breaker: before the operation's first HTTP request the connector's breaker is
// asked for a permit; refused -> Outcome not_attempted with error code "circuit_open",
// and nothing is sent. At the end the permit reports failure when the outcome is
// `unknown` or the last exchange was a transport error, success when a response led to
// any other outcome. Operations that make no HTTP request never touch the breaker.
//
// Outcomes the executor produces itself (always with `error.code`):
//   circuit_open    not_attempted  breaker open, nothing sent
//   plugin_error    unknown        start() or resume() threw
//   step_limit      unknown        more than `max_steps` requests/pauses
//   pause_limit     unknown        the pauses of one operation exceed `max_total_pause`
//   invalid_outcome unknown        the plugin's outcome broke the contract
//                                  (sdk::validate_outcome, the conformance kit's own
//                                  rules); provider_ref and state are kept
// and a plugin's not_attempted after a request that may have reached the provider (its
// last exchange failed after the request was sent) is downgraded to unknown.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "payd/sdk/provider.hpp"
#include "plugins/circuit_breaker.hpp"
#include "plugins/http_client.hpp"
#include "plugins/log_scrubber.hpp"

namespace payd::config {
struct ConnectorConfig;
}

namespace payd::plugins {

class ExecutorMetrics;

// Everything the executor needs to know about one connector. Built once per connector
// and shared by all its operations.
struct ConnectorRuntime {
  std::string connector_id;
  ClientOptions http;
  std::shared_ptr<CircuitBreaker> breaker;  // null: no circuit breaking
  LogScrubber scrubber;                     // the connector's secrets

  // ClientOptions and a breaker from the connector's `http:` and `breaker:` settings.
  [[nodiscard]] static ConnectorRuntime from(const config::ConnectorConfig& config,
                                             const std::vector<std::string>& secrets,
                                             CircuitBreaker::Clock clock = {});
};

struct ExecutorOptions {
  unsigned max_steps = 8;  // HTTP requests + pauses per operation (retries not counted)
  unsigned max_retries = 2;
  std::chrono::milliseconds retry_backoff{100};  // attempt n waits n * retry_backoff
  std::chrono::milliseconds max_total_pause{60'000};
};

// One HTTP exchange (one try), for the payment attempt record and the logs.
struct ExchangeRecord {
  std::string method;
  std::string url;  // scrubbed: no userinfo, no query values, no card numbers
  int status = 0;
  sdk::TransportError transport_error = sdk::TransportError::none;
  std::string detail;  // the transport failure, for operators
  std::chrono::microseconds duration{0};
  unsigned attempt = 0;  // 0 first try, 1.. retries
  bool reused_connection = false;
  bool request_sent = false;
};

struct ExecutionResult {
  sdk::Outcome outcome;
  unsigned http_exchanges = 0;  // == exchanges.size()
  std::chrono::microseconds latency{0};
  std::vector<ExchangeRecord> exchanges;
};

class Executor {
 public:
  // `client` and `metrics` (may be null) must outlive the executor.
  explicit Executor(HttpClient& client, ExecutorMetrics* metrics = nullptr,
                    ExecutorOptions options = {});

  // `provider` and `runtime` must outlive the returned awaitable; `input` is taken by value
  // (GCC 12 coroutine temporaries): pass it with std::move when done with it.
  boost::asio::awaitable<ExecutionResult> run(sdk::Provider& provider, sdk::Operation op,
                                              sdk::OperationInput input,
                                              const ConnectorRuntime& runtime);

  // Publishes the connector's breaker state (payd_circuit_open 0 at start-up).
  void register_connector(const ConnectorRuntime& runtime);

  [[nodiscard]] const ExecutorOptions& options() const noexcept { return options_; }

 private:
  HttpClient& client_;
  ExecutorMetrics* metrics_;
  ExecutorOptions options_;
};

}  // namespace payd::plugins
