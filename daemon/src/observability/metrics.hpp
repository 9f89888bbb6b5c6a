#pragma once
// The process-wide Prometheus registry and the metrics the HTTP front door records.
// Serialised by our own server at /metrics (no civetweb exposer).

#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace payd::obs {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Registry other modules add their families to.
  [[nodiscard]] prometheus::Registry& registry();

  // One finished HTTP request. `route` is the route template (bounded cardinality),
  // `method` a canonical method name or "other".
  void observe_http(std::string_view route, std::string_view method, int status,
                    double seconds);

  // Prometheus text exposition format 0.0.4, including process metrics.
  [[nodiscard]] std::string serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace payd::obs
