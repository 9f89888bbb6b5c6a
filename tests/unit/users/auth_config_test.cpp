// The `auth:` section of payd.yaml (config/auth_schema.cpp): defaults, required keys, the
// one-signer rule, bounds, unknown keys reported with file:line.

#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.hpp"

namespace payd::config {
namespace {

constexpr std::string_view kJwt =
    "auth:\n"
    "  jwt:\n"
    "    issuer: https://payd.test\n"
    "    audience: payd\n"
    "    keys:\n"
    "      - {kid: a, alg: EdDSA, file: /etc/payd/a.pem, sign: true}\n"
    "      - {kid: b, alg: HS256, file: /etc/payd/b.key}\n";

std::string all_errors(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

Result<Config, std::vector<ConfigError>> load(const std::string& yaml) {
  return load_config_string(yaml, "payd.yaml");
}

TEST(AuthConfig, AbsentMeansApiKeysOnly) {
  auto c = load("listen: {port: 8080}\n");
  ASSERT_TRUE(c) << all_errors(c.error());
  EXPECT_FALSE(c->auth.has_value());
}

TEST(AuthConfig, DefaultsAndValues) {
  auto c = load(std::string(kJwt) + "  mfa: {kek_file: /etc/payd/mfa.kek}\n");
  ASSERT_TRUE(c) << all_errors(c.error());
  ASSERT_TRUE(c->auth);
  const auto& a = *c->auth;
  EXPECT_EQ(a.jwt.issuer, "https://payd.test");
  EXPECT_EQ(a.jwt.access_token_ttl, std::chrono::minutes(15));
  EXPECT_EQ(a.jwt.leeway, std::chrono::seconds(30));
  ASSERT_EQ(a.jwt.keys.size(), 2U);
  EXPECT_TRUE(a.jwt.keys[0].sign);
  EXPECT_FALSE(a.jwt.keys[1].sign);
  EXPECT_EQ(a.mfa.step_up_ttl, std::chrono::minutes(10));
  EXPECT_EQ(a.mfa.challenge_ttl, std::chrono::minutes(5));
  EXPECT_FALSE(a.mfa.actions.create_payment);
  EXPECT_TRUE(a.mfa.actions.refund);
  EXPECT_TRUE(a.mfa.actions.api_keys);
  EXPECT_TRUE(a.mfa.actions.webhooks);
  EXPECT_TRUE(a.mfa.api_keys_exempt);
  EXPECT_EQ(a.login.max_failures, 10U);
  EXPECT_EQ(a.login.lockout, std::chrono::minutes(30));
  EXPECT_TRUE(mfa_action_enabled(a.mfa.actions, "refund"));
  EXPECT_FALSE(mfa_action_enabled(a.mfa.actions, "create-payment"));
  EXPECT_TRUE(mfa_action_enabled(a.mfa.actions, "mfa-disable"));  // not configurable
  EXPECT_TRUE(mfa_action_enabled(a.mfa.actions, "something-new"));  // deny by default
}

TEST(AuthConfig, OverridesAreRead) {
  auto c = load(std::string(kJwt) +
                "    access_token_ttl: 1h\n    leeway: 60s\n"
                "  mfa:\n    kek_credential: payd-kek\n    step_up_ttl: 2m\n"
                "    actions: {create-payment: true, refund: false}\n    api_keys_exempt: false\n"
                "  login: {max_failures: 3, lockout: 5s}\n");
  ASSERT_TRUE(c) << all_errors(c.error());
  const auto& a = *c->auth;
  EXPECT_EQ(a.jwt.access_token_ttl, std::chrono::hours(1));
  EXPECT_EQ(a.mfa.kek_credential, "payd-kek");
  EXPECT_TRUE(a.mfa.actions.create_payment);
  EXPECT_FALSE(a.mfa.actions.refund);
  EXPECT_FALSE(a.mfa.api_keys_exempt);
  EXPECT_EQ(a.login.max_failures, 3U);
}

struct Bad {
  std::string yaml;
  std::string expected;  // part of the error text
};

class AuthConfigErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(AuthConfigErrors, AreReportedWithFileAndLine) {
  auto c = load(GetParam().yaml);
  ASSERT_FALSE(c) << GetParam().yaml;
  const auto text = all_errors(c.error());
  EXPECT_NE(text.find(GetParam().expected), std::string::npos) << text;
  EXPECT_NE(text.find("payd.yaml:"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AuthConfigErrors,
    ::testing::Values(
        Bad{"auth: {mfa: {kek_file: /k}}\n", "auth.jwt"},
        Bad{std::string(kJwt), "auth.mfa"},
        Bad{std::string(kJwt) + "  mfa: {kek_file: /k, kek_credential: c}\n", "exactly one of"},
        Bad{std::string(kJwt) + "  mfa: {}\n", "exactly one of"},
        Bad{"auth:\n  jwt:\n    issuer: i\n    audience: a\n    keys:\n"
            "      - {kid: a, alg: HS256, file: /a, sign: true}\n"
            "      - {kid: b, alg: HS256, file: /b, sign: true}\n  mfa: {kek_file: /k}\n",
            "exactly one key must have sign: true (found 2)"},
        Bad{"auth:\n  jwt:\n    issuer: i\n    audience: a\n    keys:\n"
            "      - {kid: a, alg: HS256, file: /a}\n  mfa: {kek_file: /k}\n",
            "found 0"},
        Bad{"auth:\n  jwt:\n    issuer: i\n    audience: a\n    keys:\n"
            "      - {kid: a, alg: RS256, file: /a, sign: true}\n  mfa: {kek_file: /k}\n",
            "HS256 or EdDSA"},
        Bad{"auth:\n  jwt:\n    issuer: i\n    audience: a\n    keys:\n"
            "      - {kid: a, alg: HS256, file: relative.key, sign: true}\n  mfa: {kek_file: /k}\n",
            "absolute file path"},
        Bad{"auth:\n  jwt:\n    issuer: i\n    audience: a\n    keys:\n"
            "      - {kid: a, alg: HS256, file: /a, sign: true}\n"
            "      - {kid: a, alg: HS256, file: /b}\n  mfa: {kek_file: /k}\n",
            "duplicate kid"},
        Bad{std::string(kJwt) + "    leeway: 61s\n  mfa: {kek_file: /k}\n", "auth.jwt.leeway"},
        Bad{std::string(kJwt) + "    access_token_ttl: 25h\n  mfa: {kek_file: /k}\n",
            "auth.jwt.access_token_ttl"},
        Bad{std::string(kJwt) + "  mfa: {kek_file: /k, actions: {refunds: true}}\n",
            "auth.mfa.actions.refunds"},
        Bad{std::string(kJwt) + "  mfa: {kek_file: /k}\n  logins: {max_failures: 3}\n",
            "auth.logins"}));

}  // namespace
}  // namespace payd::config
