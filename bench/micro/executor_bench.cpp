// Issue #3: what the executor adds to one provider operation.
//
//   BM_Sandbox*Direct / BM_Sandbox*ThroughExecutor
//       one sandbox operation (no network), the plugin called directly and through
//       Executor::run: the executor's fixed cost per operation.
//   BM_Loopback_BareSync / BareAsync / HttpClient / Executor
//       one keep-alive HTTP/1.1 exchange (a POST with a small JSON body and a small JSON
//       answer) with a minimal server on 127.0.0.1 running on its own thread:
//         BareSync    Beast write + read on a blocking, already connected socket
//         BareAsync   the same as coroutines on an io_context (how payd does I/O): the floor
//         HttpClient  HttpClient::exchange, pooled connection
//         Executor    Executor::run of a one-request provider (start -> POST, resume ->
//                     processed), with the circuit breaker, log scrubber, Prometheus
//                     metrics and the logger at info, as the daemon runs it
//       Each iteration is timed on its own (manual time); the counters p50_us and p99_us
//       are that run's percentiles, `connects` the TCP connections the server accepted
//       during the timed loop (0: every exchange was on a warm keep-alive connection).
//
//   cmake -S . -B build/bench-helper -G Ninja -DCMAKE_BUILD_TYPE=Release
//         -DPAYD_BUILD_TESTS=OFF -DPAYD_BUILD_BENCH=ON    (one line)
//   ninja -C build/bench-helper payd_executor_bench
//   build/bench-helper/bench/payd_executor_bench --benchmark_repetitions=5
//   bench/micro/run_executor_bench.sh   (repetitions, then a p50/p99 summary)
//
// The server listens on 127.0.0.1 (ephemeral port) only and is stopped before exit.
// PAYD_BENCH_PIN=1 pins the server's thread to CPU 0 and the benchmark's to CPU 1, so the
// two never share a core nor swap places between repetitions (steadier on an idle machine,
// much worse with a busy neighbour).

#include <benchmark/benchmark.h>
#include <prometheus/registry.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "observability/log.hpp"
#include "plugins/circuit_breaker.hpp"
#include "plugins/executor.hpp"
#include "plugins/executor_metrics.hpp"
#include "plugins/http_client.hpp"
#include "plugins/log_scrubber.hpp"
#include "sandbox_provider.hpp"
#include "sandbox_settings.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace payd;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view kPath = "/v1/payment_intents";
constexpr std::string_view kSecret = "sk_test_bench_4eC39HqLyjWDarjtT1zdp7dc";
constexpr std::string_view kIdempotencyKey = "att_01HBENCH0000000000000001";
constexpr std::string_view kRequestBody =
    R"({"amount":2000,"currency":"usd","payment_method":"pm_card_visa","confirm":true})";
constexpr std::string_view kResponseBody =
    R"({"id":"pi_bench_1","object":"payment_intent","status":"succeeded","amount":2000,)"
    R"("amount_received":2000,"currency":"usd"})";
constexpr int kWarmupExchanges = 50;

bool pinning() {
  const char* v = std::getenv("PAYD_BENCH_PIN");
  return v != nullptr && std::string_view(v) == "1";
}

// Pins `thread` to `cpu`; on failure says so on stderr and runs unpinned.
void pin_to_cpu(pthread_t thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(thread, sizeof set, &set) != 0) {
    std::fprintf(stderr, "payd_executor_bench: cannot pin a thread to CPU %d\n", cpu);
  }
}

// ---------------------------------------------------------------------------------------
// The provider side: HTTP/1.1 keep-alive on 127.0.0.1, one fixed JSON answer, own thread.

class LoopbackServer {
 public:
  LoopbackServer() {
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    response_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(kResponseBody.size()) + "\r\n\r\n" + std::string(kResponseBody);
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
    if (pinning()) pin_to_cpu(thread_.native_handle(), 0);
  }
  ~LoopbackServer() {
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(kPath);
  }
  [[nodiscard]] std::size_t connections() const { return connections_.load(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec) co_return;
      ++connections_;
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> request;
      auto [ec, n] = co_await bhttp::async_read(socket, buffer, request, use_tuple);
      if (ec) co_return;
      auto [wec, written] = co_await asio::async_write(socket, asio::buffer(response_), use_tuple);
      if (wec || !request.keep_alive()) co_return;
    }
  }

  // The io_context first: destroyed last, it frees the suspended coroutine frames.
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  std::string response_;
  std::atomic<std::size_t> connections_{0};
  std::thread thread_;
};

std::unique_ptr<LoopbackServer> g_server;  // started by main(), stopped before it returns

// ---------------------------------------------------------------------------------------
// What a connector sends: the same headers and body on the wire for every client below
// (HttpClient adds Host and User-Agent: payd; the bare request sets both itself).

sdk::Headers plugin_headers() {
  return {{"Authorization", "Bearer " + std::string(kSecret)},
          {"Content-Type", "application/json"}};
}

sdk::HttpRequest provider_request(const std::string& url) {
  sdk::HttpRequest r;
  r.method = "POST";
  r.url = url;
  r.headers = plugin_headers();
  r.body = std::string(kRequestBody);
  return r;
}

using BeastRequest = bhttp::request<bhttp::string_body>;

BeastRequest bare_request(std::uint16_t port) {
  BeastRequest r{bhttp::verb::post, kPath, 11};
  r.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : plugin_headers()) r.insert(name, value);
  r.set("Idempotency-Key", kIdempotencyKey);
  r.set(bhttp::field::user_agent, "payd");
  r.body() = std::string(kRequestBody);
  r.keep_alive(true);
  r.prepare_payload();
  return r;
}

// A one-request connector: start() -> POST, resume() -> processed (or unknown on a
// transport error / non-2xx), no parsing: the executor's cost, not a plugin's.
class OneRequestProvider final : public sdk::Provider {
 public:
  explicit OneRequestProvider(std::string url) : url_(std::move(url)) {}

  [[nodiscard]] sdk::Info info() const override { return {"bench", "0.0.1", {}}; }
  sdk::Step start(sdk::Operation, const sdk::OperationInput&) override {
    auto r = provider_request(url_);
    r.idempotency_header = "Idempotency-Key";
    return r;
  }
  sdk::Step resume(sdk::Operation, const sdk::OperationInput& input,
                   const sdk::HttpResponse& response, const sdk::StepState&) override {
    sdk::Outcome o;
    if (response.transport_error != sdk::TransportError::none || response.status != 200) {
      o.kind = sdk::OutcomeKind::unknown;
      return o;
    }
    o.kind = sdk::OutcomeKind::processed;
    o.status = sdk::PaymentStatus::succeeded;
    o.provider_ref = "pi_bench_1";
    o.amounts.capturable = 0;
    o.amounts.received = input.payment.amount;
    return o;
  }
  sdk::WebhookResult on_webhook(const sdk::InboundWebhook&) override { return {}; }

 private:
  std::string url_;
};

// The connector as ConnectorRuntime::from builds it: default breaker, one secret.
plugins::ConnectorRuntime bench_runtime() {
  plugins::ConnectorRuntime rt;
  rt.connector_id = "bench";
  rt.http.allow_insecure_loopback_http = true;
  rt.breaker = std::make_shared<plugins::CircuitBreaker>(plugins::CircuitBreaker::Options{});
  rt.scrubber = plugins::LogScrubber({std::string(kSecret)});
  return rt;
}

sdk::OperationInput authorize_input() {
  sdk::OperationInput in;
  in.payment.id = "pay_01HBENCH000000000000000001";
  in.payment.tenant_id = "tenant_bench";
  in.payment.amount = 2000;
  in.payment.currency = "USD";
  in.payment.capture_method = sdk::CaptureMethod::automatic;
  in.payment.payment_method_types = {"card"};
  in.payment.payment_method = "4242424242424242";
  in.payment.description = "Order 1234";
  in.payment.reference = "order_1234";
  in.idempotency_key = std::string(kIdempotencyKey);
  in.now = 1'800'000'000;
  return in;
}

sdk::OperationInput capture_input() {
  auto in = authorize_input();
  in.payment.capture_method = sdk::CaptureMethod::manual;
  in.payment.amount_capturable = 2000;
  in.payment.provider_ref = "sbx_pi_" + in.payment.id;
  in.payment.state = sdk::PluginState{{"status", "requires_capture"}};
  in.amount = 2000;
  return in;
}

sdk::OperationInput refund_input() {
  auto in = authorize_input();
  in.payment.amount_received = 2000;
  in.payment.provider_ref = "sbx_pi_" + in.payment.id;
  in.payment.state = sdk::PluginState{{"status", "succeeded"}};
  in.refund = sdk::RefundView{"re_01HBENCH000000000000000001", 500, "requested_by_customer", {}};
  in.amount = 500;
  return in;
}

sdk::OperationInput input_for(sdk::Operation op) {
  switch (op) {
    case sdk::Operation::capture:
      return capture_input();
    case sdk::Operation::refund:
      return refund_input();
    default:
      return authorize_input();
  }
}

std::unique_ptr<sdk::Provider> make_sandbox() {
  sdk::ConnectorContext context;
  context.connector_id = "sandbox";
  context.log = [](sdk::LogLevel, std::string_view) {};
  return std::make_unique<sandbox::SandboxProvider>(sandbox::SandboxSettings{}, std::move(context));
}

// Runs `body` as the only coroutine of `ioc` and rethrows what it threw.
void run_coroutine(asio::io_context& ioc, asio::awaitable<void> body) {
  std::exception_ptr error;
  asio::co_spawn(ioc, std::move(body), [&](std::exception_ptr e) { error = e; });
  ioc.run();
  if (error) std::rethrow_exception(error);
}

// ---------------------------------------------------------------------------------------
// Sandbox: no network.

void BM_SandboxDirect(benchmark::State& state, sdk::Operation op) {
  auto provider = make_sandbox();
  const auto input = input_for(op);
  for (auto _ : state) {
    auto copy = input;  // the executor takes its input by value: same copy on both sides
    auto step = provider->start(op, copy);
    benchmark::DoNotOptimize(step);
  }
}

asio::awaitable<void> sandbox_loop(benchmark::State* state, plugins::Executor* executor,
                                   sdk::Provider* provider, sdk::Operation op,
                                   const sdk::OperationInput* input,
                                   const plugins::ConnectorRuntime* runtime) {
  for (auto _ : *state) {
    auto copy = *input;
    auto result = co_await executor->run(*provider, op, std::move(copy), *runtime);
    if (result.outcome.kind != sdk::OutcomeKind::processed) {
      state->SkipWithError("the sandbox did not process the operation");
      break;
    }
    benchmark::DoNotOptimize(result);
  }
}

void BM_SandboxThroughExecutor(benchmark::State& state, sdk::Operation op) {
  asio::io_context ioc{1};
  plugins::HttpClient client(ioc);
  prometheus::Registry registry;
  plugins::ExecutorMetrics metrics(registry);
  plugins::Executor executor(client, &metrics);
  const auto runtime = bench_runtime();
  executor.register_connector(runtime);
  auto provider = make_sandbox();
  const auto input = input_for(op);
  run_coroutine(ioc, sandbox_loop(&state, &executor, provider.get(), op, &input, &runtime));
}

BENCHMARK_CAPTURE(BM_SandboxDirect, authorize, sdk::Operation::authorize);
BENCHMARK_CAPTURE(BM_SandboxThroughExecutor, authorize, sdk::Operation::authorize);
BENCHMARK_CAPTURE(BM_SandboxDirect, capture, sdk::Operation::capture);
BENCHMARK_CAPTURE(BM_SandboxThroughExecutor, capture, sdk::Operation::capture);
BENCHMARK_CAPTURE(BM_SandboxDirect, refund, sdk::Operation::refund);
BENCHMARK_CAPTURE(BM_SandboxThroughExecutor, refund, sdk::Operation::refund);

// ---------------------------------------------------------------------------------------
// Loopback exchange.

// Per-iteration samples -> manual time, p50/p99 counters.
class Samples {
 public:
  explicit Samples(benchmark::State& state) : state_(state) {
    us_.reserve(static_cast<std::size_t>(std::min<benchmark::IterationCount>(
        state.max_iterations, benchmark::IterationCount{10'000'000})));
  }
  void add(Clock::duration d) {
    const double seconds = std::chrono::duration<double>(d).count();
    state_.SetIterationTime(seconds);
    us_.push_back(seconds * 1e6);
  }
  void report(std::size_t connects) {
    if (us_.empty()) return;
    std::sort(us_.begin(), us_.end());
    auto at = [&](double q) {
      const auto i = static_cast<std::size_t>(q * static_cast<double>(us_.size() - 1) + 0.5);
      return us_[std::min(i, us_.size() - 1)];
    };
    state_.counters["p50_us"] = at(0.50);
    state_.counters["p99_us"] = at(0.99);
    state_.counters["connects"] = static_cast<double>(connects);
  }

 private:
  benchmark::State& state_;
  std::vector<double> us_;
};

void BM_Loopback_BareSync(benchmark::State& state) {
  asio::io_context ioc{1};
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), g_server->port()));
  socket.set_option(tcp::no_delay(true));
  const auto request = bare_request(g_server->port());
  beast::flat_buffer buffer;
  auto exchange = [&] {
    bhttp::write(socket, request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket, buffer, response);
    return response.result_int() == 200 && response.keep_alive();
  };
  for (int i = 0; i < kWarmupExchanges; ++i) exchange();
  Samples samples(state);
  const auto connects_before = g_server->connections();
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const bool ok = exchange();
    samples.add(Clock::now() - t0);
    if (!ok) {
      state.SkipWithError("unexpected response");
      break;
    }
  }
  samples.report(g_server->connections() - connects_before);
}
BENCHMARK(BM_Loopback_BareSync)->UseManualTime();

asio::awaitable<void> bare_async_loop(benchmark::State* state) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), g_server->port()), asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  const auto request = bare_request(g_server->port());
  beast::flat_buffer buffer;
  // One exchange; false on any failure.
  auto exchange = [&]() -> asio::awaitable<bool> {
    auto [wec, written] = co_await bhttp::async_write(socket, request, use_tuple);
    if (wec) co_return false;
    bhttp::response<bhttp::string_body> response;
    auto [rec, read] = co_await bhttp::async_read(socket, buffer, response, use_tuple);
    const bool ok = !rec && response.result_int() == 200 && response.keep_alive();
    co_return ok;
  };
  for (int i = 0; i < kWarmupExchanges; ++i) co_await exchange();
  Samples samples(*state);
  const auto connects_before = g_server->connections();
  for (auto _ : *state) {
    const auto t0 = Clock::now();
    const bool ok = co_await exchange();
    samples.add(Clock::now() - t0);
    if (!ok) {
      state->SkipWithError("unexpected response");
      break;
    }
  }
  samples.report(g_server->connections() - connects_before);
}

void BM_Loopback_BareAsync(benchmark::State& state) {
  asio::io_context ioc{1};
  run_coroutine(ioc, bare_async_loop(&state));
}
BENCHMARK(BM_Loopback_BareAsync)->UseManualTime();

asio::awaitable<void> http_client_loop(benchmark::State* state, plugins::HttpClient* client,
                                       const plugins::ClientOptions* options) {
  auto request = provider_request(g_server->url());
  request.headers.emplace_back("Idempotency-Key", kIdempotencyKey);
  request.idempotent = true;  // what the executor marks a keyed request
  auto exchange = [&]() -> asio::awaitable<bool> {
    auto copy = request;
    auto result = co_await client->exchange(std::move(copy), *options);
    const bool ok = result.response.transport_error == sdk::TransportError::none &&
                    result.response.status == 200 && result.reused_connection;
    co_return ok;
  };
  for (int i = 0; i < kWarmupExchanges; ++i) co_await exchange();
  Samples samples(*state);
  const auto connects_before = g_server->connections();
  for (auto _ : *state) {
    const auto t0 = Clock::now();
    const bool ok = co_await exchange();
    samples.add(Clock::now() - t0);
    if (!ok) {
      state->SkipWithError("exchange failed or did not reuse the pooled connection");
      break;
    }
  }
  samples.report(g_server->connections() - connects_before);
}

void BM_Loopback_HttpClient(benchmark::State& state) {
  asio::io_context ioc{1};
  {
    plugins::HttpClient client(ioc);
    const auto runtime = bench_runtime();
    run_coroutine(ioc, http_client_loop(&state, &client, &runtime.http));
  }  // the client closes its idle connection before the io_context goes
}
BENCHMARK(BM_Loopback_HttpClient)->UseManualTime();

asio::awaitable<void> executor_loop(benchmark::State* state, plugins::Executor* executor,
                                    sdk::Provider* provider,
                                    const plugins::ConnectorRuntime* runtime) {
  const auto input = authorize_input();
  auto exchange = [&]() -> asio::awaitable<bool> {
    auto copy = input;
    auto result =
        co_await executor->run(*provider, sdk::Operation::authorize, std::move(copy), *runtime);
    const bool ok = result.outcome.kind == sdk::OutcomeKind::processed &&
                    result.http_exchanges == 1 && result.exchanges.front().reused_connection;
    co_return ok;
  };
  for (int i = 0; i < kWarmupExchanges; ++i) co_await exchange();
  Samples samples(*state);
  const auto connects_before = g_server->connections();
  for (auto _ : *state) {
    const auto t0 = Clock::now();
    const bool ok = co_await exchange();
    samples.add(Clock::now() - t0);
    if (!ok) {
      state->SkipWithError("operation not processed or not on the pooled connection");
      break;
    }
  }
  samples.report(g_server->connections() - connects_before);
}

void BM_Loopback_Executor(benchmark::State& state) {
  asio::io_context ioc{1};
  {
    plugins::HttpClient client(ioc);
    prometheus::Registry registry;
    plugins::ExecutorMetrics metrics(registry);
    plugins::Executor executor(client, &metrics);
    const auto runtime = bench_runtime();
    executor.register_connector(runtime);
    OneRequestProvider provider(g_server->url());
    run_coroutine(ioc, executor_loop(&state, &executor, &provider, &runtime));
  }
}
BENCHMARK(BM_Loopback_Executor)->UseManualTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // The daemon's default: JSON lines on stdout at info (nothing is logged per successful
  // exchange at info; a failure would be, and would show up in the output).
  payd::obs::init_logging(payd::obs::Level::info);
  if (pinning()) pin_to_cpu(pthread_self(), 1);
  g_server = std::make_unique<LoopbackServer>();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_server.reset();
  payd::obs::flush_logs();
  return 0;
}
