#pragma once
// A real PostgreSQL for the idempotency tests. PAYD_TEST_DATABASE_URL (set by
// scripts/test.sh) names a server where the role may CREATE DATABASE; the first test that
// needs it creates idem_<random>, migrates it with store::Migrator, and the database is
// dropped when the process ends. Without the variable every database test FAILS.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "api/idempotency.hpp"
#include "http/handler.hpp"
#include "http/route_table.hpp"
#include "store/connection_pool.hpp"

namespace payd::idem_test {

// The per-process test database: its URL, or why there is none.
struct TestDatabase {
  std::string url;    // empty when unavailable
  std::string error;  // why
};
const TestDatabase& test_database();

// `url` with its database replaced by `name` (URI or key=value form).
std::string with_database(const std::string& url, const std::string& name);

// Runs one statement on the test database (autocommit) and returns its result.
pqxx::result sql(const std::string& statement);

// A started pool on the test database with every prepared statement.
std::unique_ptr<store::ConnectionPool> make_pool(unsigned size = 4);

// Runs an awaitable to completion on a fresh io_context.
template <typename T>
T run_sync(boost::asio::awaitable<T> a) {
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(io, std::move(a), boost::asio::use_future);
  io.run();
  return f.get();
}

// A POST as the front door would hand it over.
struct Call {
  std::string key{};  // "" sends no Idempotency-Key header
  std::string body = R"({"amount":1000,"currency":"USD"})";
  std::string target = "/api/v1/payments";
  http::Method method = http::Method::post;
  std::vector<std::string> extra_keys{};  // further Idempotency-Key headers
};

http::Request make_request(const Call& call);

// run_idempotently for one request, on a fresh io_context.
http::Response call_once(api::IdempotencyService& service, const api::IdempotencyScope& scope,
                         const Call& call, http::Handler inner);

// The same as an awaitable, owning its request and context (for concurrent tests).
boost::asio::awaitable<http::Response> call_async(api::IdempotencyService& service,
                                                  api::IdempotencyScope scope, Call call,
                                                  http::Handler inner);

// The error code of an error response ("" when the body is not the error envelope).
std::string error_code(const http::Response& r);
std::string error_type(const http::Response& r);
std::string error_message(const http::Response& r);
bool error_param_is_null(const http::Response& r);

// Fixture for database tests: fails (never skips) without a database; gives a fresh pool
// and service, and empties idempotency_keys first.
class DbTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<store::ConnectionPool> pool;
  std::unique_ptr<api::IdempotencyService> service;
  api::IdempotencyScope scope{"ten_a", "test"};
};

}  // namespace payd::idem_test
