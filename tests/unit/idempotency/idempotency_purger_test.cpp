// api::IdempotencyPurger: deletes only keys older than the retention, batch by batch, at
// start and then every interval, and stops promptly.

#include "api/idempotency_purger.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <thread>

#include "idempotency_test_support.hpp"

namespace payd::idem_test {
namespace {

namespace asio = boost::asio;

// co_spawn needs a default-constructible result; Result has none.
Result<std::size_t, store::StoreError> purge_once(api::IdempotencyPurger& purger) {
  return run_sync([&]() -> asio::awaitable<std::optional<Result<std::size_t, store::StoreError>>> {
           co_return co_await purger.purge_once();
         }())
      .value();
}

class IdempotencyPurge : public DbTest {
 protected:
  static void insert(const std::string& key, const char* age) {
    sql("INSERT INTO idempotency_keys (tenant_id, mode, key, fingerprint, method, path, state, "
        "response_status, completed_at, created_at) VALUES ('ten_a', 'test', '" +
        key +
        "', sha256('x'::bytea), 'POST', '/api/v1/payments', 'completed', 201, now(), now() - "
        "interval '" +
        age + "')");
  }
  static int count(const char* where = "true") {
    return sql(std::string("SELECT count(*) FROM idempotency_keys WHERE ") + where)[0][0].as<int>();
  }
};

TEST_F(IdempotencyPurge, OnePassDeletesEveryExpiredKeyAndNothingElse) {
  for (int i = 0; i < 10; ++i) insert("old" + std::to_string(i), "25 hours");
  insert("edge", "23 hours 59 minutes");
  insert("fresh", "1 minute");
  asio::io_context io;
  api::IdempotencyPurger purger(*pool, io.get_executor(), std::chrono::hours(24),
                                std::chrono::minutes(5), 3);
  auto r = purge_once(purger);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(*r, 10U);
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(count("key IN ('edge', 'fresh')"), 2);
  auto again = purge_once(purger);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0U);
}

TEST_F(IdempotencyPurge, TheRetentionIsConfigurable) {
  insert("two_hours", "2 hours");
  insert("ten_minutes", "10 minutes");
  asio::io_context io;
  api::IdempotencyPurger purger(*pool, io.get_executor(), std::chrono::hours(1));
  auto r = purge_once(purger);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 1U);
  EXPECT_EQ(count("key = 'ten_minutes'"), 1);
}

TEST_F(IdempotencyPurge, TheLoopPurgesAtStartAndEveryIntervalUntilStopped) {
  for (int i = 0; i < 5; ++i) insert("a" + std::to_string(i), "2 days");
  insert("keep", "1 minute");
  asio::io_context io;
  auto purger = std::make_unique<api::IdempotencyPurger>(
      *pool, io.get_executor(), std::chrono::hours(24), std::chrono::milliseconds(100), 2);
  purger->start();
  std::thread runner([&io] { io.run(); });

  auto wait_for = [](auto condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
  };
  EXPECT_TRUE(wait_for([] { return count() == 1; }));
  // Rows that expire later go at a following pass.
  insert("b", "3 days");
  EXPECT_TRUE(wait_for([] { return count() == 1; }));
  EXPECT_EQ(count("key = 'keep'"), 1);

  const auto stopping = std::chrono::steady_clock::now();
  purger->stop();
  runner.join();  // the loop ended, so io.run() returned
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
  purger.reset();
}

TEST_F(IdempotencyPurge, AFailedPassReportsTheStoreError) {
  store::PoolOptions options;
  options.url = "postgresql:///payd?host=/nonexistent-payd-socket-dir";
  options.size = 1;
  store::ConnectionPool down(options);
  down.start();
  asio::io_context io;
  api::IdempotencyPurger purger(down, io.get_executor(), std::chrono::hours(24));
  auto r = purge_once(purger);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, store::StoreError::Kind::unavailable);
  down.stop();
}

}  // namespace
}  // namespace payd::idem_test
