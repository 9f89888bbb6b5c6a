#include "plugins/executor_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <tuple>

#include "payd/sdk/names.hpp"

namespace payd::plugins {

namespace {

const prometheus::Histogram::BucketBoundaries& exchange_buckets() {
  static const prometheus::Histogram::BucketBoundaries b = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0};
  return b;
}

}  // namespace

struct ExecutorMetrics::Impl {
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& duration;
  prometheus::Family<prometheus::Gauge>& circuit;

  // Family::Add hashes the label map under a lock; cache the children once made.
  std::shared_mutex mutex;
  std::map<std::tuple<std::string, sdk::Operation, sdk::OutcomeKind>, prometheus::Counter*,
           std::less<>>
      counters;
  std::map<std::pair<std::string, sdk::Operation>, prometheus::Histogram*, std::less<>> histograms;
  std::map<std::string, prometheus::Gauge*, std::less<>> gauges;

  explicit Impl(prometheus::Registry& registry)
      : requests(prometheus::BuildCounter()
                     .Name("payd_provider_requests_total")
                     .Help("Provider operations run by the executor, by connector, operation "
                           "and outcome kind.")
                     .Register(registry)),
        duration(prometheus::BuildHistogram()
                     .Name("payd_provider_request_duration_seconds")
                     .Help("Duration of each HTTP exchange with a provider, by connector and "
                           "operation.")
                     .Register(registry)),
        circuit(prometheus::BuildGauge()
                    .Name("payd_circuit_open")
                    .Help("1 while the connector's circuit breaker is open or half-open.")
                    .Register(registry)) {}

  template <typename Map, typename Key, typename Make>
  auto* child(Map& map, const Key& key, Make make) {
    {
      std::shared_lock lock(mutex);
      if (auto it = map.find(key); it != map.end()) return it->second;
    }
    std::unique_lock lock(mutex);
    auto [it, inserted] = map.try_emplace(key, nullptr);
    if (inserted) it->second = make();
    return it->second;
  }
};

ExecutorMetrics::ExecutorMetrics(prometheus::Registry& registry)
    : impl_(std::make_unique<Impl>(registry)) {}

ExecutorMetrics::~ExecutorMetrics() = default;

void ExecutorMetrics::count_operation(std::string_view connector, sdk::Operation op,
                                      sdk::OutcomeKind outcome) {
  auto key = std::make_tuple(std::string(connector), op, outcome);
  auto* c = impl_->child(impl_->counters, key, [&] {
    return &impl_->requests.Add({{"connector", std::string(connector)},
                                 {"operation", std::string(sdk::to_string(op))},
                                 {"outcome", std::string(sdk::to_string(outcome))}});
  });
  c->Increment();
}

void ExecutorMetrics::observe_exchange(std::string_view connector, sdk::Operation op,
                                       double seconds) {
  auto key = std::make_pair(std::string(connector), op);
  auto* h = impl_->child(impl_->histograms, key, [&] {
    return &impl_->duration.Add(
        {{"connector", std::string(connector)}, {"operation", std::string(sdk::to_string(op))}},
        exchange_buckets());
  });
  h->Observe(seconds);
}

void ExecutorMetrics::set_circuit_open(std::string_view connector, bool open) {
  auto key = std::string(connector);
  auto* g = impl_->child(impl_->gauges, key, [&] {
    return &impl_->circuit.Add({{"connector", std::string(connector)}});
  });
  g->Set(open ? 1.0 : 0.0);
}

}  // namespace payd::plugins
