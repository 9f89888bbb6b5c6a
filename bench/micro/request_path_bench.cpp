// The per-request pieces of GET /healthz outside Beast/Asio: route lookup, request id,
// the JSON body, the metrics update and the access-log line.
//
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAYD_BUILD_BENCH=ON
//   cmake --build build/bench --target payd_micro_bench
//   build/bench/bench/payd_micro_bench > /dev/null 2> results.txt  (stdout gets log lines)
//
// Benchmark's own report is sent to stderr by main() below, so the access lines the
// logging benchmark writes to stdout can be thrown away.

#include <benchmark/benchmark.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <iostream>

#include "http/request_id.hpp"
#include "http/response.hpp"
#include "http/route_table.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace {

using namespace payd;

void BM_RouteMatchHealthz(benchmark::State& state) {
  // The ops routes plus a parameterised API route, as the daemon registers them.
  http::RouteTable routes;
  const auto handler = [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
    co_return http::Response{};
  };
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/api/v1/payments/{id}"}) {
    routes.add(http::Method::get, path, handler, {.is_public = true, .permission = {}});
  }
  for (auto _ : state) {
    auto m = routes.match(http::Method::get, "/healthz");
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_RouteMatchHealthz);

void BM_GenerateRequestId(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(http::generate_request_id());
}
BENCHMARK(BM_GenerateRequestId);

void BM_HealthzJsonBody(benchmark::State& state) {
  for (auto _ : state) {
    auto r = http::Response::json(200, boost::json::object{{"status", "ok"}});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HealthzJsonBody);

void BM_MetricsObserveHttp(benchmark::State& state) {
  obs::Metrics metrics;
  for (auto _ : state) metrics.observe_http("/healthz", "GET", 200, 0.00042);
}
BENCHMARK(BM_MetricsObserveHttp);

void BM_AccessLogLine(benchmark::State& state) {
  obs::init_logging(obs::Level::info);
  const std::string id = http::generate_request_id();
  for (auto _ : state) {
    obs::log_info("access")
        .str("request_id", id)
        .str("method", "GET")
        .str("route", "/healthz")
        .num("status", std::int64_t{200})
        .num("duration_ms", 0.42)
        .num("bytes", std::int64_t{15});
  }
  obs::flush_logs();
}
BENCHMARK(BM_AccessLogLine);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::ConsoleReporter reporter;
  reporter.SetOutputStream(&std::cerr);
  reporter.SetErrorStream(&std::cerr);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
