#pragma once
// Process metrics in the names Prometheus' own clients use (process_*), read from
// /proc/self at scrape time.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>

namespace payd::obs {

class ProcessCollector final : public prometheus::Collectable {
 public:
  ProcessCollector();
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  double start_time_seconds_;
};

}  // namespace payd::obs
