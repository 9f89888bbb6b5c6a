#pragma once
// One operation of one attempt, sent to the attempt's connector through the executor of
// the I/O thread the caller runs on. The attempt record gets what happened (outcome,
// error, HTTP exchanges, latency), ready to be finished in the store. A connector that is
// gone or unavailable yields `not_attempted` without any I/O.

#include <boost/asio/awaitable.hpp>

#include "payd/sdk/types.hpp"
#include "store/payment_records.hpp"

namespace payd::plugins {
class ConnectorRegistry;
class ExecutorPool;
}  // namespace payd::plugins

namespace payd::core {

// `input` gets the attempt's outbound idempotency key and the current time. `attempt` must
// be a named object that outlives the awaitable (coroutine reference parameter).
boost::asio::awaitable<sdk::Outcome> call_provider(const plugins::ConnectorRegistry& connectors,
                                                   plugins::ExecutorPool& executors,
                                                   sdk::Operation op, sdk::OperationInput input,
                                                   store::AttemptRecord& attempt);

}  // namespace payd::core
