// The database-free pieces of api/idempotency.hpp: key syntax, fingerprint, which
// statuses release a key, which headers are replayed.

#include <gtest/gtest.h>

#include <string>

#include "api/idempotency.hpp"

namespace payd::api {
namespace {

TEST(IdempotencyKeySyntax, AcceptsPrintableAsciiUpTo255) {
  EXPECT_TRUE(is_valid_idempotency_key("a"));
  EXPECT_TRUE(is_valid_idempotency_key("order_123-attempt:1 {x}~"));
  EXPECT_TRUE(is_valid_idempotency_key(std::string(255, 'k')));
  EXPECT_TRUE(is_valid_idempotency_key("550e8400-e29b-41d4-a716-446655440000"));
}

TEST(IdempotencyKeySyntax, RejectsEmptyTooLongControlAndNonAscii) {
  EXPECT_FALSE(is_valid_idempotency_key(""));
  EXPECT_FALSE(is_valid_idempotency_key(std::string(256, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key("tab\there"));
  EXPECT_FALSE(is_valid_idempotency_key("nul" + std::string(1, '\0')));
  EXPECT_FALSE(is_valid_idempotency_key("del\x7f"));
  EXPECT_FALSE(is_valid_idempotency_key("caf\xc3\xa9"));
}

TEST(IdempotencyFingerprint, IsSha256OfMethodTargetAndBody) {
  const auto f = idempotency_fingerprint("POST", "/api/v1/payments", R"({"amount":1})");
  EXPECT_EQ(f.size(), 32U);
  EXPECT_EQ(f, idempotency_fingerprint("POST", "/api/v1/payments", R"({"amount":1})"));
  EXPECT_NE(f, idempotency_fingerprint("POST", "/api/v1/payments", R"({"amount":2})"));
  EXPECT_NE(f, idempotency_fingerprint("PUT", "/api/v1/payments", R"({"amount":1})"));
  EXPECT_NE(f, idempotency_fingerprint("POST", "/api/v1/refunds", R"({"amount":1})"));
  EXPECT_NE(f, idempotency_fingerprint("POST", "/api/v1/payments?expand=x", R"({"amount":1})"));
}

TEST(IdempotencyFingerprint, FieldsAreLengthPrefixed) {
  // Moving bytes from one field to the next must change the fingerprint.
  EXPECT_NE(idempotency_fingerprint("POST", "/a", "b"), idempotency_fingerprint("POST", "/ab", ""));
  EXPECT_NE(idempotency_fingerprint("POS", "T/a", ""), idempotency_fingerprint("POST", "/a", ""));
  EXPECT_NE(idempotency_fingerprint("POST", "", ""), idempotency_fingerprint("", "POST", ""));
}

TEST(IdempotencyRelease, OnlyResponsesWhereNothingStartedReleaseTheKey) {
  for (int status : {400, 401, 403, 404, 409, 429, 503}) {
    EXPECT_TRUE(releases_idempotency_key(status)) << status;
  }
  for (int status : {200, 201, 202, 204, 402, 422, 500, 502, 504}) {
    EXPECT_FALSE(releases_idempotency_key(status)) << status;
  }
}

TEST(IdempotencyReplayHeaders, DropsPerResponseFields) {
  EXPECT_TRUE(replays_header("Content-Type"));
  EXPECT_TRUE(replays_header("Location"));
  EXPECT_TRUE(replays_header("X-Payd-Something"));
  for (const char* h :
       {"Content-Length", "content-length", "Date", "Connection", "Keep-Alive", "Transfer-Encoding",
        "X-Request-Id", "x-request-id", "Retry-After", "Idempotent-Replayed", "RateLimit-Limit",
        "ratelimit-remaining", "RateLimit-Reset", "RateLimit"}) {
    EXPECT_FALSE(replays_header(h)) << h;
  }
}

}  // namespace
}  // namespace payd::api
