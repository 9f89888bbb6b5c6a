// store/idempotency_store.hpp against a real PostgreSQL: claims, ownership tokens,
// stale takeover (atomic across threads), release, abandon, resource marks, purge.

#include "store/idempotency_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "api/idempotency.hpp"
#include "idempotency_test_support.hpp"

namespace payd::idem_test {
namespace {

using Kind = store::IdempotencyClaim::Kind;

class IdempotencyStore : public DbTest {
 protected:
  store::IdempotencyClaimRequest request(const std::string& key,
                                         const std::string& body = "{}") const {
    store::IdempotencyClaimRequest r;
    r.id = {scope.tenant_id, scope.mode, key};
    r.fingerprint = api::idempotency_fingerprint("POST", "/api/v1/payments", body);
    r.method = "POST";
    r.path = "/api/v1/payments";
    return r;
  }

  store::IdempotencyClaim claim(const store::IdempotencyClaimRequest& r) {
    return claim_on(*pool, r);
  }

  static store::IdempotencyClaim claim_on(store::ConnectionPool& p,
                                          const store::IdempotencyClaimRequest& r) {
    store::IdempotencyClaim out;
    auto done =
        p.transact_blocking([&](store::Tx& tx) { out = store::claim_idempotency_key(tx, r); });
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error().detail);
    return out;
  }

  template <typename F>
  void tx(F f) {
    auto done = pool->transact_blocking([&](store::Tx& t) { f(t); });
    ASSERT_TRUE(done.ok()) << (done.ok() ? "" : done.error().detail);
  }

  static void age_claim(const std::string& key, const char* by = "10 minutes") {
    sql("UPDATE idempotency_keys SET locked_at = locked_at - interval '" + std::string(by) +
        "' WHERE key = '" + key + "'");
  }
};

TEST_F(IdempotencyStore, FirstClaimWinsAndDuplicateSeesItInProgress) {
  auto first = claim(request("k1"));
  EXPECT_EQ(first.kind, Kind::claimed);
  EXPECT_GT(first.token, 0);
  auto second = claim(request("k1"));
  EXPECT_EQ(second.kind, Kind::in_progress);
  EXPECT_EQ(second.token, 0);
  auto row = sql("SELECT state, method, path, length(fingerprint) FROM idempotency_keys");
  ASSERT_EQ(row.size(), 1U);
  EXPECT_EQ(row[0][0].as<std::string>(), "in_progress");
  EXPECT_EQ(row[0][1].as<std::string>(), "POST");
  EXPECT_EQ(row[0][2].as<std::string>(), "/api/v1/payments");
  EXPECT_EQ(row[0][3].as<int>(), 32);
}

TEST_F(IdempotencyStore, CompletedClaimReturnsTheStoredResponseWithHeadersInOrder) {
  auto first = claim(request("k1"));
  store::StoredResponse response{201,
                                 {{"Content-Type", "application/json"},
                                  {"Location", "/api/v1/payments/pay_1"},
                                  {"X-Dup", "a"},
                                  {"X-Dup", "b \"quoted\" \xc3\xa9"}},
                                 R"({"id":"pay_1"})"};
  tx([&](store::Tx& t) {
    EXPECT_TRUE(store::complete_idempotency_key(t, request("k1").id, first.token, response));
  });
  auto again = claim(request("k1"));
  ASSERT_EQ(again.kind, Kind::completed);
  EXPECT_EQ(again.response.status, 201);
  EXPECT_EQ(again.response.body, response.body);
  EXPECT_EQ(again.response.headers, response.headers);
  // A completed key cannot be completed or released again.
  tx([&](store::Tx& t) {
    EXPECT_FALSE(store::complete_idempotency_key(t, request("k1").id, first.token, response));
    EXPECT_FALSE(store::release_idempotency_key(t, request("k1").id, first.token));
  });
}

TEST_F(IdempotencyStore, DifferentRequestWithTheSameKeyIsAMismatch) {
  (void)claim(request("k1", R"({"amount":1})"));
  auto other = claim(request("k1", R"({"amount":2})"));
  EXPECT_EQ(other.kind, Kind::mismatch);
  EXPECT_EQ(other.method, "POST");
  EXPECT_EQ(other.path, "/api/v1/payments");
}

TEST_F(IdempotencyStore, KeysAreScopedToTenantAndMode) {
  auto r = request("shared");
  EXPECT_EQ(claim(r).kind, Kind::claimed);
  r.id.mode = "live";
  EXPECT_EQ(claim(r).kind, Kind::claimed);
  r.id.tenant_id = "ten_b";
  EXPECT_EQ(claim(r).kind, Kind::claimed);
  EXPECT_EQ(sql("SELECT count(*) FROM idempotency_keys")[0][0].as<int>(), 3);
}

TEST_F(IdempotencyStore, ReleaseDeletesTheClaimOnlyWhileNoResourceIsRecorded) {
  auto a = claim(request("a"));
  tx([&](store::Tx& t) {
    EXPECT_TRUE(store::release_idempotency_key(t, request("a").id, a.token));
  });
  EXPECT_EQ(claim(request("a")).kind, Kind::claimed);  // usable again

  auto b = claim(request("b"));
  tx([&](store::Tx& t) {
    EXPECT_TRUE(
        store::mark_idempotency_resource(t, scope.tenant_id, scope.mode, "b", "payment", "pay_b"));
  });
  tx([&](store::Tx& t) {
    auto owned = store::lock_idempotency_claim(t, request("b").id, b.token);
    ASSERT_TRUE(owned.has_value());
    EXPECT_EQ(owned->resource_type, "payment");
    EXPECT_EQ(owned->resource_id, "pay_b");
    EXPECT_FALSE(store::release_idempotency_key(t, request("b").id, b.token));
  });
  EXPECT_EQ(claim(request("b")).kind, Kind::in_progress);
}

TEST_F(IdempotencyStore, MarkResourceNeedsAKeyInProgress) {
  tx([&](store::Tx& t) {
    EXPECT_FALSE(
        store::mark_idempotency_resource(t, scope.tenant_id, scope.mode, "", "payment", "pay_1"));
    EXPECT_FALSE(store::mark_idempotency_resource(t, scope.tenant_id, scope.mode, "nokey",
                                                  "payment", "pay_1"));
  });
  auto c = claim(request("k"));
  tx([&](store::Tx& t) {
    EXPECT_TRUE(store::mark_idempotency_resource(t, scope.tenant_id, sdk::Mode::test, "k",
                                                 "payment", "pay_1"));
    // Another tenant's or mode's key of the same name is untouched.
    EXPECT_FALSE(
        store::mark_idempotency_resource(t, "ten_b", sdk::Mode::test, "k", "payment", "pay_x"));
    EXPECT_FALSE(store::mark_idempotency_resource(t, scope.tenant_id, sdk::Mode::live, "k",
                                                  "payment", "pay_x"));
  });
  tx([&](store::Tx& t) {
    EXPECT_TRUE(store::complete_idempotency_key(t, request("k").id, c.token, {201, {}, "{}"}));
  });
  tx([&](store::Tx& t) {
    EXPECT_FALSE(
        store::mark_idempotency_resource(t, scope.tenant_id, scope.mode, "k", "payment", "pay_2"));
  });
  EXPECT_EQ(sql("SELECT resource_id FROM idempotency_keys")[0][0].as<std::string>(), "pay_1");
}

TEST_F(IdempotencyStore, StaleClaimWithoutResourceIsTakenOverAndTheOldTokenLosesIt) {
  auto first = claim(request("k"));
  age_claim("k");
  auto second = claim(request("k"));
  ASSERT_EQ(second.kind, Kind::taken_over);
  EXPECT_NE(second.token, first.token);
  tx([&](store::Tx& t) {
    EXPECT_FALSE(store::lock_idempotency_claim(t, request("k").id, first.token).has_value());
    EXPECT_FALSE(
        store::complete_idempotency_key(t, request("k").id, first.token, {201, {}, "old"}));
    EXPECT_FALSE(store::release_idempotency_key(t, request("k").id, first.token));
    EXPECT_TRUE(
        store::complete_idempotency_key(t, request("k").id, second.token, {201, {}, "new"}));
  });
  auto replay = claim(request("k"));
  ASSERT_EQ(replay.kind, Kind::completed);
  EXPECT_EQ(replay.response.body, "new");
}

TEST_F(IdempotencyStore, StaleClaimWithResourceIsIncompleteAndNeverTakenOver) {
  (void)claim(request("k"));
  tx([&](store::Tx& t) {
    EXPECT_TRUE(
        store::mark_idempotency_resource(t, scope.tenant_id, scope.mode, "k", "payment", "pay_9"));
  });
  EXPECT_EQ(claim(request("k")).kind, Kind::in_progress);  // not stale yet
  age_claim("k");
  auto c = claim(request("k"));
  EXPECT_EQ(c.kind, Kind::incomplete);
  EXPECT_EQ(c.resource_type, "payment");
  EXPECT_EQ(c.resource_id, "pay_9");
}

TEST_F(IdempotencyStore, AbandonMakesAClaimWithAResourceStaleAtOnce) {
  auto a = claim(request("a"));
  tx([&](store::Tx& t) {
    EXPECT_FALSE(store::abandon_idempotency_key(t, request("a").id, a.token));
  });
  EXPECT_EQ(claim(request("a")).kind, Kind::in_progress);  // no resource: left alone

  auto b = claim(request("b"));
  tx([&](store::Tx& t) {
    EXPECT_TRUE(
        store::mark_idempotency_resource(t, scope.tenant_id, scope.mode, "b", "refund", "re_1"));
  });
  tx([&](store::Tx& t) {
    EXPECT_TRUE(store::abandon_idempotency_key(t, request("b").id, b.token));
  });
  auto c = claim(request("b"));
  EXPECT_EQ(c.kind, Kind::incomplete);
  EXPECT_EQ(c.resource_id, "re_1");
}

TEST_F(IdempotencyStore, OnlyOneOfManyConcurrentTakersWins) {
  (void)claim(request("k"));
  age_claim("k");
  constexpr int kThreads = 16;
  auto wide = make_pool(kThreads);  // every thread on its own connection
  std::atomic<int> ready{0};
  std::atomic<int> taken{0};
  std::atomic<int> in_progress{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      auto c = claim_on(*wide, request("k"));
      if (c.kind == Kind::taken_over) taken.fetch_add(1);
      if (c.kind == Kind::in_progress) in_progress.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken.load(), 1);
  EXPECT_EQ(in_progress.load(), kThreads - 1);
}

TEST_F(IdempotencyStore, ExpiredKeyStartsAfreshEvenBeforeThePurge) {
  auto c = claim(request("k", R"({"amount":1})"));
  tx([&](store::Tx& t) {
    EXPECT_TRUE(store::complete_idempotency_key(t, request("k").id, c.token, {201, {}, "{}"}));
  });
  sql("UPDATE idempotency_keys SET created_at = created_at - interval '25 hours'");
  auto fresh = claim(request("k", R"({"amount":2})"));
  EXPECT_EQ(fresh.kind, Kind::claimed);
  // With no retention, rows never expire in the claim.
  sql("UPDATE idempotency_keys SET created_at = created_at - interval '25 hours'");
  auto r = request("k", R"({"amount":3})");
  r.retention = std::chrono::seconds(0);
  EXPECT_EQ(claim(r).kind, Kind::mismatch);
}

TEST_F(IdempotencyStore, PurgeDeletesOnlyRowsOlderThanTheRetentionInBatches) {
  for (int i = 0; i < 7; ++i) (void)claim(request("old" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) (void)claim(request("new" + std::to_string(i)));
  sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key LIKE 'old%'");
  std::size_t first = 0;
  std::size_t second = 0;
  std::size_t third = 0;
  tx([&](store::Tx& t) { first = store::purge_idempotency_keys(t, std::chrono::hours(24), 5); });
  tx([&](store::Tx& t) { second = store::purge_idempotency_keys(t, std::chrono::hours(24), 5); });
  tx([&](store::Tx& t) { third = store::purge_idempotency_keys(t, std::chrono::hours(24), 5); });
  EXPECT_EQ(first, 5U);
  EXPECT_EQ(second, 2U);
  EXPECT_EQ(third, 0U);
  auto left = sql("SELECT key FROM idempotency_keys ORDER BY key");
  ASSERT_EQ(left.size(), 3U);
  EXPECT_EQ(left[0][0].as<std::string>(), "new0");
}

TEST_F(IdempotencyStore, PurgeSkipsRowsLockedByARunningTransaction) {
  auto c = claim(request("old"));
  sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");
  // Hold the row the way the end of a request does, on a connection of our own.
  pqxx::connection holder(test_database().url);
  pqxx::work hold(holder);
  hold.exec("SELECT 1 FROM idempotency_keys WHERE key = 'old' FOR UPDATE");
  std::size_t deleted = 99;
  tx([&](store::Tx& t) { deleted = store::purge_idempotency_keys(t, std::chrono::hours(24), 10); });
  EXPECT_EQ(deleted, 0U);
  hold.commit();
  tx([&](store::Tx& t) { deleted = store::purge_idempotency_keys(t, std::chrono::hours(24), 10); });
  EXPECT_EQ(deleted, 1U);
  (void)c;
}

}  // namespace
}  // namespace payd::idem_test
