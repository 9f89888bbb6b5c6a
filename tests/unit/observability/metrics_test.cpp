#include "observability/metrics.hpp"

#include <gtest/gtest.h>

namespace payd::obs {
namespace {

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST(Metrics, CountsRequestsByRouteMethodAndCode) {
  Metrics m;
  m.observe_http("/api/v1/payments/{id}", "GET", 200, 0.002);
  m.observe_http("/api/v1/payments/{id}", "GET", 200, 0.003);
  m.observe_http("/api/v1/payments/{id}", "GET", 404, 0.001);
  const auto text = m.serialize();
  EXPECT_TRUE(contains(text, R"(payd_http_requests_total{code="200",method="GET",route="/api/v1/payments/{id}"} 2)")) << text;
  EXPECT_TRUE(contains(text, R"(payd_http_requests_total{code="404",method="GET",route="/api/v1/payments/{id}"} 1)"));
  EXPECT_TRUE(contains(text, R"(payd_http_request_duration_seconds_count{method="GET",route="/api/v1/payments/{id}"} 3)"));
}

TEST(Metrics, ExposesBuildAndProcessMetrics) {
  Metrics m;
  const auto text = m.serialize();
  for (const char* name : {"payd_build_info{", "process_resident_memory_bytes ",
                           "process_cpu_seconds_total ", "process_open_fds ",
                           "process_start_time_seconds ", "process_max_fds "}) {
    EXPECT_TRUE(contains(text, name)) << name;
  }
  EXPECT_TRUE(contains(text, "# TYPE process_cpu_seconds_total counter"));
}

}  // namespace
}  // namespace payd::obs
