#include "observability/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <boost/version.hpp>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "common/build_info.hpp"
#include "observability/process_metrics.hpp"

namespace payd::obs {
namespace {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries b = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,    0.5,    1.0,   2.5,    5.0,   10.0};
  return b;
}

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  ProcessCollector process;
  prometheus::Family<prometheus::Counter>& http_requests =
      prometheus::BuildCounter()
          .Name("payd_http_requests_total")
          .Help("HTTP requests served, by route template, method and status code.")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& http_duration =
      prometheus::BuildHistogram()
          .Name("payd_http_request_duration_seconds")
          .Help("Time from the end of the request head to the response written, by route.")
          .Register(*registry);

  // Family::Add hashes a label map under a lock; the front door caches the children it
  // has already made so the hot path is one shared-lock lookup.
  struct Children {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
  };
  std::shared_mutex mutex;
  std::unordered_map<std::string, Children> children;

  Children& children_for(std::string_view route, std::string_view method, int status) {
    std::string key;
    key.reserve(route.size() + method.size() + 8);
    key.append(route).append(1, ' ').append(method).append(1, ' ').append(std::to_string(status));
    {
      std::shared_lock lock(mutex);
      if (auto it = children.find(key); it != children.end()) return it->second;
    }
    std::unique_lock lock(mutex);
    auto [it, inserted] = children.try_emplace(key);
    if (inserted) {
      it->second.requests = &http_requests.Add({{"route", std::string(route)},
                                                {"method", std::string(method)},
                                                {"code", std::to_string(status)}});
      it->second.duration = &http_duration.Add(
          {{"route", std::string(route)}, {"method", std::string(method)}}, latency_buckets());
    }
    return it->second;
  }

  Impl() {
    prometheus::BuildGauge()
        .Name("payd_build_info")
        .Help("Build information; the value is always 1.")
        .Register(*registry)
        .Add({{"version", std::string(kVersion)},
              {"commit", std::string(kGitCommit)},
              {"compiler", std::string(kCompiler)},
              {"boost", BOOST_LIB_VERSION}})
        .Set(1);
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

prometheus::Registry& Metrics::registry() { return *impl_->registry; }

void Metrics::observe_http(std::string_view route, std::string_view method, int status,
                           double seconds) {
  auto& c = impl_->children_for(route, method, status);
  c.requests->Increment();
  c.duration->Observe(seconds);
}

std::string Metrics::serialize() const {
  auto families = impl_->registry->Collect();
  auto process = impl_->process.Collect();
  families.insert(families.end(), std::make_move_iterator(process.begin()),
                  std::make_move_iterator(process.end()));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace payd::obs
