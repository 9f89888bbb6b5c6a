#pragma once
// The executor's Prometheus families, registered on the process registry:
//
//   payd_provider_requests_total{connector,operation,outcome}   one per operation run,
//                                                                outcome = the Outcome kind
//   payd_provider_request_duration_seconds{connector,operation} one per HTTP exchange
//   payd_circuit_open{connector}                                 1 open or half-open, 0 closed
//
// Labels carry only the connector id and fixed vocabulary (the SDK's wire names, see
// payd/sdk/names.hpp): no payment ids, no secrets.

#include <memory>
#include <string_view>

#include "payd/sdk/provider.hpp"

namespace prometheus {
class Registry;
}

namespace payd::plugins {

class ExecutorMetrics {
 public:
  explicit ExecutorMetrics(prometheus::Registry& registry);
  ~ExecutorMetrics();
  ExecutorMetrics(const ExecutorMetrics&) = delete;
  ExecutorMetrics& operator=(const ExecutorMetrics&) = delete;

  void count_operation(std::string_view connector, sdk::Operation op, sdk::OutcomeKind outcome);
  void observe_exchange(std::string_view connector, sdk::Operation op, double seconds);
  void set_circuit_open(std::string_view connector, bool open);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace payd::plugins
