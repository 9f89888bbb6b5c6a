// api::run_idempotently with a fake inner handler and a real PostgreSQL: runs once,
// replays, refuses reuse, releases keys when nothing started, stale claims, failures.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <boost/json/object.hpp>
#include <stdexcept>
#include <thread>

#include "api/idempotency.hpp"
#include "idempotency_test_support.hpp"
#include "store/idempotency_store.hpp"

namespace payd::idem_test {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// Answers like a create endpoint: counts its calls and remembers the key it saw.
struct FakeEndpoint {
  std::atomic<int> calls{0};
  int status = 201;
  std::string seen_key;

  http::Handler handler() {
    return [this](http::RequestContext& ctx) -> asio::awaitable<http::Response> {
      const int n = ++calls;
      seen_key = ctx.idempotency_key;
      auto r = http::Response::json(status, json::object{{"id", "pay_1"}, {"call", n}});
      r.headers.add("Location", "/api/v1/payments/pay_1");
      r.headers.add("X-Request-Id", ctx.request_id);
      r.headers.add("RateLimit-Remaining", "9");
      co_return r;
    };
  }
};

class IdempotentRequests : public DbTest {
 protected:
  http::Response post(const Call& call) {
    return call_once(*service, scope, call, endpoint.handler());
  }
  http::Response post(const std::string& key) { return post(Call{.key = key}); }

  FakeEndpoint endpoint;
};

int row_count() {
  return sql("SELECT count(*) FROM idempotency_keys")[0][0].as<int>();
}

TEST_F(IdempotentRequests, FirstRequestRunsOnceAndItsResponseIsStored) {
  auto r = post("key-1");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(endpoint.calls.load(), 1);
  EXPECT_EQ(endpoint.seen_key, "key-1");
  EXPECT_FALSE(r.headers.get("Idempotent-Replayed").has_value());
  auto row =
      sql("SELECT state, response_status, response_body, response_headers::text, tenant_id, mode "
          "FROM idempotency_keys WHERE key = 'key-1'");
  ASSERT_EQ(row.size(), 1U);
  EXPECT_EQ(row[0][0].as<std::string>(), "completed");
  EXPECT_EQ(row[0][1].as<int>(), 201);
  EXPECT_EQ(row[0][2].as<std::string>(), r.body);
  const std::string headers = row[0][3].as<std::string>();
  EXPECT_NE(headers.find("Location"), std::string::npos);
  EXPECT_EQ(headers.find("X-Request-Id"), std::string::npos);
  EXPECT_EQ(headers.find("RateLimit"), std::string::npos);
  EXPECT_EQ(row[0][4].as<std::string>(), "ten_a");
  EXPECT_EQ(row[0][5].as<std::string>(), "test");
}

TEST_F(IdempotentRequests, ReplayReturnsTheSameStatusHeadersAndBodyMarkedAsReplayed) {
  auto first = post("key-1");
  auto second = post("key-1");
  auto third = post("key-1");
  EXPECT_EQ(endpoint.calls.load(), 1);
  for (const auto* r : {&second, &third}) {
    EXPECT_EQ(r->status, first.status);
    EXPECT_EQ(r->body, first.body);
    EXPECT_EQ(r->headers.get("Idempotent-Replayed"), "true");
    EXPECT_EQ(r->headers.get("Location"), "/api/v1/payments/pay_1");
    EXPECT_EQ(r->headers.get("Content-Type"), "application/json");
    EXPECT_FALSE(r->headers.get("X-Request-Id").has_value());  // the server sets the new one
  }
}

TEST_F(IdempotentRequests, SameKeyWithADifferentRequestIsRefused) {
  (void)post(Call{.key = "key-1", .body = R"({"amount":1000,"currency":"USD"})"});
  auto other_body = post(Call{.key = "key-1", .body = R"({"amount":2000,"currency":"USD"})"});
  EXPECT_EQ(other_body.status, 400);
  EXPECT_EQ(error_code(other_body), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(error_type(other_body), "idempotency_error");
  EXPECT_TRUE(error_param_is_null(other_body));
  auto other_target = post(Call{.key = "key-1", .target = "/api/v1/payments?expand=attempts"});
  EXPECT_EQ(error_code(other_target), "IDEMPOTENCY_KEY_REUSED");
  auto other_path = post(Call{.key = "key-1", .target = "/api/v1/refunds"});
  EXPECT_EQ(error_code(other_path), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(endpoint.calls.load(), 1);
  // The original request still replays.
  EXPECT_EQ(post("key-1").headers.get("Idempotent-Replayed"), "true");
}

TEST_F(IdempotentRequests, AnotherTenantOrModeMayUseTheSameKey) {
  EXPECT_EQ(post("shared").status, 201);
  EXPECT_EQ(
      call_once(*service, {"ten_a", "live"}, Call{.key = "shared"}, endpoint.handler()).status,
      201);
  EXPECT_EQ(
      call_once(*service, {"ten_b", "test"}, Call{.key = "shared"}, endpoint.handler()).status,
      201);
  // Even with a different body: the keys are independent.
  EXPECT_EQ(call_once(*service, {"ten_c", "test"}, Call{.key = "shared", .body = "{}"},
                      endpoint.handler())
                .status,
            201);
  EXPECT_EQ(endpoint.calls.load(), 4);
  EXPECT_EQ(row_count(), 4);
}

TEST_F(IdempotentRequests, WithoutAKeyOrForOtherMethodsTheHandlerAlwaysRuns) {
  (void)post(Call{});
  (void)post(Call{});
  EXPECT_EQ(endpoint.calls.load(), 2);
  for (auto m : {http::Method::get, http::Method::del, http::Method::patch}) {
    auto r = post(Call{.key = "ignored", .method = m});
    EXPECT_EQ(r.status, 201);
    EXPECT_FALSE(r.headers.get("Idempotent-Replayed").has_value());
  }
  EXPECT_EQ(endpoint.calls.load(), 5);
  EXPECT_EQ(endpoint.seen_key, "");
  EXPECT_EQ(row_count(), 0);
}

TEST_F(IdempotentRequests, InvalidKeysAreRefusedBeforeAnythingRuns) {
  for (const std::string& bad : {std::string(256, 'k'), std::string("tab\tkey"),
                                 std::string("caf\xc3\xa9"), std::string("nl\nkey")}) {
    auto r = post(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(error_code(r), "IDEMPOTENCY_KEY_INVALID") << bad;
    EXPECT_EQ(error_type(r), "invalid_request_error");
    EXPECT_TRUE(error_param_is_null(r));
  }
  auto twice = post(Call{.key = "a", .extra_keys = {"b"}});
  EXPECT_EQ(error_code(twice), "IDEMPOTENCY_KEY_INVALID");
  auto twice_same = post(Call{.key = "a", .extra_keys = {"a"}});
  EXPECT_EQ(error_code(twice_same), "IDEMPOTENCY_KEY_INVALID");
  EXPECT_EQ(endpoint.calls.load(), 0);
  EXPECT_EQ(row_count(), 0);
  EXPECT_EQ(post(std::string(255, 'k')).status, 201);
}

TEST_F(IdempotentRequests, ResponsesWhereNothingStartedReleaseTheKey) {
  for (int status : {400, 401, 403, 404, 409, 429, 503}) {
    endpoint.status = status;
    const auto before = endpoint.calls.load();
    const std::string key = "key-" + std::to_string(status);
    auto r = post(key);
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(
        sql("SELECT count(*) FROM idempotency_keys WHERE key = '" + key + "'")[0][0].as<int>(), 0)
        << status;
    // The corrected retry, even with another body, runs and is stored.
    endpoint.status = 201;
    auto retry = post(Call{.key = key, .body = R"({"fixed":true})"});
    EXPECT_EQ(retry.status, 201) << status;
    EXPECT_FALSE(retry.headers.get("Idempotent-Replayed").has_value());
    EXPECT_EQ(endpoint.calls.load(), before + 2);
  }
}

TEST_F(IdempotentRequests, ErrorsPastValidationAreStoredAndReplayed) {
  for (int status : {402, 422, 500, 502}) {
    endpoint.status = status;
    const std::string key = "key-" + std::to_string(status);
    auto first = post(key);
    endpoint.status = 201;
    auto again = post(key);
    EXPECT_EQ(again.status, status);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.headers.get("Idempotent-Replayed"), "true");
  }
  EXPECT_EQ(endpoint.calls.load(), 4);
}

// An endpoint that records a payment in its first transaction, then answers `status`.
http::Handler creating_endpoint(store::ConnectionPool& pool, std::atomic<int>& calls, int status,
                                bool throw_after = false) {
  return [&pool, &calls, status,
          throw_after](http::RequestContext& ctx) -> asio::awaitable<http::Response> {
    ++calls;
    const std::string key = ctx.idempotency_key;
    auto r = co_await pool.transact([&](store::Tx& tx) {
      (void)store::mark_idempotency_resource(tx, "ten_a", sdk::Mode::test, key, "payment", "pay_r");
    });
    if (!r) throw std::runtime_error("mark failed: " + r.error().detail);
    if (throw_after) throw std::runtime_error("provider exploded");
    co_return http::Response::json(status, json::object{{"status", status}});
  };
}

TEST_F(IdempotentRequests, A5xxAfterAResourceWasRecordedAnswersIncompleteAtOnce) {
  std::atomic<int> calls{0};
  auto first = call_once(*service, scope, Call{.key = "k"}, creating_endpoint(*pool, calls, 503));
  EXPECT_EQ(first.status, 503);
  auto retry = call_once(*service, scope, Call{.key = "k"}, creating_endpoint(*pool, calls, 201));
  EXPECT_EQ(retry.status, 409);
  EXPECT_EQ(error_code(retry), "IDEMPOTENCY_REQUEST_INCOMPLETE");
  EXPECT_EQ(error_type(retry), "idempotency_error");
  EXPECT_NE(error_message(retry).find("payment pay_r"), std::string::npos) << error_message(retry);
  EXPECT_NE(error_message(retry).find("GET /api/v1/payments/pay_r"), std::string::npos);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(IdempotentRequests, A4xxAfterAResourceWasRecordedIsStored) {
  std::atomic<int> calls{0};
  auto first = call_once(*service, scope, Call{.key = "k"}, creating_endpoint(*pool, calls, 409));
  EXPECT_EQ(first.status, 409);
  auto retry = call_once(*service, scope, Call{.key = "k"}, creating_endpoint(*pool, calls, 201));
  EXPECT_EQ(retry.status, 409);
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(retry.headers.get("Idempotent-Replayed"), "true");
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(IdempotentRequests, AThrowingHandlerLeavesTheClaimToTheStaleRule) {
  std::atomic<int> calls{0};
  http::Handler throwing = [&calls](http::RequestContext&) -> asio::awaitable<http::Response> {
    ++calls;
    throw std::runtime_error("boom");
    co_return http::Response{};
  };
  auto first = call_once(*service, scope, Call{.key = "k"}, throwing);
  EXPECT_EQ(first.status, 500);
  EXPECT_EQ(error_code(first), "INTERNAL_ERROR");
  auto busy = post("k");
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(error_code(busy), "IDEMPOTENCY_REQUEST_IN_PROGRESS");
  EXPECT_EQ(error_type(busy), "idempotency_error");
  EXPECT_EQ(busy.headers.get("Retry-After"), "1");
  EXPECT_EQ(endpoint.calls.load(), 0);
  // Once stale, the claim recorded nothing: the next identical request runs.
  sql("UPDATE idempotency_keys SET locked_at = locked_at - interval '6 minutes'");
  auto taken = post("k");
  EXPECT_EQ(taken.status, 201);
  EXPECT_EQ(endpoint.calls.load(), 1);
  EXPECT_EQ(post("k").headers.get("Idempotent-Replayed"), "true");
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(IdempotentRequests, AHandlerThrowingAfterCreatingAResourceIsNeverRunAgain) {
  std::atomic<int> calls{0};
  auto first =
      call_once(*service, scope, Call{.key = "k"}, creating_endpoint(*pool, calls, 201, true));
  EXPECT_EQ(first.status, 500);
  auto retry = post("k");
  EXPECT_EQ(retry.status, 409);
  EXPECT_EQ(error_code(retry), "IDEMPOTENCY_REQUEST_INCOMPLETE");
  sql("UPDATE idempotency_keys SET locked_at = locked_at - interval '1 day'");
  EXPECT_EQ(error_code(post("k")), "IDEMPOTENCY_REQUEST_INCOMPLETE");
  EXPECT_EQ(endpoint.calls.load(), 0);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(IdempotentRequests, AClaimLeftByACrashedProcessIsTakenOverOnlyOnceStale) {
  // Another payd claimed the key for the identical request and died.
  const auto request = make_request(Call{.key = "k"});
  store::IdempotencyClaimRequest claim;
  claim.id = {scope.tenant_id, scope.mode, "k"};
  claim.fingerprint = api::idempotency_fingerprint("POST", request.target, request.body);
  claim.method = "POST";
  claim.path = request.target;
  auto claimed = pool->transact_blocking(
      [&](store::Tx& tx) { (void)store::claim_idempotency_key(tx, claim); });
  ASSERT_TRUE(claimed.ok());

  EXPECT_EQ(error_code(post("k")), "IDEMPOTENCY_REQUEST_IN_PROGRESS");
  api::IdempotencyService quick(
      *pool, {.stale_after = std::chrono::milliseconds(200), .retention = std::chrono::hours(24)});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r = call_once(quick, scope, Call{.key = "k"}, endpoint.handler());
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(endpoint.calls.load(), 1);
  EXPECT_EQ(post("k").headers.get("Idempotent-Replayed"), "true");
}

TEST_F(IdempotentRequests, DatabaseDownDuringTheClaimIs503AndNothingRuns) {
  store::PoolOptions options;
  options.url = "postgresql:///payd?host=/nonexistent-payd-socket-dir";
  options.size = 1;
  options.connect_timeout = std::chrono::seconds(2);
  store::ConnectionPool down(options);
  down.start();
  api::IdempotencyService broken(down);
  auto r = call_once(broken, scope, Call{.key = "k"}, endpoint.handler());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "SERVICE_UNAVAILABLE");
  EXPECT_TRUE(r.headers.get("Retry-After").has_value());
  EXPECT_EQ(endpoint.calls.load(), 0);
  down.stop();
}

TEST_F(IdempotentRequests, FailingToStoreTheResponseStillReturnsIt) {
  auto own_pool = make_pool(1);
  api::IdempotencyService svc(*own_pool);
  std::atomic<int> calls{0};
  http::Handler stops_db = [&](http::RequestContext&) -> asio::awaitable<http::Response> {
    ++calls;
    own_pool->stop();  // the database "goes away" while the request runs
    co_return http::Response::json(201, json::object{{"id", "pay_z"}});
  };
  auto r = call_once(svc, scope, Call{.key = "k"}, stops_db);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"id":"pay_z"})");
  EXPECT_EQ(calls.load(), 1);
  // The claim stays in progress (stale rule).
  EXPECT_EQ(sql("SELECT state FROM idempotency_keys")[0][0].as<std::string>(), "in_progress");
  EXPECT_EQ(error_code(post("k")), "IDEMPOTENCY_REQUEST_IN_PROGRESS");
}

TEST_F(IdempotentRequests, AnExpiredKeyIsANewKey) {
  (void)post("k");
  sql("UPDATE idempotency_keys SET created_at = created_at - interval '25 hours'");
  auto r = post(Call{.key = "k", .body = R"({"amount":5})"});
  EXPECT_EQ(r.status, 201);
  EXPECT_FALSE(r.headers.get("Idempotent-Replayed").has_value());
  EXPECT_EQ(endpoint.calls.load(), 2);
}

double metric(prometheus::Registry& registry, const std::string& name,
              const std::string& reason = "") {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      bool match = reason.empty();
      for (const auto& l : m.label) match = match || (l.name == "reason" && l.value == reason);
      if (match) return m.counter.value;
    }
  }
  return -1;
}

TEST_F(IdempotentRequests, CountsReplaysAndConflicts) {
  prometheus::Registry registry;
  api::IdempotencyService svc(*pool, {}, &registry);
  auto h = endpoint.handler();
  (void)call_once(svc, scope, Call{.key = "k"}, h);
  (void)call_once(svc, scope, Call{.key = "k"}, h);
  (void)call_once(svc, scope, Call{.key = "k"}, h);
  (void)call_once(svc, scope, Call{.key = "k", .body = "{}"}, h);
  EXPECT_EQ(metric(registry, "payd_idempotency_replays_total"), 2);
  EXPECT_EQ(metric(registry, "payd_idempotency_conflicts_total", "key_reused"), 1);
  EXPECT_EQ(metric(registry, "payd_idempotency_conflicts_total", "in_progress"), 0);
  EXPECT_EQ(metric(registry, "payd_idempotency_conflicts_total", "incomplete"), 0);
}

}  // namespace
}  // namespace payd::idem_test
