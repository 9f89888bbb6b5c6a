#include "core/provider_call.hpp"

#include <boost/asio/this_coro.hpp>
#include <chrono>

#include "core/outcome_rules.hpp"
#include "plugins/connector_registry.hpp"
#include "plugins/executor_pool.hpp"

namespace payd::core {

namespace asio = boost::asio;

asio::awaitable<sdk::Outcome> call_provider(const plugins::ConnectorRegistry& connectors,
                                            plugins::ExecutorPool& executors, sdk::Operation op,
                                            sdk::OperationInput input,
                                            store::AttemptRecord& attempt) {
  const auto* connector = connectors.find(attempt.connector_id);
  const auto* runtime = executors.runtime(attempt.connector_id);
  sdk::Outcome outcome;
  if (connector == nullptr || connector->provider() == nullptr || runtime == nullptr) {
    outcome.kind = sdk::OutcomeKind::not_attempted;
    outcome.error =
        sdk::ErrorInfo{"connector_unavailable", {}, {}, "The connector is not available."};
  } else {
    input.idempotency_key = attempt.idempotency_key;
    input.now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    auto& executor = executors.executor_for(co_await asio::this_coro::executor);
    auto run = co_await executor.run(*connector->provider(), op, std::move(input), *runtime);
    outcome = std::move(run.outcome);
    attempt.http_exchanges = static_cast<int>(run.http_exchanges);
    attempt.latency_us = run.latency.count();
  }
  attempt.outcome = outcome.kind;
  attempt.error = error_json(outcome.error);
  co_return outcome;
}

}  // namespace payd::core
