// Identical POSTs at the same moment, from several threads and from two "daemons" (two
// pools and services on one database): the handler runs exactly once; every other request
// gets 409 IDEMPOTENCY_REQUEST_IN_PROGRESS or, once the first finished, the replay.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <future>
#include <thread>
#include <vector>

#include "api/idempotency.hpp"
#include "idempotency_test_support.hpp"

namespace payd::idem_test {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The provider call: slow enough that the duplicates arrive while it runs.
http::Handler slow_endpoint(std::atomic<int>& calls) {
  return [&calls](http::RequestContext& ctx) -> asio::awaitable<http::Response> {
    const int n = ++calls;
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
    co_await timer.async_wait(asio::use_awaitable);
    co_return http::Response::json(
        201, json::object{{"id", "pay_once"}, {"call", n}, {"key", ctx.idempotency_key}});
  };
}

struct Tally {
  int originals = 0;
  int replays = 0;
  int in_progress = 0;
  int other = 0;
  std::string original_body;
  std::vector<std::string> replay_bodies;
};

// Runs `n` identical requests spread over `threads` io_contexts (one thread each),
// alternating between `services`, all spawned before any thread starts.
Tally run_parallel(std::vector<api::IdempotencyService*> services,
                   const api::IdempotencyScope& scope, const std::vector<Call>& calls,
                   http::Handler inner, int threads) {
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (int i = 0; i < threads; ++i) ios.push_back(std::make_unique<asio::io_context>());
  std::vector<std::future<http::Response>> results;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    auto& io = *ios[i % ios.size()];
    auto& svc = *services[i % services.size()];
    results.push_back(
        asio::co_spawn(io, call_async(svc, scope, calls[i], inner), asio::use_future));
  }
  std::vector<std::thread> runners;
  for (auto& io : ios) runners.emplace_back([&io] { io->run(); });
  for (auto& t : runners) t.join();

  Tally t;
  for (auto& f : results) {
    auto r = f.get();
    if (r.status == 201 && !r.headers.get("Idempotent-Replayed")) {
      ++t.originals;
      t.original_body = r.body;
    } else if (r.status == 201 && r.headers.get("Idempotent-Replayed") == "true") {
      ++t.replays;
      t.replay_bodies.push_back(r.body);
    } else if (r.status == 409 && error_code(r) == "IDEMPOTENCY_REQUEST_IN_PROGRESS") {
      ++t.in_progress;
    } else {
      ++t.other;
      ADD_FAILURE() << "unexpected answer " << r.status << " " << r.body;
    }
  }
  return t;
}

class ConcurrentDuplicates : public DbTest {};

TEST_F(ConcurrentDuplicates, FiftyIdenticalRequestsOnFourThreadsRunTheHandlerOnce) {
  std::atomic<int> calls{0};
  const std::vector<Call> requests(50, Call{.key = "same-key"});
  auto t = run_parallel({service.get()}, scope, requests, slow_endpoint(calls), 4);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(t.originals, 1);
  EXPECT_EQ(t.originals + t.replays + t.in_progress, 50);
  EXPECT_GT(t.in_progress, 0);
  for (const auto& b : t.replay_bodies) EXPECT_EQ(b, t.original_body);
  // Afterwards every duplicate is a replay of that one response.
  auto after = call_once(*service, scope, Call{.key = "same-key"}, slow_endpoint(calls));
  EXPECT_EQ(after.headers.get("Idempotent-Replayed"), "true");
  EXPECT_EQ(after.body, t.original_body);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(ConcurrentDuplicates, AHundredRequestsThroughTwoDaemonsOnOneDatabaseRunTheHandlerOnce) {
  // Two payd processes: each its own pool of 4 connections and its own service.
  auto other_pool = make_pool(4);
  api::IdempotencyService other(*other_pool);
  std::atomic<int> calls{0};
  const std::vector<Call> requests(100, Call{.key = "shared-key"});
  auto t = run_parallel({service.get(), &other}, scope, requests, slow_endpoint(calls), 4);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(t.originals, 1);
  EXPECT_EQ(t.originals + t.replays + t.in_progress, 100);
  auto after = call_once(other, scope, Call{.key = "shared-key"}, slow_endpoint(calls));
  EXPECT_EQ(after.body, t.original_body);
  EXPECT_EQ(calls.load(), 1);
  other_pool->stop();
}

TEST_F(ConcurrentDuplicates, DistinctKeysAtOnceEachRunOnce) {
  std::atomic<int> calls{0};
  std::vector<Call> requests;
  for (int dup = 0; dup < 4; ++dup) {
    for (int k = 0; k < 15; ++k) requests.push_back(Call{.key = "key-" + std::to_string(k)});
  }
  auto t = run_parallel({service.get()}, scope, requests, slow_endpoint(calls), 4);
  EXPECT_EQ(calls.load(), 15);
  EXPECT_EQ(t.originals, 15);
  EXPECT_EQ(t.other, 0);
  EXPECT_EQ(sql("SELECT count(*) FROM idempotency_keys WHERE state = 'completed'")[0][0].as<int>(),
            15);
}

TEST_F(ConcurrentDuplicates, ConcurrentRequestsWithTheSameKeyButDifferentBodiesNeverBothRun) {
  std::atomic<int> calls{0};
  std::vector<Call> requests;
  for (int i = 0; i < 20; ++i) {
    requests.push_back(Call{.key = "k", .body = "{\"n\":" + std::to_string(i % 2) + "}"});
  }
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (int i = 0; i < 4; ++i) ios.push_back(std::make_unique<asio::io_context>());
  std::vector<std::future<http::Response>> results;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    results.push_back(asio::co_spawn(*ios[i % 4],
                                     call_async(*service, scope, requests[i], slow_endpoint(calls)),
                                     asio::use_future));
  }
  std::vector<std::thread> runners;
  for (auto& io : ios) runners.emplace_back([&io] { io->run(); });
  for (auto& t : runners) t.join();
  int ran = 0;
  for (auto& f : results) {
    auto r = f.get();
    if (r.status == 201 && !r.headers.get("Idempotent-Replayed")) ++ran;
    EXPECT_TRUE(r.status == 201 || error_code(r) == "IDEMPOTENCY_REQUEST_IN_PROGRESS" ||
                error_code(r) == "IDEMPOTENCY_KEY_REUSED")
        << r.status << " " << r.body;
  }
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace payd::idem_test
