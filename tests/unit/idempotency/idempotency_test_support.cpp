#include "idempotency_test_support.hpp"

#include <openssl/rand.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "store/migrations.hpp"
#include "store/prepared_statements.hpp"
#include "test_database_drop.hpp"

namespace payd::idem_test {

namespace asio = boost::asio;

namespace {

std::string random_suffix() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

// Creates the database on first use; drops it when the test program ends.
class DatabaseEnvironment : public ::testing::Environment {
 public:
  const TestDatabase& get() {
    std::call_once(once_, [this] { create(); });
    return db_;
  }

  void TearDown() override {
    if (name_.empty()) return;
    try {
      payd::testing::drop_test_database(admin_url_, name_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop the test database " << name_ << ": " << e.what();
    }
  }

 private:
  void create() {
    const char* url = std::getenv("PAYD_TEST_DATABASE_URL");
    if (url == nullptr || *url == '\0') {
      db_.error =
          "PAYD_TEST_DATABASE_URL is not set: these tests need a PostgreSQL where the role may "
          "CREATE DATABASE. Run ./scripts/test.sh, or: scripts/pg.sh start --throwaway /tmp/pg && "
          "export PAYD_TEST_DATABASE_URL=$(scripts/pg.sh url /tmp/pg)";
      return;
    }
    admin_url_ = url;
    try {
      const std::string name = "idem_" + random_suffix();
      {
        pqxx::connection admin(admin_url_);
        pqxx::nontransaction tx(admin);
        tx.exec("CREATE DATABASE " + name);
      }
      name_ = name;
      const std::string db_url = with_database(admin_url_, name);
      pqxx::connection c(db_url);
      auto migrated = store::Migrator().migrate(c);
      if (!migrated) {
        db_.error = "migrating the test database failed: " + migrated.error();
        return;
      }
      db_.url = db_url;
    } catch (const std::exception& e) {
      db_.error = std::string("cannot create the test database: ") + e.what();
    }
  }

  std::once_flag once_;
  TestDatabase db_;
  std::string admin_url_;
  std::string name_;
};

DatabaseEnvironment* environment() {
  static DatabaseEnvironment* env = [] {
    auto* e = new DatabaseEnvironment;  // owned by gtest
    ::testing::AddGlobalTestEnvironment(e);
    return e;
  }();
  return env;
}

// Registered before main() runs, so that gtest calls TearDown at the end.
[[maybe_unused]] const bool kRegistered = (environment(), true);

std::optional<boost::json::object> error_object(const http::Response& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* err = v.as_object().if_contains("error");
  if (err == nullptr || !err->is_object()) return std::nullopt;
  return err->as_object();
}

std::string error_field(const http::Response& r, const char* field) {
  auto err = error_object(r);
  if (!err) return {};
  const auto* v = err->if_contains(field);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->as_string());
}

}  // namespace

const TestDatabase& test_database() {
  return environment()->get();
}

std::string with_database(const std::string& url, const std::string& name) {
  const bool uri = url.starts_with("postgres://") || url.starts_with("postgresql://");
  if (uri) {
    // A dbname query parameter overrides the path's database.
    return url + (url.find('?') == std::string::npos ? '?' : '&') + "dbname=" + name;
  }
  return url + " dbname=" + name;  // the last keyword wins
}

pqxx::result sql(const std::string& statement) {
  pqxx::connection c(test_database().url);
  pqxx::nontransaction tx(c);
  return tx.exec(statement);
}

std::unique_ptr<store::ConnectionPool> make_pool(unsigned size) {
  store::PoolOptions options;
  options.url = test_database().url;
  options.size = size;
  options.on_connect = store::prepare_statements;
  auto pool = std::make_unique<store::ConnectionPool>(std::move(options));
  pool->start();
  std::string error;
  if (!pool->wait_connected(std::chrono::seconds(10), error)) {
    ADD_FAILURE() << "cannot connect to the test database: " << error;
  }
  return pool;
}

http::Request make_request(const Call& call) {
  http::Request req;
  req.method = call.method;
  req.target = call.target;
  const auto q = call.target.find('?');
  req.path = call.target.substr(0, q);
  if (q != std::string::npos) req.query = call.target.substr(q + 1);
  req.headers.add("Content-Type", "application/json");
  if (!call.key.empty()) req.headers.add("Idempotency-Key", call.key);
  for (const auto& k : call.extra_keys) req.headers.add("Idempotency-Key", k);
  req.body = call.body;
  req.remote_address = "127.0.0.1";
  return req;
}

asio::awaitable<http::Response> call_async(api::IdempotencyService& service,
                                           api::IdempotencyScope scope, Call call,
                                           http::Handler inner) {
  const http::Request request = make_request(call);
  const http::Route route{call.method, "/api/v1/payments", inner, {}};
  http::RequestContext ctx{request, route, {}, "req_test", {}};
  co_return co_await api::run_idempotently(service, scope, ctx, inner);
}

http::Response call_once(api::IdempotencyService& service, const api::IdempotencyScope& scope,
                         const Call& call, http::Handler inner) {
  return run_sync(call_async(service, scope, call, std::move(inner)));
}

std::string error_code(const http::Response& r) {
  return error_field(r, "code");
}
std::string error_type(const http::Response& r) {
  return error_field(r, "type");
}
std::string error_message(const http::Response& r) {
  return error_field(r, "message");
}

bool error_param_is_null(const http::Response& r) {
  auto err = error_object(r);
  if (!err) return false;
  const auto* v = err->if_contains("param");
  return v != nullptr && v->is_null();
}

void DbTest::SetUp() {
  const auto& db = test_database();
  if (db.url.empty()) GTEST_FAIL() << db.error;
  sql("TRUNCATE idempotency_keys");
  pool = make_pool(4);
  service = std::make_unique<api::IdempotencyService>(*pool);
}

void DbTest::TearDown() {
  service.reset();
  if (pool) pool->stop();
  pool.reset();
}

}  // namespace payd::idem_test
