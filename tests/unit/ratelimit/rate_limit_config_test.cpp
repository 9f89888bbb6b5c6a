// The `rate_limits:` section and server.max_in_flight: defaults, values, and errors with
// file:line and a suggestion.

#include <gtest/gtest.h>

#include "config/config_loader.hpp"

namespace payd::config {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

Result<Config, std::vector<ConfigError>> load(const std::string& yaml) {
  return load_config_string(yaml, "payd.yaml",
                            SecretSources{[](const char*) -> const char* { return nullptr; }, ""});
}

std::string all_errors(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

TEST(RateLimitConfig, DefaultsAreTheFrontDoorSpec) {
  const auto cfg = load("");
  ASSERT_TRUE(cfg) << all_errors(cfg.error());
  const auto& r = cfg->rate_limits;
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.of(RateClass::checkout_create), (RateLimit{10, minutes{1}, 10}));
  EXPECT_EQ(r.of(RateClass::session_status), (RateLimit{30, minutes{1}, 30}));
  EXPECT_EQ(r.of(RateClass::refunds), (RateLimit{5, minutes{1}, 5}));
  EXPECT_EQ(r.of(RateClass::link_info), (RateLimit{10, minutes{1}, 10}));
  EXPECT_EQ(r.of(RateClass::link_checkout), (RateLimit{3, minutes{1}, 3}));
  EXPECT_EQ(r.of(RateClass::key_management), (RateLimit{10, minutes{1}, 10}));
  EXPECT_EQ(r.of(RateClass::test_webhooks), (RateLimit{5, minutes{1}, 5}));
  EXPECT_EQ(r.of(RateClass::general), (RateLimit{100, seconds{1}, 200}));
  EXPECT_EQ(cfg->server.max_in_flight, 1024U);
}

TEST(RateLimitConfig, ReadsEveryKey) {
  const auto cfg = load(R"(server:
  max_in_flight: 8
rate_limits:
  enabled: false
  max_buckets: 5000
  classes:
    checkout_create: {limit: 2, per: 2s}
    general: {limit: 50, per: 1s, burst: 80}
)");
  ASSERT_TRUE(cfg) << all_errors(cfg.error());
  EXPECT_FALSE(cfg->rate_limits.enabled);
  EXPECT_EQ(cfg->rate_limits.max_buckets, 5000U);
  EXPECT_EQ(cfg->rate_limits.of(RateClass::checkout_create), (RateLimit{2, seconds{2}, 2}));
  EXPECT_EQ(cfg->rate_limits.of(RateClass::general), (RateLimit{50, seconds{1}, 80}));
  EXPECT_EQ(cfg->rate_limits.of(RateClass::refunds), (RateLimit{5, minutes{1}, 5}));
  EXPECT_EQ(cfg->server.max_in_flight, 8U);
}

TEST(RateLimitConfig, UnknownClassIsRejectedWithLineAndSuggestion) {
  const auto cfg = load(R"(rate_limits:
  classes:
    checkout_creat: {limit: 2, per: 2s}
)");
  ASSERT_FALSE(cfg);
  const auto text = all_errors(cfg.error());
  EXPECT_NE(text.find("payd.yaml:3"), std::string::npos) << text;
  EXPECT_NE(text.find("checkout_create"), std::string::npos) << text;
}

TEST(RateLimitConfig, BadValuesAreRejected) {
  const auto cfg = load(R"(rate_limits:
  classes:
    refunds: {limit: 0, per: 1m}
    link_info: {limit: 5, per: 10}
    auth: {limit: 5, per: 1m, burst: -1}
    general: {limit: 5, per: 1m, brust: 9}
)");
  ASSERT_FALSE(cfg);
  const auto text = all_errors(cfg.error());
  EXPECT_NE(text.find("payd.yaml:3"), std::string::npos) << text;
  EXPECT_NE(text.find("payd.yaml:4"), std::string::npos) << text;
  EXPECT_NE(text.find("payd.yaml:5"), std::string::npos) << text;
  EXPECT_NE(text.find("payd.yaml:6"), std::string::npos) << text;
  EXPECT_NE(text.find("burst"), std::string::npos) << text;
}

}  // namespace
}  // namespace payd::config
