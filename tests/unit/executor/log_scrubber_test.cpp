#include "plugins/log_scrubber.hpp"

#include <gtest/gtest.h>

namespace payd::plugins {
namespace {

TEST(LogScrubber, RedactsCredentialHeaders) {
  const LogScrubber s;
  for (const char* name :
       {"Authorization", "authorization", "Proxy-Authorization", "X-Access-Token", "X-Api-Key",
        "Api-Key", "Cookie", "Set-Cookie", "Stripe-Signature", "X-Auth-Token", "X-Client-Secret"}) {
    EXPECT_EQ(s.header_value(name, "Bearer abc.def"), "[REDACTED]") << name;
  }
  for (const char* name : {"Content-Type", "Idempotency-Key", "Accept", "X-Request-Id"}) {
    EXPECT_EQ(s.header_value(name, "application/json"), "application/json") << name;
  }
}

TEST(LogScrubber, HeadersListIsOneLinePerField) {
  const LogScrubber s;
  const sdk::Headers h = {{"Authorization", "Basic c2tfbGl2ZTp4"}, {"Content-Type", "text/plain"}};
  EXPECT_EQ(s.headers(h), "Authorization: [REDACTED]\nContent-Type: text/plain");
}

TEST(LogScrubber, ReplacesConfiguredSecretsAndTheirEncodedForms) {
  const LogScrubber s({"sk_live_51Habc/xyz+q", "abc"});
  EXPECT_EQ(s.text("key=sk_live_51Habc/xyz+q;"), "key=[REDACTED];");
  EXPECT_EQ(s.text("key=sk_live_51Habc%2Fxyz%2Bq&x=1"), "key=[REDACTED]&x=1");
  EXPECT_EQ(s.text(R"({"k":"sk_live_51Habc\/xyz+q"})"), R"({"k":"[REDACTED]"})");
  EXPECT_EQ(s.text("abc stays: too short to be a secret"), "abc stays: too short to be a secret");
  EXPECT_EQ(s.header_value("X-Custom", "sk_live_51Habc/xyz+q"), "[REDACTED]");
}

TEST(LogScrubber, LongerSecretWinsOverOneItContains) {
  const LogScrubber s({"token", "token-with-suffix"});
  EXPECT_EQ(s.text("a token-with-suffix b token"), "a [REDACTED] b [REDACTED]");
}

TEST(LogScrubber, MasksCardLikeDigitRunsKeepingTheLastFour) {
  EXPECT_EQ(LogScrubber::mask_card_numbers("4242424242424242"), "************4242");
  EXPECT_EQ(LogScrubber::mask_card_numbers("card 4242 4242 4242 4242 ok"),
            "card **** **** **** 4242 ok");
  EXPECT_EQ(LogScrubber::mask_card_numbers("4000-0000-0000-0002"), "****-****-****-0002");
  EXPECT_EQ(LogScrubber::mask_card_numbers(R"({"number":"378282246310005"})"),
            R"({"number":"***********0005"})");
  // Luhn-invalid runs are masked too: being wrong costs only a less readable log.
  EXPECT_EQ(LogScrubber::mask_card_numbers("1234567890123"), "*********0123");
  EXPECT_EQ(LogScrubber::mask_card_numbers("x=4000002760003184&y=2"), "x=************3184&y=2");
}

TEST(LogScrubber, LeavesShortNumbersAlone) {
  for (const char* keep : {"amount=1000&currency=usd", "2024-01-15T10:00:00Z", "+1 555-123-4567",
                           "123456789012", "cvc 123 exp 12/30", "a 1  2"}) {
    EXPECT_EQ(LogScrubber::mask_card_numbers(keep), keep);
  }
}

TEST(LogScrubber, SeparatorsMustSitBetweenDigits) {
  // Double spaces break the run: 8 + 8 digits are two short runs.
  EXPECT_EQ(LogScrubber::mask_card_numbers("42424242  42424242"), "42424242  42424242");
  EXPECT_EQ(LogScrubber::mask_card_numbers("4242424242424242-"), "************4242-");
}

TEST(LogScrubber, BodyIsScrubbedThenTruncated) {
  const LogScrubber s({"supersecretvalue"}, 16);
  EXPECT_EQ(s.body("short"), "short");
  const std::string body = "0123456789abcdesupersecretvalue tail";
  const auto out = s.body(body);
  EXPECT_EQ(out.find("supersec"), std::string::npos);
  EXPECT_EQ(out.rfind("0123456789abcde[", 0), 0U) << out;
  EXPECT_NE(out.find("truncated]"), std::string::npos);
}

TEST(LogScrubber, DefaultBodyLimitIsTwoKiB) {
  const LogScrubber s;
  const auto out = s.body(std::string(10000, 'a'));
  EXPECT_EQ(out.substr(0, 2048), std::string(2048, 'a'));
  EXPECT_EQ(out.substr(2048), "...[7952 bytes truncated]");
}

TEST(LogScrubber, UrlLosesUserinfoQueryValuesAndFragment) {
  const LogScrubber s({"sk_test_abcdef"});
  EXPECT_EQ(s.url("https://user:pw@api.example.com:8443/v1/charges?key=sk_test_abcdef&x=1#frag"),
            "https://api.example.com:8443/v1/charges?key=[REDACTED]&x=[REDACTED]");
  EXPECT_EQ(s.url("https://api.example.com/v1/cards/4242424242424242"),
            "https://api.example.com/v1/cards/************4242");
  EXPECT_EQ(s.url("https://api.example.com/v1/keys/sk_test_abcdef/x"),
            "https://api.example.com/v1/keys/[REDACTED]/x");
  EXPECT_EQ(s.url("https://api.example.com"), "https://api.example.com");
  EXPECT_EQ(s.url("https://api.example.com/p?flag"), "https://api.example.com/p?flag");
}

}  // namespace
}  // namespace payd::plugins
