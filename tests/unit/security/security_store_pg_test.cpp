// Against real PostgreSQL (PAYD_TEST_DATABASE_URL; skipped when unset): the tenant and API
// key repositories, and the authentication middleware end to end with the real
// Authenticator and ConnectionPool. Each suite creates its own database and drops it.

#include <gtest/gtest.h>

#include <cstdlib>
#include <pqxx/pqxx>

#include "api/authenticated.hpp"
#include "core/ids.hpp"
#include "core/random_text.hpp"
#include "security/api_key_issue.hpp"
#include "security/authenticator.hpp"
#include "security_test_support.hpp"
#include "store/api_key_store.hpp"
#include "store/connection_pool.hpp"
#include "store/migrations.hpp"
#include "store/prepared_statements.hpp"
#include "store/tenant_store.hpp"
#include "test_database_drop.hpp"

namespace payd::security {

using core::is_base62;
using core::random_base62;
namespace {

using payd::testing::error_of;
using payd::testing::FakeCall;
using payd::testing::run_coro;

// The URL of database `db` on the server of `url` (URI or key=value form).
std::string with_database(const std::string& url, const std::string& db) {
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    const auto authority = url.find("://") + 3;
    const auto query = url.find('?', authority);
    const auto path = url.find('/', authority);
    const auto end = query == std::string::npos ? url.size() : query;
    if (path == std::string::npos || path > end) {
      return url.substr(0, end) + "/" + db + url.substr(end);
    }
    return url.substr(0, path + 1) + db + url.substr(end);
  }
  return url + " dbname=" + db;
}

std::unique_ptr<store::ConnectionPool> make_pool(const std::string& url) {
  store::PoolOptions options;
  options.url = url;
  options.size = 2;
  options.connect_timeout = std::chrono::milliseconds(2'000);
  options.reconnect_interval = std::chrono::milliseconds(100);
  options.on_connect = &store::prepare_statements;
  auto pool = std::make_unique<store::ConnectionPool>(std::move(options));
  pool->start();
  return pool;
}

// A fresh, migrated database for one test suite.
class TestDatabase {
 public:
  explicit TestDatabase(std::string server_url)
      : server_url_(std::move(server_url)), name_("payd_t_" + random_base62(12)) {
    for (auto& c : name_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    {
      pqxx::connection admin(server_url_);
      pqxx::nontransaction n(admin);
      n.exec("CREATE DATABASE " + name_);
    }
    url_ = with_database(server_url_, name_);
    pqxx::connection c(url_);
    auto applied = store::Migrator().migrate(c);
    if (!applied) throw std::runtime_error("migration failed: " + applied.error());
  }
  ~TestDatabase() {
    try {
      payd::testing::drop_test_database(server_url_, name_);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "could not drop test database %s: %s\n", name_.c_str(), e.what());
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

class PgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* url = std::getenv("PAYD_TEST_DATABASE_URL");
    if (url == nullptr || *url == '\0') return;
    db_ = std::make_unique<TestDatabase>(url);
    pool_ = make_pool(db_->url());
    std::string why;
    if (!pool_->wait_connected(std::chrono::seconds(10), why)) {
      throw std::runtime_error("cannot connect to the test database: " + why);
    }
  }
  static void TearDownTestSuite() {
    pool_.reset();
    db_.reset();
  }
  void SetUp() override {
    // Never a skip: scripts/test.sh always provides a database.
    ASSERT_TRUE(db_ != nullptr) << "PAYD_TEST_DATABASE_URL is not set (run ./scripts/test.sh)";
  }

  // Runs `job` in one transaction; fails the test on a store error.
  template <typename F>
  void tx(F&& job) {
    auto r = pool_->transact_blocking(std::forward<F>(job));
    ASSERT_TRUE(r.ok()) << r.error().detail;
  }

  store::TenantRecord make_tenant(const std::string& name) {
    std::optional<store::TenantRecord> out;
    tx([&](store::Tx& t) {
      auto r = store::create_tenant(t, core::new_id("ten"), name);
      if (r) out = r.value();
    });
    EXPECT_TRUE(out.has_value()) << name;
    return out.value_or(store::TenantRecord{});
  }

  IssuedApiKey make_key(const store::TenantRecord& tenant, sdk::Mode mode,
                        KeyKind kind = KeyKind::secret, std::vector<std::string> scopes = {},
                        std::optional<std::string> role = {}) {
    auto issued = issue_api_key(tenant.id, mode, kind, "test key");
    issued.row.scopes = std::move(scopes);
    issued.row.role = std::move(role);
    tx([&](store::Tx& t) { store::insert_api_key(t, issued.row); });
    return issued;
  }

  static std::string unique(std::string_view base) {
    return std::string(base) + "-" + random_base62(8);
  }

  static inline std::unique_ptr<TestDatabase> db_;
  static inline std::unique_ptr<store::ConnectionPool> pool_;
};

TEST(TenantName, MatchesTheSqlCheck) {
  for (const char* ok : {"a", "acme", "Acme-Corp.eu_1", "0",
                         "a234567890123456789012345678901234567890123456789012345678901234"}) {
    EXPECT_TRUE(store::is_valid_tenant_name(ok)) << ok;
  }
  for (const char* bad : {"", "-acme", ".acme", "_acme", "ac me", "acme/x", "acmé", "acme\n",
                          "a2345678901234567890123456789012345678901234567890123456789012345"}) {
    EXPECT_FALSE(store::is_valid_tenant_name(bad)) << bad;
  }
}

TEST(TestDatabaseUrl, ReplacesTheDatabase) {
  EXPECT_EQ(with_database("postgresql:///payd?host=/tmp/x&user=payd", "t1"),
            "postgresql:///t1?host=/tmp/x&user=payd");
  EXPECT_EQ(with_database("postgresql://u@h:5/payd", "t1"), "postgresql://u@h:5/t1");
  EXPECT_EQ(with_database("postgresql://u@h:5", "t1"), "postgresql://u@h:5/t1");
  EXPECT_EQ(with_database("postgresql://h?sslmode=disable", "t1"),
            "postgresql://h/t1?sslmode=disable");
  EXPECT_EQ(with_database("host=/tmp user=payd", "t1"), "host=/tmp user=payd dbname=t1");
}

class TenantStorePg : public PgTest {};

TEST_F(TenantStorePg, CreateFindAndDuplicate) {
  const auto name = unique("acme");
  const auto t = make_tenant(name);
  EXPECT_TRUE(t.id.starts_with("ten_"));
  EXPECT_EQ(t.name, name);
  EXPECT_EQ(t.created_at.size(), 20U) << t.created_at;
  EXPECT_EQ(t.created_at.back(), 'Z');

  tx([&](store::Tx& x) {
    auto dup = store::create_tenant(x, core::new_id("ten"), name);
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error(), "tenant " + name + " already exists");
    // The transaction is still usable after the refused insert.
    auto by_name = store::find_tenant_by_name(x, name);
    ASSERT_TRUE(by_name);
    EXPECT_EQ(by_name->id, t.id);
    auto by_id = store::find_tenant_by_id(x, t.id);
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->name, name);
    EXPECT_FALSE(store::find_tenant_by_name(x, "no-such-tenant"));
    EXPECT_FALSE(store::find_tenant_by_id(x, "ten_nosuch"));
  });
}

TEST_F(TenantStorePg, InvalidNameIsAConflictFromTheCheck) {
  auto r = pool_->transact_blocking(
      [&](store::Tx& x) { (void)store::create_tenant(x, core::new_id("ten"), "-bad"); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, store::StoreError::Kind::conflict);
}

class ApiKeyStorePg : public PgTest {};

TEST_F(ApiKeyStorePg, InsertFindListRevoke) {
  const auto tenant = make_tenant(unique("keys"));
  const auto a = make_key(tenant, sdk::Mode::test, KeyKind::secret,
                          {"payments:read", "odd \"scope\", {x}\\y", "NULL"}, "developer");
  const auto b = make_key(tenant, sdk::Mode::live);

  tx([&](store::Tx& x) {
    auto found = store::find_api_key_by_lookup(x, a.key.lookup);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, a.row.id);
    EXPECT_EQ(found->tenant_id, tenant.id);
    EXPECT_EQ(found->tenant_name, tenant.name);
    EXPECT_EQ(found->mode, "test");
    EXPECT_EQ(found->kind, "secret");
    EXPECT_EQ(found->lookup, a.key.lookup);
    EXPECT_EQ(found->secret_hash, a.row.secret_hash);
    EXPECT_EQ(found->last4, a.key.last4);
    EXPECT_EQ(found->name, "test key");
    EXPECT_EQ(found->role, "developer");
    EXPECT_EQ(found->scopes,
              (std::vector<std::string>{"payments:read", "odd \"scope\", {x}\\y", "NULL"}));
    EXPECT_FALSE(found->last_used_at);
    EXPECT_FALSE(found->revoked());
    EXPECT_TRUE(verify_api_key(a.key.key, found->secret_hash));

    auto other = store::find_api_key_by_lookup(x, b.key.lookup);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->mode, "live");
    EXPECT_FALSE(other->role);
    EXPECT_TRUE(other->scopes.empty());
    EXPECT_FALSE(store::find_api_key_by_lookup(x, "0000000000000000"));

    auto list = store::list_api_keys(x, tenant.id);
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list[0].id, a.row.id);
    EXPECT_EQ(list[1].id, b.row.id);
    EXPECT_TRUE(store::list_api_keys(x, "ten_nosuch").empty());

    EXPECT_FALSE(store::revoke_api_key(x, "ten_other", a.row.id));  // another tenant's key
    EXPECT_TRUE(store::revoke_api_key(x, tenant.id, a.row.id));
    EXPECT_FALSE(store::revoke_api_key(x, tenant.id, a.row.id));  // already revoked
    auto revoked = store::find_api_key_by_lookup(x, a.key.lookup);
    ASSERT_TRUE(revoked);
    EXPECT_TRUE(revoked->revoked());
  });
}

TEST_F(ApiKeyStorePg, NothingOfTheKeyButItsHashAndLast4IsStored) {
  const auto tenant = make_tenant(unique("stored"));
  const auto a = make_key(tenant, sdk::Mode::test);
  std::string row_text;
  auto r = pool_->execute_blocking([&](pqxx::connection_base& c) {
    pqxx::nontransaction n(c);
    row_text = n.exec_params("SELECT k::text FROM api_keys k WHERE id = $1", a.row.id)[0][0]
                   .as<std::string>();
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(row_text.find(a.key.key.substr(24)), std::string::npos) << row_text;
  EXPECT_EQ(row_text.find(a.key.key.substr(24, 12)), std::string::npos) << row_text;
}

TEST_F(ApiKeyStorePg, DuplicateLookupIsAConflict) {
  const auto tenant = make_tenant(unique("dup"));
  const auto a = make_key(tenant, sdk::Mode::test);
  auto again = issue_api_key(tenant.id, sdk::Mode::test);
  again.row.lookup = a.row.lookup;
  auto r = pool_->transact_blocking([&](store::Tx& x) { store::insert_api_key(x, again.row); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, store::StoreError::Kind::conflict);
}

TEST_F(ApiKeyStorePg, LookupOutsideATransaction) {
  const auto tenant = make_tenant(unique("lookup"));
  const auto a = make_key(tenant, sdk::Mode::live);
  auto found = run_coro([&] { return store::lookup_api_key(*pool_, a.key.lookup); });
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value());
  EXPECT_EQ(found.value()->id, a.row.id);
  auto none = run_coro([&] { return store::lookup_api_key(*pool_, "zzzzzzzzzzzzzzzz"); });
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value());
}

// --- the middleware against the database -----------------------------------------------

class AuthenticatedPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    authenticator = std::make_unique<Authenticator>(*pool_);
    gate = std::make_unique<api::AccessGate>(*authenticator);
    handler =
        api::authenticated(*gate,
                           [this](http::RequestContext&,
                                  const Principal& p) -> boost::asio::awaitable<http::Response> {
                             seen = p;
                             co_return http::Response::text(200, "ok", "text/plain");
                           });
    tenant = make_tenant(unique("auth"));
    other_tenant = make_tenant(unique("other"));
    test_key = make_key(tenant, sdk::Mode::test);
    live_key = make_key(tenant, sdk::Mode::live);
    other_key = make_key(other_tenant, sdk::Mode::test);
  }

  http::Response call(std::vector<std::pair<std::string, std::string>> headers) {
    seen.reset();
    FakeCall c(std::move(headers));
    return c.run(handler);
  }

  static std::string code(const http::Response& r) {
    return std::string(error_of(r).at("code").as_string());
  }

  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<api::AccessGate> gate;
  http::Handler handler;
  std::optional<Principal> seen;
  store::TenantRecord tenant;
  store::TenantRecord other_tenant;
  IssuedApiKey test_key;
  IssuedApiKey live_key;
  IssuedApiKey other_key;
};

TEST_F(AuthenticatedPg, MissingHeaderIs401) {
  auto r = call({});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(code(r), "AUTHENTICATION_REQUIRED");
  EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer realm=\"payd\"");
}

TEST_F(AuthenticatedPg, MalformedUnknownAndWrongSecretAre401) {
  std::string wrong = test_key.key.key;
  wrong[60] = wrong[60] == 'a' ? 'b' : 'a';
  for (const auto& v : {std::string("Bearer sk_test_malformed"),
                        "Bearer " + generate_api_key(sdk::Mode::test).key, "Bearer " + wrong}) {
    auto r = call({{"Authorization", v}});
    EXPECT_EQ(r.status, 401) << v;
    EXPECT_EQ(code(r), "INVALID_API_KEY") << v;
    EXPECT_FALSE(seen);
  }
}

TEST_F(AuthenticatedPg, ValidKeysGiveTenantAndMode) {
  auto r = call({{"Authorization", "Bearer " + test_key.key.key}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->tenant_id, tenant.id);
  EXPECT_EQ(seen->tenant_name, tenant.name);
  EXPECT_EQ(seen->mode, sdk::Mode::test);
  EXPECT_EQ(seen->key_id, test_key.row.id);
  EXPECT_EQ(seen->actor, "api_key:sk_test_\u2026" + test_key.key.last4);

  r = call({{"Authorization", "Bearer " + live_key.key.key}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->mode, sdk::Mode::live);
  EXPECT_EQ(seen->key_id, live_key.row.id);

  r = call({{"Authorization", "Bearer " + other_key.key.key}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(seen->tenant_id, other_tenant.id);
}

TEST_F(AuthenticatedPg, XTenantByNameOrIdAndMismatch) {
  const auto bearer = "Bearer " + test_key.key.key;
  EXPECT_EQ(call({{"Authorization", bearer}, {"X-Tenant", tenant.name}}).status, 200);
  EXPECT_EQ(call({{"Authorization", bearer}, {"X-Tenant", tenant.id}}).status, 200);
  for (const auto& other : {other_tenant.name, other_tenant.id, std::string("nobody")}) {
    auto r = call({{"Authorization", bearer}, {"X-Tenant", other}});
    EXPECT_EQ(r.status, 403) << other;
    EXPECT_EQ(code(r), "TENANT_MISMATCH");
    EXPECT_EQ(error_of(r).at("type").as_string(), "permission_error");
    EXPECT_FALSE(seen);
  }
}

TEST_F(AuthenticatedPg, RevocationIsEffectiveOnTheNextRequest) {
  const auto bearer = "Bearer " + test_key.key.key;
  ASSERT_EQ(call({{"Authorization", bearer}}).status, 200);
  tx([&](store::Tx& x) { ASSERT_TRUE(store::revoke_api_key(x, tenant.id, test_key.row.id)); });
  auto r = call({{"Authorization", bearer}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(code(r), "INVALID_API_KEY");
  // The tenant's other key still works.
  EXPECT_EQ(call({{"Authorization", "Bearer " + live_key.key.key}}).status, 200);
}

// No PAYD_TEST_DATABASE_URL needed: the database is a closed port.
TEST(AuthenticatedDatabaseDown, StoreUnavailableIs503AndMalformedKeysStill401) {
  auto pool = make_pool("postgresql://payd@127.0.0.1:1/payd");
  Authenticator authenticator(*pool);
  api::AccessGate gate(authenticator);
  bool ran = false;
  auto handler = api::authenticated(
      gate,
      [&](http::RequestContext&, const Principal&) -> boost::asio::awaitable<http::Response> {
        ran = true;
        co_return http::Response::text(200, "ok", "text/plain");
      });

  FakeCall good(payd::testing::HeaderList{
      {"Authorization", "Bearer " + generate_api_key(sdk::Mode::live).key}});
  auto r = good.run(handler);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(error_of(r).at("code").as_string(), "SERVICE_UNAVAILABLE");
  EXPECT_TRUE(r.headers.get("Retry-After").has_value());

  // A malformed key is refused before any query, so the outage does not show.
  FakeCall malformed(payd::testing::HeaderList{{"Authorization", "Bearer sk_live_123"}});
  r = malformed.run(handler);
  EXPECT_EQ(r.status, 401) << r.body;
  FakeCall missing;
  EXPECT_EQ(missing.run(handler).status, 401);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace payd::security
