// payd's access tokens (security/access_tokens.hpp) over an in-memory key ring: round trips,
// the claims each kind must have, and the JWT checks they inherit.

#include "security/access_tokens.hpp"

#include <gtest/gtest.h>

#include "security/jwt.hpp"

namespace payd::security {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
const std::string kUser = "usr_AAAAAAAAAAAAAAAAAAAAAAAA";
const std::string kKey = "key_BBBBBBBBBBBBBBBBBBBBBBBB";

AuthSettings settings() {
  AuthSettings s;
  s.config.jwt.issuer = "https://payd.test";
  s.config.jwt.audience = "payd";
  auto key = JwtKey::hs256("h1", std::string(32, 'k'));
  EXPECT_TRUE(key);
  EXPECT_TRUE(s.ring.add(std::move(key).value()));
  EXPECT_TRUE(s.ring.set_signer("h1"));
  return s;
}

TEST(AccessTokens, UserTokenRoundTrip) {
  const auto s = settings();
  AccessTokenClaims c;
  c.subject = kUser;
  c.mode = sdk::Mode::live;
  const auto issued = issue_access_token(s, c, kNow, 900);
  EXPECT_EQ(issued.expires_in, 900);
  auto v = verify_access_token(s, issued.token, kNow + 10);
  ASSERT_TRUE(v) << v.error().detail;
  EXPECT_EQ(v->kind, AccessTokenClaims::Kind::user);
  EXPECT_EQ(v->subject, kUser);
  EXPECT_EQ(v->mode, sdk::Mode::live);
  EXPECT_FALSE(v->tenant_id);
  EXPECT_EQ(v->jti, issued.jti);
  EXPECT_EQ(v->expires_at, kNow + 900);
}

TEST(AccessTokens, KeyTokenCarriesTenantAndScopes) {
  const auto s = settings();
  AccessTokenClaims c;
  c.kind = AccessTokenClaims::Kind::key;
  c.subject = kKey;
  c.tenant_id = "ten_1";
  c.scopes = {"payments:read", "refunds:read"};
  const auto issued = issue_access_token(s, c, kNow, 60);
  auto v = verify_access_token(s, issued.token, kNow);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, AccessTokenClaims::Kind::key);
  EXPECT_EQ(v->tenant_id, "ten_1");
  EXPECT_EQ(v->scopes, c.scopes);
}

TEST(AccessTokens, ExpiryHonoursTheLeeway) {
  auto s = settings();
  s.config.jwt.leeway = std::chrono::seconds(30);
  AccessTokenClaims c;
  c.subject = kUser;
  const auto t = issue_access_token(s, c, kNow, 60).token;
  EXPECT_TRUE(verify_access_token(s, t, kNow + 60 + 29));
  auto late = verify_access_token(s, t, kNow + 60 + 30);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, JwtErrorCode::expired);
}

boost::json::object base_claims(std::string sub) {
  return {{"iss", "https://payd.test"}, {"aud", "payd"}, {"sub", std::move(sub)},
          {"iat", kNow}, {"nbf", kNow}, {"exp", kNow + 60}, {"mode", "test"}};
}

TEST(AccessTokens, PaydsOwnClaimsAreChecked) {
  const auto s = settings();
  auto sign = [&](const boost::json::object& c) { return jwt_sign(s.ring, c, kAccessTokenType); };
  // A subject that is neither a user nor a key.
  EXPECT_FALSE(verify_access_token(s, sign(base_claims("admin")), kNow));
  // No mode, or a made-up one.
  auto no_mode = base_claims(kUser);
  no_mode.erase("mode");
  EXPECT_FALSE(verify_access_token(s, sign(no_mode), kNow));
  auto bad_mode = base_claims(kUser);
  bad_mode["mode"] = "prod";
  EXPECT_FALSE(verify_access_token(s, sign(bad_mode), kNow));
  // A user token may not carry scopes (its permissions come from the membership).
  auto user_scoped = base_claims(kUser);
  user_scoped["scope"] = "payments:read";
  EXPECT_FALSE(verify_access_token(s, sign(user_scoped), kNow));
  // A key token needs its tenant and scope.
  auto key_no_tenant = base_claims(kKey);
  key_no_tenant["scope"] = "payments:read";
  EXPECT_FALSE(verify_access_token(s, sign(key_no_tenant), kNow));
  auto key_no_scope = base_claims(kKey);
  key_no_scope["tenant_id"] = "ten_1";
  EXPECT_FALSE(verify_access_token(s, sign(key_no_scope), kNow));
  // Another typ is refused even with a good signature.
  EXPECT_FALSE(verify_access_token(s, jwt_sign(s.ring, base_claims(kUser), "JWT"), kNow));
  EXPECT_TRUE(verify_access_token(s, sign(base_claims(kUser)), kNow));
}

}  // namespace
}  // namespace payd::security
