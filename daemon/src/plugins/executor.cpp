#include "plugins/executor.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <utility>
#include <variant>

#include "config/config.hpp"
#include "observability/log.hpp"
#include "payd/sdk/names.hpp"
#include "payd/sdk/outcome_check.hpp"
#include "plugins/executor_metrics.hpp"

namespace payd::plugins {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using sdk::OutcomeKind;
using sdk::TransportError;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

sdk::Outcome core_outcome(OutcomeKind kind, std::string code, std::string message) {
  sdk::Outcome o;
  o.kind = kind;
  o.error = sdk::ErrorInfo{std::move(code), {}, {}, std::move(message)};
  return o;
}

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(use_tuple);
}

}  // namespace

ConnectorRuntime ConnectorRuntime::from(const config::ConnectorConfig& config,
                                        const std::vector<std::string>& secrets,
                                        CircuitBreaker::Clock clock) {
  ConnectorRuntime rt;
  rt.connector_id = config.id;
  rt.http = ClientOptions::from(config.http);
  auto options = CircuitBreaker::options_from(config.breaker);
  rt.breaker = clock ? std::make_shared<CircuitBreaker>(options, std::move(clock))
                     : std::make_shared<CircuitBreaker>(options);
  rt.scrubber = LogScrubber(secrets);
  return rt;
}

Executor::Executor(HttpClient& client, ExecutorMetrics* metrics, ExecutorOptions options)
    : client_(client), metrics_(metrics), options_(options) {}

void Executor::register_connector(const ConnectorRuntime& runtime) {
  if (metrics_ == nullptr) return;
  const bool open = runtime.breaker && runtime.breaker->state() != CircuitBreaker::State::closed;
  metrics_->set_circuit_open(runtime.connector_id, open);
}

asio::awaitable<ExecutionResult> Executor::run(sdk::Provider& provider, sdk::Operation op,
                                               sdk::OperationInput input,
                                               const ConnectorRuntime& runtime) {
  const auto started = Clock::now();
  const auto& connector = runtime.connector_id;
  const auto op_name = sdk::to_string(op);
  ExecutionResult result;
  std::optional<CircuitBreaker::Permit> permit;
  std::optional<sdk::Outcome> outcome;
  bool any_response = false;          // some exchange got an HTTP response
  bool last_transport_error = false;  // the last exchange failed below HTTP
  bool last_maybe_delivered = false;  // ... after its request was completely sent
  bool from_plugin = false;           // the outcome is the plugin's own, to be checked
  std::chrono::milliseconds paused{0};
  unsigned steps = 0;

  auto plugin_failed = [&](std::string_view where, std::string_view what) {
    obs::log_error("provider plugin threw")
        .str("connector", connector)
        .str("operation", op_name)
        .str("in", where)
        .str("error", runtime.scrubber.text(what));
    return core_outcome(OutcomeKind::unknown, "plugin_error",
                        "The provider plugin failed; the operation's result is unknown.");
  };

  sdk::Step step;
  try {
    step = provider.start(op, input);
  } catch (const std::exception& e) {
    outcome = plugin_failed("start", e.what());
  } catch (...) {
    outcome = plugin_failed("start", "non-standard exception");
  }

  while (!outcome) {
    if (auto* done = std::get_if<sdk::Outcome>(&step)) {
      outcome = std::move(*done);
      from_plugin = true;
      break;
    }
    if (++steps > options_.max_steps) {
      obs::log_error("provider plugin exceeded the step limit")
          .str("connector", connector)
          .str("operation", op_name)
          .num("max_steps", static_cast<std::int64_t>(options_.max_steps));
      outcome = core_outcome(OutcomeKind::unknown, "step_limit",
                             "The provider plugin did not finish within " +
                                 std::to_string(options_.max_steps) + " steps.");
      break;
    }

    sdk::HttpResponse response;
    sdk::StepState state;
    if (auto* pause = std::get_if<sdk::Pause>(&step)) {
      paused += std::max(pause->duration, std::chrono::milliseconds{0});
      if (paused > options_.max_total_pause) {
        outcome = core_outcome(OutcomeKind::unknown, "pause_limit",
                               "The provider plugin paused for longer than allowed.");
        break;
      }
      state = std::move(pause->step);
      co_await sleep_for(pause->duration);
    } else {
      auto& request = std::get<sdk::HttpRequest>(step);
      state = std::move(request.step);
      request.step = {};
      if (!permit && runtime.breaker) {
        permit = runtime.breaker->try_acquire();
        if (!permit) {
          outcome = core_outcome(OutcomeKind::not_attempted, "circuit_open",
                                 "The connector is temporarily unavailable (circuit open).");
          break;
        }
      }
      bool keyed = false;
      if (!request.idempotency_header.empty()) {
        if (input.idempotency_key.empty()) {
          obs::log_warn("plugin asked for an idempotency header but the attempt has no key")
              .str("connector", connector)
              .str("operation", op_name);
        } else {
          std::erase_if(request.headers, [&](const auto& h) {
            return iequals(h.first, request.idempotency_header);
          });
          request.headers.emplace_back(request.idempotency_header, input.idempotency_key);
          keyed = true;
        }
      }
      request.idempotent = request.idempotent || keyed || iequals(request.method, "GET") ||
                           iequals(request.method, "HEAD") || iequals(request.method, "OPTIONS");

      for (unsigned attempt = 0;; ++attempt) {
        const auto exchange_started = Clock::now();
        auto copy = request;
        auto options = runtime.http;
        SendResult sent = co_await client_.exchange(std::move(copy), std::move(options));
        const auto duration = since(exchange_started);

        ExchangeRecord record;
        record.method = request.method;
        record.url = runtime.scrubber.url(request.url);
        record.status = sent.response.status;
        record.transport_error = sent.response.transport_error;
        record.detail = runtime.scrubber.text(sent.detail);
        record.duration = duration;
        record.attempt = attempt;
        record.reused_connection = sent.reused_connection;
        record.request_sent = sent.request_sent;
        if (metrics_ != nullptr) {
          metrics_->observe_exchange(connector, op,
                                     std::chrono::duration<double>(duration).count());
        }
        if (obs::log_enabled(obs::Level::debug)) {
          const auto& s = runtime.scrubber;
          obs::log_debug("provider exchange")
              .str("connector", connector)
              .str("operation", op_name)
              .str("method", record.method)
              .str("url", record.url)
              .num("status", static_cast<std::int64_t>(record.status))
              .str("transport_error", sdk::to_string(record.transport_error))
              .str("detail", record.detail)
              .num("duration_ms", std::chrono::duration<double, std::milli>(duration).count())
              .num("attempt", static_cast<std::int64_t>(attempt))
              .flag("reused_connection", record.reused_connection)
              .str("request_headers", s.headers(request.headers))
              .str("request_body", s.body(request.body))
              .str("response_headers", s.headers(sent.response.headers))
              .str("response_body", s.body(sent.response.body));
        } else if (record.transport_error != TransportError::none) {
          obs::log_info("provider exchange failed")
              .str("connector", connector)
              .str("operation", op_name)
              .str("method", record.method)
              .str("url", record.url)
              .str("transport_error", sdk::to_string(record.transport_error))
              .str("detail", record.detail)
              .num("attempt", static_cast<std::int64_t>(attempt));
        }
        result.exchanges.push_back(std::move(record));

        const auto error = sent.response.transport_error;
        last_transport_error = error != TransportError::none;
        last_maybe_delivered = last_transport_error && sent.request_sent;
        any_response = any_response || !last_transport_error;

        bool retry = false;
        if (last_transport_error && !sent.refused && attempt < options_.max_retries) {
          if (!sent.request_sent) {
            retry = error == TransportError::connect || error == TransportError::timeout ||
                    error == TransportError::reset;
          } else {
            retry = request.idempotent &&
                    (error == TransportError::timeout || error == TransportError::reset);
          }
        }
        if (!retry) {
          response = std::move(sent.response);
          break;
        }
        co_await sleep_for(options_.retry_backoff * (attempt + 1));
      }
    }

    try {
      step = provider.resume(op, input, response, state);
    } catch (const std::exception& e) {
      outcome = plugin_failed("resume", e.what());
    } catch (...) {
      outcome = plugin_failed("resume", "non-standard exception");
    }
  }

  // The plugin's outcome must keep the contract, and not_attempted must be true.
  if (from_plugin) {
    if (auto problem = sdk::validate_outcome(op, *outcome)) {
      obs::log_error("provider plugin returned an invalid outcome")
          .str("connector", connector)
          .str("operation", op_name)
          .str("problem", *problem);
      auto fixed = core_outcome(OutcomeKind::unknown, "invalid_outcome",
                                "The provider plugin returned an invalid result.");
      fixed.provider_ref = std::move(outcome->provider_ref);
      fixed.state = std::move(outcome->state);
      outcome = std::move(fixed);
    } else if (outcome->kind == OutcomeKind::not_attempted && last_maybe_delivered) {
      obs::log_error("plugin reported not_attempted after a request that may have been delivered")
          .str("connector", connector)
          .str("operation", op_name);
      outcome->kind = OutcomeKind::unknown;
    }
  }

  if (permit) {
    if (outcome->kind == OutcomeKind::unknown || last_transport_error) {
      permit->failure();
    } else if (any_response) {
      permit->success();
    }
    permit.reset();
  }
  if (metrics_ != nullptr) {
    metrics_->count_operation(connector, op, outcome->kind);
    if (runtime.breaker) {
      metrics_->set_circuit_open(connector,
                                 runtime.breaker->state() != CircuitBreaker::State::closed);
    }
  }

  result.outcome = std::move(*outcome);
  result.http_exchanges = static_cast<unsigned>(result.exchanges.size());
  result.latency = since(started);
  co_return result;
}

}  // namespace payd::plugins
