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
  // has already made. Labels arrive as views of long-lived strings (route templates,
  // literals), so the cache is keyed by their addresses and checked against copies:
  // the hot path allocates nothing.
  struct Children {
    std::string route;
    std::string method;
    prometheus::Counter* requests = nullptr;
    prometheus::Histogram* duration = nullptr;
  };
  struct Key {
    const char* route;
    const char* method;
    int status;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      const auto h = std::hash<const void*>{}(k.route) * 31 + std::hash<const void*>{}(k.method);
      return h * 31 + static_cast<std::size_t>(k.status);
    }
  };
  std::shared_mutex mutex;
  std::unordered_map<Key, Children, KeyHash> children;
  std::unordered_map<std::string, Children> by_labels;  // slow path, keyed by content

  Children& children_for(std::string_view route, std::string_view method, int status) {
    const Key fast{route.data(), method.data(), status};
    {
      std::shared_lock lock(mutex);
      if (auto it = children.find(fast); it != children.end() && it->second.route == route &&
                                         it->second.method == method) {
        return it->second;
      }
    }
    std::unique_lock lock(mutex);
    const std::string label_key =
        std::string(route) + ' ' + std::string(method) + ' ' + std::to_string(status);
    auto [it, inserted] = by_labels.try_emplace(label_key);
    if (inserted) {
      it->second.route = std::string(route);
      it->second.method = std::string(method);
      it->second.requests = &http_requests.Add({{"route", std::string(route)},
                                                {"method", std::string(method)},
                                                {"code", std::to_string(status)}});
      it->second.duration = &http_duration.Add(
          {{"route", std::string(route)}, {"method", std::string(method)}}, latency_buckets());
    }
    children.insert_or_assign(fast, it->second);
    return children.at(fast);
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
