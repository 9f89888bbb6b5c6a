#include <gtest/gtest.h>

#include <memory>

#include "api/authenticated.hpp"
#include "payd/sdk/crypto.hpp"
#include "security/api_key.hpp"
#include "security/api_key_issue.hpp"
#include "security/authenticator.hpp"
#include "security_test_support.hpp"
#include "stdout_capture.hpp"

namespace payd::security {
namespace {

using payd::testing::error_of;
using payd::testing::FakeCall;
using payd::testing::FakeKeyDirectory;
using payd::testing::run_coro;
using Kind = AuthError::Kind;

TEST(AuthorizationHeader, AcceptedForms) {
  const auto key = generate_api_key(sdk::Mode::test).key;
  EXPECT_EQ(credential_from_authorization("Bearer " + key), key);
  EXPECT_EQ(credential_from_authorization("bearer " + key), key);
  EXPECT_EQ(credential_from_authorization("BEARER " + key), key);
  EXPECT_EQ(credential_from_authorization("  Bearer \t " + key + " \t"), key);
  EXPECT_EQ(credential_from_authorization(key), key);  // bare key
  EXPECT_EQ(credential_from_authorization("Basic " + sdk::base64_encode(key + ":")), key);
  EXPECT_EQ(credential_from_authorization("basic " + sdk::base64_encode(key + ":")), key);
  // Bearer takes any single token (the key check comes later); JWTs arrive in #5.
  EXPECT_EQ(credential_from_authorization("Bearer abc.def.ghi"), "abc.def.ghi");
}

TEST(AuthorizationHeader, RefusedForms) {
  const auto key = generate_api_key(sdk::Mode::test).key;
  for (const std::string& v : {
           std::string(""), std::string("   "), std::string("Bearer"), std::string("Bearer "),
           "Bearer " + key + " extra", "Token " + key, "Digest " + key,
           "Basic " + sdk::base64_encode(key),              // no colon
           "Basic " + sdk::base64_encode(key + ":secret"),  // password must be empty
           "Basic " + sdk::base64_encode(":" + key),        // key as password
           "Basic " + key,                                  // not base64 of user:
           std::string("Basic !!!!"),
           std::string("eyJhbGciOiJIUzI1NiJ9"),  // bare non-key
       }) {
    EXPECT_FALSE(credential_from_authorization(v).has_value()) << v;
  }
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory = std::make_shared<FakeKeyDirectory>();
    auth = std::make_unique<Authenticator>(directory);
    test_key = add_key(sdk::Mode::test);
    live_key = add_key(sdk::Mode::live);
  }

  std::string add_key(sdk::Mode mode, KeyKind kind = KeyKind::secret, bool revoked = false) {
    auto issued = issue_api_key("ten_acme", mode, kind, "k");
    store::ApiKeyRecord r;
    r.id = issued.row.id;
    r.tenant_id = "ten_acme";
    r.tenant_name = "acme";
    r.mode = issued.row.mode;
    r.kind = issued.row.kind;
    r.lookup = issued.row.lookup;
    r.secret_hash = issued.row.secret_hash;
    r.last4 = issued.row.last4;
    r.role = "developer";
    r.scopes = {"payments:read"};
    r.created_at = "2025-01-01T00:00:00Z";
    if (revoked) r.revoked_at = "2025-01-02T00:00:00Z";
    directory->keys[r.lookup] = r;
    return issued.key.key;
  }

  Result<Principal, AuthError> authenticate(std::optional<std::string> authorization,
                                            std::optional<std::string> tenant = {}) {
    return run_coro([&] { return auth->authenticate(authorization, tenant); });
  }

  std::shared_ptr<FakeKeyDirectory> directory;
  std::unique_ptr<Authenticator> auth;
  std::string test_key;
  std::string live_key;
};

TEST_F(AuthenticatorTest, ValidTestKeyGivesItsPrincipal) {
  auto r = authenticate("Bearer " + test_key);
  ASSERT_TRUE(r.ok()) << to_string(r.error().kind);
  const auto& p = r.value();
  EXPECT_EQ(p.tenant_id, "ten_acme");
  EXPECT_EQ(p.tenant_name, "acme");
  EXPECT_EQ(p.mode, sdk::Mode::test);
  EXPECT_EQ(p.key_kind, KeyKind::secret);
  EXPECT_TRUE(p.key_id.starts_with("key_"));
  EXPECT_EQ(p.actor, "api_key:sk_test_\u2026" + test_key.substr(63));
  EXPECT_EQ(p.scopes, std::vector<std::string>{"payments:read"});
  EXPECT_EQ(p.role, "developer");
  EXPECT_EQ(directory->calls, 1);
}

TEST_F(AuthenticatorTest, LiveKeyGivesLiveMode) {
  auto r = authenticate("Bearer " + live_key);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().mode, sdk::Mode::live);
  EXPECT_TRUE(r.value().actor.starts_with("api_key:sk_live_"));
}

TEST_F(AuthenticatorTest, RestrictedKeyIsRecognised) {
  const auto rk = add_key(sdk::Mode::test, KeyKind::restricted);
  auto r = authenticate("Bearer " + rk);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().key_kind, KeyKind::restricted);
}

TEST_F(AuthenticatorTest, BasicAndBareFormsWork) {
  EXPECT_TRUE(authenticate("Basic " + sdk::base64_encode(test_key + ":")).ok());
  EXPECT_TRUE(authenticate(test_key).ok());
}

TEST_F(AuthenticatorTest, MissingOrEmptyHeaderIsMissingCredentials) {
  auto r = authenticate(std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::missing_credentials);
  auto e = authenticate(" ");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, Kind::missing_credentials);
  EXPECT_EQ(directory->calls, 0);
}

TEST_F(AuthenticatorTest, MalformedKeysNeverReachTheDirectory) {
  for (const std::string& v : std::vector<std::string>{
           "Bearer sk_test_short", "Bearer " + test_key.substr(0, 66), "Bearer " + test_key + "0",
           "Bearer xk_test_" + test_key.substr(8), "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
           "Token " + test_key, "Bearer " + test_key.substr(0, 30) + "-" + test_key.substr(31)}) {
    auto r = authenticate(v);
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.error().kind, Kind::invalid_key) << v;
  }
  EXPECT_EQ(directory->calls, 0);
}

TEST_F(AuthenticatorTest, UnknownKeyAndWrongSecretAreTheSameFailure) {
  const auto unknown = generate_api_key(sdk::Mode::test).key;
  auto a = authenticate("Bearer " + unknown);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, Kind::invalid_key);

  // Known lookup, wrong secret.
  std::string wrong = test_key;
  wrong[50] = wrong[50] == 'a' ? 'b' : 'a';
  auto b = authenticate("Bearer " + wrong);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, Kind::invalid_key);
  EXPECT_EQ(directory->calls, 2);
}

TEST_F(AuthenticatorTest, KeyWithAnotherModePrefixButSameLookupIsRejected) {
  // The hash covers the prefix: sk_live_ + the test key's lookup and secret is not a key.
  auto r = authenticate("Bearer sk_live_" + test_key.substr(8));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::invalid_key);
}

TEST_F(AuthenticatorTest, RowWhoseModeDisagreesWithThePrefixIsRejected) {
  auto parsed = parse_api_key(test_key);
  directory->keys[std::string(parsed->lookup)].mode = "live";
  auto r = authenticate("Bearer " + test_key);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::invalid_key);
}

TEST_F(AuthenticatorTest, RevokedKeyIsRefused) {
  const auto revoked = add_key(sdk::Mode::test, KeyKind::secret, true);
  auto r = authenticate("Bearer " + revoked);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::revoked_key);
}

TEST_F(AuthenticatorTest, XTenantMustMatchByIdOrName) {
  EXPECT_TRUE(authenticate("Bearer " + test_key, "ten_acme").ok());
  EXPECT_TRUE(authenticate("Bearer " + test_key, "acme").ok());
  for (const char* other : {"globex", "ACME", "ten_other", "", " acme"}) {
    auto r = authenticate("Bearer " + test_key, other);
    ASSERT_FALSE(r.ok()) << other;
    EXPECT_EQ(r.error().kind, Kind::tenant_mismatch) << other;
  }
}

TEST_F(AuthenticatorTest, BadKeyWinsOverTenantMismatch) {
  auto r = authenticate("Bearer sk_test_bad", "globex");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::invalid_key);
}

TEST_F(AuthenticatorTest, StoreFailureIsReported) {
  directory->failure = store::StoreError{store::StoreError::Kind::unavailable, "down", {}};
  auto r = authenticate("Bearer " + test_key);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::store);
  EXPECT_EQ(r.error().store_error.kind, store::StoreError::Kind::unavailable);
}

TEST_F(AuthenticatorTest, FailureCarriesOnlyTheDisplayForm) {
  std::string wrong = test_key;
  wrong[50] = wrong[50] == 'a' ? 'b' : 'a';
  auto r = authenticate("Bearer " + wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().display, "sk_test_\u2026" + wrong.substr(63));
}

// --- the middleware ------------------------------------------------------------------

class AuthenticatedTest : public AuthenticatorTest {
 protected:
  void SetUp() override {
    AuthenticatorTest::SetUp();
    gate = std::make_unique<api::AccessGate>(*auth);
    handler =
        api::authenticated(*gate,
                           [this](http::RequestContext&,
                                  const Principal& p) -> boost::asio::awaitable<http::Response> {
                             ++handled;
                             seen = p;
                             co_return http::Response::text(200, "ok " + p.tenant_id, "text/plain");
                           });
  }

  http::Response call(std::vector<std::pair<std::string, std::string>> headers) {
    FakeCall c(std::move(headers));
    return c.run(handler);
  }

  void expect_error(const http::Response& r, int status, std::string_view type,
                    std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    auto e = error_of(r);
    EXPECT_EQ(e.at("type").as_string(), type) << r.body;
    EXPECT_EQ(e.at("code").as_string(), code) << r.body;
    EXPECT_EQ(handled, 0);
  }

  std::unique_ptr<api::AccessGate> gate;
  http::Handler handler;
  int handled = 0;
  std::optional<Principal> seen;
};

TEST_F(AuthenticatedTest, ValidKeyRunsTheHandlerWithThePrincipal) {
  auto r = call({{"Authorization", "Bearer " + live_key}, {"X-Tenant", "acme"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok ten_acme");
  EXPECT_EQ(handled, 1);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->mode, sdk::Mode::live);
}

TEST_F(AuthenticatedTest, MissingHeaderIs401WithChallenge) {
  auto r = call({});
  expect_error(r, 401, "authentication_error", "AUTHENTICATION_REQUIRED");
  EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer realm=\"payd\"");
}

TEST_F(AuthenticatedTest, InvalidKeyIs401WithChallenge) {
  auto r = call({{"Authorization", "Bearer sk_test_nope"}});
  expect_error(r, 401, "authentication_error", "INVALID_API_KEY");
  EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer realm=\"payd\"");
  EXPECT_EQ(directory->calls, 0);
}

TEST_F(AuthenticatedTest, UnknownAndWrongSecretAnswerTheSame) {
  std::string wrong = test_key;
  wrong[50] = wrong[50] == 'a' ? 'b' : 'a';
  auto a = call({{"Authorization", "Bearer " + wrong}});
  auto b = call({{"Authorization", "Bearer " + generate_api_key(sdk::Mode::test).key}});
  expect_error(a, 401, "authentication_error", "INVALID_API_KEY");
  expect_error(b, 401, "authentication_error", "INVALID_API_KEY");
  EXPECT_EQ(error_of(a).at("message"), error_of(b).at("message"));
}

TEST_F(AuthenticatedTest, RevokedKeyIs401) {
  const auto revoked = add_key(sdk::Mode::test, KeyKind::secret, true);
  expect_error(call({{"Authorization", "Bearer " + revoked}}), 401, "authentication_error",
               "INVALID_API_KEY");
}

TEST_F(AuthenticatedTest, TwoAuthorizationHeadersAre401) {
  auto r = call({{"Authorization", "Bearer " + test_key}, {"Authorization", "Bearer " + live_key}});
  expect_error(r, 401, "authentication_error", "INVALID_API_KEY");
  EXPECT_EQ(directory->calls, 0);
}

TEST_F(AuthenticatedTest, TenantMismatchIs403) {
  auto r = call({{"Authorization", "Bearer " + test_key}, {"X-Tenant", "globex"}});
  expect_error(r, 403, "permission_error", "TENANT_MISMATCH");
  EXPECT_FALSE(r.headers.get("WWW-Authenticate").has_value());
}

TEST_F(AuthenticatedTest, TwoXTenantHeadersAre403) {
  auto r =
      call({{"Authorization", "Bearer " + test_key}, {"X-Tenant", "acme"}, {"X-Tenant", "acme"}});
  expect_error(r, 403, "permission_error", "TENANT_MISMATCH");
}

TEST_F(AuthenticatedTest, StoreDownIs503WithRetryAfter) {
  directory->failure = store::StoreError{store::StoreError::Kind::unavailable, "down", {}};
  auto r = call({{"Authorization", "Bearer " + test_key}});
  expect_error(r, 503, "api_error", "SERVICE_UNAVAILABLE");
  EXPECT_TRUE(r.headers.get("Retry-After").has_value());
}

TEST_F(AuthenticatedTest, OtherStoreFailureIs500) {
  directory->failure = store::StoreError{store::StoreError::Kind::internal, "42P01: boom", {}};
  expect_error(call({{"Authorization", "Bearer " + test_key}}), 500, "api_error", "INTERNAL_ERROR");
}

TEST_F(AuthenticatedTest, LogsTheDisplayFormNeverTheKey) {
  obs::init_logging(obs::Level::info);
  std::string wrong = test_key;
  wrong[50] = wrong[50] == 'a' ? 'b' : 'a';
  payd::testing::StdoutCapture cap;
  auto r = call({{"Authorization", "Bearer " + wrong}});
  const auto out = cap.finish();
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(out.find("authentication failed"), std::string::npos) << out;
  EXPECT_NE(out.find("req_test"), std::string::npos) << out;
  EXPECT_NE(out.find(wrong.substr(63)), std::string::npos) << out;
  EXPECT_EQ(out.find(wrong.substr(8, 16)), std::string::npos) << out;  // not even the lookup
  EXPECT_EQ(out.find(wrong.substr(24, 20)), std::string::npos) << out;
}

}  // namespace
}  // namespace payd::security
