#include "plugins/executor.hpp"

#include <gtest/gtest.h>

#include "stdout_capture.hpp"
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <functional>
#include <stdexcept>

#include "config/config.hpp"
#include "observability/log.hpp"
#include "plugins/executor_metrics.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

namespace payd::plugins {
namespace {

using namespace std::chrono_literals;
using sdk::OutcomeKind;
using sdk::TransportError;
using test::Reply;
using test::TestServer;

// A Provider scripted by two functions.
class FakeProvider : public sdk::Provider {
 public:
  using Start = std::function<sdk::Step(sdk::Operation, const sdk::OperationInput&)>;
  using Resume = std::function<sdk::Step(sdk::Operation, const sdk::OperationInput&,
                                         const sdk::HttpResponse&, const sdk::StepState&)>;
  FakeProvider(Start start, Resume resume) : start_(std::move(start)), resume_(std::move(resume)) {}

  [[nodiscard]] sdk::Info info() const override { return {"fake", "0.0.1", {}}; }
  sdk::Step start(sdk::Operation op, const sdk::OperationInput& input) override {
    ++starts;
    return start_(op, input);
  }
  sdk::Step resume(sdk::Operation op, const sdk::OperationInput& input,
                   const sdk::HttpResponse& response, const sdk::StepState& step) override {
    ++resumes;
    responses.push_back(response);
    return resume_(op, input, response, step);
  }
  sdk::WebhookResult on_webhook(const sdk::InboundWebhook&) override { return {}; }

  int starts = 0;
  int resumes = 0;
  std::vector<sdk::HttpResponse> responses;

 private:
  Start start_;
  Resume resume_;
};

sdk::HttpRequest request(std::string method, std::string url) {
  sdk::HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  return r;
}

sdk::Outcome processed(std::string ref = "pi_1") {
  sdk::Outcome o;
  o.kind = OutcomeKind::processed;
  o.status = sdk::PaymentStatus::succeeded;
  o.provider_ref = std::move(ref);
  return o;
}

// The usual plugin mapping of a transport error.
sdk::Outcome map_response(const sdk::HttpResponse& r) {
  if (r.transport_error == TransportError::connect || r.transport_error == TransportError::tls) {
    sdk::Outcome o;
    o.kind = OutcomeKind::not_attempted;
    o.error = sdk::ErrorInfo{"provider_unavailable", {}, {}, "unreachable"};
    return o;
  }
  if (r.transport_error != TransportError::none || r.status >= 500) {
    sdk::Outcome o;
    o.kind = OutcomeKind::unknown;
    return o;
  }
  return processed();
}

struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
  CircuitBreaker::Clock clock() const {
    return
        [ms = ms] { return CircuitBreaker::TimePoint{} + std::chrono::milliseconds(ms->load()); };
  }
  void advance(std::chrono::milliseconds d) const { *ms += d.count(); }
};

class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest() {
    runtime_.connector_id = "c1";
    runtime_.http.allow_insecure_loopback_http = true;
    runtime_.http.connect_timeout = 2s;
    runtime_.http.total_timeout = 5s;
    runtime_.breaker =
        std::make_shared<CircuitBreaker>(CircuitBreaker::Options{3, 1000ms}, clock_.clock());
    input_.payment.id = "pay_1";
    input_.payment.amount = 1000;
    input_.payment.currency = "USD";
    input_.idempotency_key = "att_123";
  }

  ExecutionResult run(sdk::Provider& provider, sdk::Operation op = sdk::Operation::authorize) {
    auto input = input_;
    return test::run_on(ioc_, executor_.run(provider, op, std::move(input), runtime_));
  }

  std::string metrics_text() const {
    return prometheus::TextSerializer().Serialize(registry_.Collect());
  }

  FakeClock clock_;
  ConnectorRuntime runtime_;
  sdk::OperationInput input_;
  prometheus::Registry registry_;
  ExecutorMetrics metrics_{registry_};
  boost::asio::io_context ioc_;
  HttpClient client_{ioc_};
  Executor executor_{client_, &metrics_, ExecutorOptions{8, 2, 0ms, 1000ms}};
};

TEST_F(ExecutorTest, RunsAMultiStepFlowToItsOutcome) {
  TestServer server([](const test::ReceivedRequest& r) {
    if (r.target == "/token") return Reply::ok(R"(tok_abc)");
    return Reply::ok("ch_" + r.body);
  });
  FakeProvider provider(
      [&](sdk::Operation, const sdk::OperationInput&) -> sdk::Step {
        auto r = request("GET", server.url("/token", "127.0.0.1"));
        r.step["n"] = 1;
        return r;
      },
      [&](sdk::Operation, const sdk::OperationInput& input, const sdk::HttpResponse& response,
          const sdk::StepState& step) -> sdk::Step {
        if (step.at("n").as_int64() == 1) {
          auto r = request("POST", server.url("/charge", "127.0.0.1"));
          r.headers.emplace_back("Authorization", "Bearer " + response.body);
          r.body = input.payment.id;
          r.step["n"] = 2;
          return r;
        }
        EXPECT_EQ(step.at("n").as_int64(), 2);
        return processed(response.body);
      });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::processed);
  EXPECT_EQ(result.outcome.provider_ref, "ch_pay_1");
  EXPECT_EQ(result.http_exchanges, 2U);
  ASSERT_EQ(result.exchanges.size(), 2U);
  EXPECT_EQ(result.exchanges[0].method, "GET");
  EXPECT_EQ(result.exchanges[1].method, "POST");
  EXPECT_EQ(result.exchanges[1].status, 200);
  EXPECT_EQ(result.exchanges[1].url, server.url("/charge", "127.0.0.1"));
  EXPECT_GT(result.latency.count(), 0);
  EXPECT_EQ(provider.starts, 1);
  EXPECT_EQ(provider.resumes, 2);
  ASSERT_EQ(server.requests(), 2U);
  EXPECT_EQ(server.received()[1].header("Authorization"), "Bearer tok_abc");
  EXPECT_EQ(server.connections(), 1U);  // the pool kept the connection between steps
}

TEST_F(ExecutorTest, OutcomeWithoutHttpNeverTouchesTheBreaker) {
  FakeProvider provider(
      [](auto, const auto&) -> sdk::Step { return processed(); },
      [](auto, const auto&, const auto&, const auto&) -> sdk::Step { return processed(); });
  runtime_.breaker =
      std::make_shared<CircuitBreaker>(CircuitBreaker::Options{1, 1000ms}, clock_.clock());
  runtime_.breaker->try_acquire()->failure();  // open
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::processed);
  EXPECT_EQ(result.http_exchanges, 0U);
}

TEST_F(ExecutorTest, AddsTheIdempotencyHeaderWhenAsked) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        auto r = request("POST", server.url("/charges", "127.0.0.1"));
        r.headers.emplace_back("idempotency-key", "plugin-made");
        r.idempotency_header = "Idempotency-Key";
        return r;
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::processed);
  ASSERT_EQ(server.requests(), 1U);
  const auto seen = server.received()[0];
  EXPECT_EQ(seen.header("Idempotency-Key"), "att_123");
  int count = 0;
  for (const auto& [n, v] : seen.headers)
    count += (n == "Idempotency-Key" || n == "idempotency-key");
  EXPECT_EQ(count, 1);
}

TEST_F(ExecutorTest, NoIdempotencyHeaderUnlessAsked) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("POST", server.url("/charges", "127.0.0.1"));
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  run(provider);
  ASSERT_EQ(server.requests(), 1U);
  EXPECT_EQ(server.received()[0].header("Idempotency-Key"), "");
}

TEST_F(ExecutorTest, StopsAtTheStepLimit) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  const auto url = server.url("/poll", "127.0.0.1");
  FakeProvider provider([&](auto, const auto&) -> sdk::Step { return request("GET", url); },
                        [&](auto, const auto&, const auto&, const auto&) -> sdk::Step {
                          return request("GET", url);
                        });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  ASSERT_TRUE(result.outcome.error.has_value());
  EXPECT_EQ(result.outcome.error->code, "step_limit");
  EXPECT_EQ(result.http_exchanges, 8U);
  EXPECT_EQ(server.requests(), 8U);
}

TEST_F(ExecutorTest, APluginExceptionIsUnknownAndNeverEscapes) {
  FakeProvider throws_in_start(
      [](auto, const auto&) -> sdk::Step { throw std::runtime_error("boom"); },
      [](auto, const auto&, const auto&, const auto&) -> sdk::Step { return processed(); });
  auto result = run(throws_in_start);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  EXPECT_EQ(result.outcome.error->code, "plugin_error");
  EXPECT_EQ(result.http_exchanges, 0U);

  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  FakeProvider throws_in_resume(
      [&](auto, const auto&) -> sdk::Step { return request("GET", server.url("/", "127.0.0.1")); },
      [](auto, const auto&, const auto&, const auto&) -> sdk::Step { throw 42; });
  result = run(throws_in_resume);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  EXPECT_EQ(result.outcome.error->code, "plugin_error");
  EXPECT_EQ(result.http_exchanges, 1U);
}

TEST_F(ExecutorTest, AnOpenBreakerMeansNotAttemptedWithoutAnyNetworkCall) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  runtime_.breaker =
      std::make_shared<CircuitBreaker>(CircuitBreaker::Options{1, 1000ms}, clock_.clock());
  runtime_.breaker->try_acquire()->failure();
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("POST", server.url("/charges", "127.0.0.1"));
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::not_attempted);
  ASSERT_TRUE(result.outcome.error.has_value());
  EXPECT_EQ(result.outcome.error->code, "circuit_open");
  EXPECT_EQ(result.http_exchanges, 0U);
  EXPECT_EQ(provider.resumes, 0);
  EXPECT_EQ(server.connections(), 0U);
}

TEST_F(ExecutorTest, TransportFailuresOpenTheBreakerAndAProbeClosesIt) {
  const auto dead = "http://127.0.0.1:" + std::to_string(test::unused_port()) + "/charges";
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  std::string url = dead;
  FakeProvider provider([&](auto, const auto&) -> sdk::Step { return request("POST", url); },
                        [](auto, const auto&, const sdk::HttpResponse& r,
                           const auto&) -> sdk::Step { return map_response(r); });
  for (int i = 0; i < 3; ++i) {
    const auto r = run(provider);
    EXPECT_EQ(r.outcome.kind, OutcomeKind::not_attempted);
    EXPECT_EQ(r.http_exchanges, 3U);  // connect failures are retried: nothing was sent
  }
  EXPECT_EQ(runtime_.breaker->state(), CircuitBreaker::State::open);
  EXPECT_NE(metrics_text().find(R"(payd_circuit_open{connector="c1"} 1)"), std::string::npos);

  url = server.url("/charges", "127.0.0.1");
  auto refused = run(provider);
  EXPECT_EQ(refused.outcome.error->code, "circuit_open");
  EXPECT_EQ(server.requests(), 0U);

  clock_.advance(1000ms);
  const auto probe = run(provider);
  EXPECT_EQ(probe.outcome.kind, OutcomeKind::processed);
  EXPECT_EQ(runtime_.breaker->state(), CircuitBreaker::State::closed);
  EXPECT_NE(metrics_text().find(R"(payd_circuit_open{connector="c1"} 0)"), std::string::npos);
}

TEST_F(ExecutorTest, UnknownOutcomesCountAsFailures) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::with_status(503); });
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("POST", server.url("/charges", "127.0.0.1"));
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run(provider).outcome.kind, OutcomeKind::unknown);
  EXPECT_EQ(runtime_.breaker->state(), CircuitBreaker::State::open);
  EXPECT_EQ(server.requests(), 3U);  // a 503 is an answer: never retried by the core
}

TEST_F(ExecutorTest, DeclinesCountAsSuccesses) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::with_status(402); });
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("POST", server.url("/charges", "127.0.0.1"));
      },
      [](auto, const auto&, const auto&, const auto&) -> sdk::Step {
        sdk::Outcome o;
        o.kind = OutcomeKind::declined;
        o.status = sdk::PaymentStatus::failed;
        o.error = sdk::ErrorInfo{"card_declined", "card_declined", "insufficient_funds", "no"};
        return o;
      });
  runtime_.breaker->try_acquire()->failure();
  runtime_.breaker->try_acquire()->failure();
  EXPECT_EQ(run(provider).outcome.kind, OutcomeKind::declined);
  EXPECT_EQ(runtime_.breaker->consecutive_failures(), 0U);
}

TEST_F(ExecutorTest, NeverRetriesAPostThatMayHaveBeenSent) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::hang(); });
  runtime_.http.total_timeout = 200ms;
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("POST", server.url("/charges", "127.0.0.1"));
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  EXPECT_EQ(result.http_exchanges, 1U);
  EXPECT_EQ(result.exchanges[0].transport_error, TransportError::timeout);
  EXPECT_EQ(server.requests(), 1U);
}

TEST_F(ExecutorTest, RetriesAnIdempotentGetAfterATimeout) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::hang(); });
  runtime_.http.total_timeout = 150ms;
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("GET", server.url("/charges/ch_1", "127.0.0.1"));
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  const auto result = run(provider, sdk::Operation::sync);
  EXPECT_EQ(result.http_exchanges, 3U);
  EXPECT_EQ(server.requests(), 3U);
  EXPECT_EQ(result.exchanges[2].attempt, 2U);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
}

TEST_F(ExecutorTest, RetriesAKeyedPostAfterAReset) {
  std::atomic<int> hits{0};
  TestServer server(
      [&](const test::ReceivedRequest&) { return ++hits < 3 ? Reply::close() : Reply::ok(); });
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        auto r = request("POST", server.url("/charges", "127.0.0.1"));
        r.idempotency_header = "Idempotency-Key";
        return r;
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::processed);
  EXPECT_EQ(server.requests(), 3U);
  for (const auto& r : server.received()) EXPECT_EQ(r.header("Idempotency-Key"), "att_123");
}

TEST_F(ExecutorTest, NeverRetriesAnUnkeyedPostAfterAReset) {
  TestServer server([&](const test::ReceivedRequest&) { return Reply::close(); });
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("POST", server.url("/charges", "127.0.0.1"));
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  EXPECT_EQ(server.requests(), 1U);
}

TEST_F(ExecutorTest, RequestsRefusedByPolicyAreNotRetried) {
  runtime_.http.allow_insecure_loopback_http = false;
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step { return request("GET", "http://127.0.0.1:9/x"); },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  const auto result = run(provider);
  EXPECT_EQ(result.http_exchanges, 1U);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::not_attempted);
}

TEST_F(ExecutorTest, NotAttemptedAfterAPossiblyDeliveredRequestBecomesUnknown) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::hang(); });
  runtime_.http.total_timeout = 150ms;
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        return request("POST", server.url("/charges", "127.0.0.1"));
      },
      [](auto, const auto&, const auto&, const auto&) -> sdk::Step {
        sdk::Outcome o;  // wrong: the request reached the provider before the timeout
        o.kind = OutcomeKind::not_attempted;
        o.error = sdk::ErrorInfo{"provider_unavailable", {}, {}, "timed out"};
        return o;
      });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  ASSERT_TRUE(result.outcome.error.has_value());
  EXPECT_EQ(result.outcome.error->code, "provider_unavailable");  // downgraded, not replaced
}

TEST_F(ExecutorTest, InvalidOutcomesBecomeUnknown) {
  FakeProvider provider(
      [](auto, const auto&) -> sdk::Step {
        sdk::Outcome o;
        o.kind = OutcomeKind::processed;  // no status
        o.provider_ref = "pi_9";
        return o;
      },
      [](auto, const auto&, const auto&, const auto&) -> sdk::Step { return processed(); });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  EXPECT_EQ(result.outcome.error->code, "invalid_outcome");
  EXPECT_EQ(result.outcome.provider_ref, "pi_9");
}

TEST_F(ExecutorTest, OutcomesAreHeldToTheSdkRules) {
  // A refusal dressed as success, and a requires_action without the action: both refused.
  std::vector<sdk::Outcome> broken(2);
  broken[0].kind = OutcomeKind::declined;
  broken[0].status = sdk::PaymentStatus::succeeded;
  broken[0].error = sdk::ErrorInfo{"card_declined", {}, {}, {}};
  broken[1].kind = OutcomeKind::pending;
  broken[1].status = sdk::PaymentStatus::requires_action;
  broken[1].provider_ref = "pi_2";
  for (const auto& outcome : broken) {
    FakeProvider provider(
        [&](auto, const auto&) -> sdk::Step { return outcome; },
        [](auto, const auto&, const auto&, const auto&) -> sdk::Step { return processed(); });
    const auto result = run(provider);
    EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
    EXPECT_EQ(result.outcome.error->code, "invalid_outcome");
  }
  EXPECT_NE(
      metrics_text().find(
          R"(payd_provider_requests_total{connector="c1",operation="authorize",outcome="unknown"} 2)"),
      std::string::npos);
}

TEST_F(ExecutorTest, PausesThenResumesWithAnEmptyResponse) {
  FakeProvider provider(
      [](auto, const auto&) -> sdk::Step {
        sdk::Pause p;
        p.duration = 20ms;
        p.step["waited"] = true;
        return p;
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const sdk::StepState& s) -> sdk::Step {
        EXPECT_EQ(r.status, 0);
        EXPECT_EQ(r.transport_error, TransportError::none);
        EXPECT_TRUE(s.at("waited").as_bool());
        return processed();
      });
  const auto started = std::chrono::steady_clock::now();
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::processed);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 20ms);
  EXPECT_EQ(result.http_exchanges, 0U);
}

TEST_F(ExecutorTest, PausesAreCapped) {
  FakeProvider provider(
      [](auto, const auto&) -> sdk::Step {
        return sdk::Pause{std::chrono::hours(1), {}};
      },
      [](auto, const auto&, const auto&, const auto&) -> sdk::Step { return processed(); });
  const auto result = run(provider);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::unknown);
  EXPECT_EQ(result.outcome.error->code, "pause_limit");
  EXPECT_EQ(provider.resumes, 0);
}

TEST_F(ExecutorTest, RecordsMetrics) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step { return request("GET", server.url("/a", "127.0.0.1")); },
      [&](auto, const auto&, const auto&, const sdk::StepState& s) -> sdk::Step {
        if (s.contains("second")) return processed();
        auto r = request("GET", server.url("/b", "127.0.0.1"));
        r.step["second"] = true;
        return r;
      });
  executor_.register_connector(runtime_);
  run(provider);
  run(provider, sdk::Operation::capture);
  const auto text = metrics_text();
  EXPECT_NE(
      text.find(
          R"(payd_provider_requests_total{connector="c1",operation="authorize",outcome="processed"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(payd_provider_requests_total{connector="c1",operation="capture",outcome="processed"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          R"(payd_provider_request_duration_seconds_count{connector="c1",operation="authorize"} 2)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(payd_circuit_open{connector="c1"} 0)"), std::string::npos);
  EXPECT_EQ(text.find("pay_1"), std::string::npos);  // no ids in labels
}

using payd::testing::StdoutCapture;

TEST_F(ExecutorTest, DebugLogsOfExchangesAreScrubbed) {
  TestServer server([](const test::ReceivedRequest&) {
    auto r = Reply::ok(R"({"card":"4000 0000 0000 0002","echo":"sk_live_topsecret"})");
    r.headers.emplace_back("Set-Cookie", "session=abcdef");
    return r;
  });
  runtime_.scrubber = LogScrubber({"sk_live_topsecret"});
  FakeProvider provider(
      [&](auto, const auto&) -> sdk::Step {
        auto r = request("POST", server.url("/charges?api_key=sk_live_topsecret", "127.0.0.1"));
        r.headers.emplace_back("Authorization", "Bearer opaque-token-value");
        r.body = "card[number]=4242424242424242&secret=sk_live_topsecret";
        return r;
      },
      [](auto, const auto&, const sdk::HttpResponse& r, const auto&) -> sdk::Step {
        return map_response(r);
      });
  obs::init_logging(obs::Level::debug);
  StdoutCapture capture;
  const auto result = run(provider);
  const auto out = capture.finish();
  obs::set_log_level(obs::Level::info);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::processed);
  EXPECT_NE(out.find("provider exchange"), std::string::npos) << out;
  EXPECT_EQ(out.find("sk_live_topsecret"), std::string::npos) << out;
  EXPECT_EQ(out.find("opaque-token-value"), std::string::npos) << out;
  EXPECT_EQ(out.find("4242424242424242"), std::string::npos) << out;
  EXPECT_EQ(out.find("4000 0000 0000 0002"), std::string::npos) << out;
  EXPECT_EQ(out.find("session=abcdef"), std::string::npos) << out;
  EXPECT_NE(out.find("************4242"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED]"), std::string::npos) << out;
  EXPECT_EQ(result.exchanges[0].url.find("sk_live"), std::string::npos);
}

TEST(ConnectorRuntime, IsBuiltFromTheConnectorConfig) {
  config::ConnectorConfig c;
  c.id = "stripe_eu";
  c.http.total_timeout = 7s;
  c.http.ca_file = "/ca.pem";
  c.breaker.failure_threshold = 2;
  c.breaker.cool_down = 5s;
  const auto rt = ConnectorRuntime::from(c, {"whsec_1234"});
  EXPECT_EQ(rt.connector_id, "stripe_eu");
  EXPECT_EQ(rt.http.total_timeout, 7s);
  EXPECT_EQ(rt.http.ca_file, "/ca.pem");
  ASSERT_NE(rt.breaker, nullptr);
  EXPECT_EQ(rt.breaker->options().failure_threshold, 2U);
  EXPECT_EQ(rt.breaker->options().cool_down, 5s);
  EXPECT_EQ(rt.scrubber.text("x whsec_1234 y"), "x [REDACTED] y");
}

}  // namespace
}  // namespace payd::plugins
