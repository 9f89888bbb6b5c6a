// TokenBucket on a fake clock: burst, continuous refill, and the exact numbers the
// RateLimit-* headers and Retry-After are made of.

#include "security/token_bucket.hpp"

#include <gtest/gtest.h>

namespace payd::security {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::time_point t0{};

BucketLimit per_minute(std::uint64_t n) {
  return {n, microseconds{60'000'000}, n};
}

TEST(TokenBucket, StartsFullAndAllowsTheBurst) {
  TokenBucket b(per_minute(10), t0);
  for (std::uint64_t i = 0; i < 10; ++i) {
    const auto s = b.take(t0);
    EXPECT_TRUE(s.allowed) << i;
    EXPECT_EQ(s.limit, 10U);
    EXPECT_EQ(s.remaining, 9 - i);
  }
  const auto denied = b.take(t0);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0U);
  EXPECT_EQ(denied.retry_after, 6U);  // one token per 6 s
  EXPECT_EQ(denied.reset, 60U);       // full again after 60 s
}

TEST(TokenBucket, RefillsContinuouslyAndExactly) {
  TokenBucket b(per_minute(10), t0);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(b.take(t0).allowed);
  // 5.999999 s: not yet a whole token; Retry-After rounds the 1 µs left up to 1 s.
  auto s = b.take(t0 + microseconds{5'999'999});
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.retry_after, 1U);
  EXPECT_EQ(s.reset, 55U);  // 54.000001 s to full, rounded up
  s = b.take(t0 + seconds{6});
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.remaining, 0U);
  EXPECT_EQ(s.reset, 60U);
}

TEST(TokenBucket, NoDriftOverManySmallSteps) {
  // 3 tokens per 7 s: one token every 2.333.. s, a period that is no whole number of µs.
  TokenBucket b({3, microseconds{7'000'000}, 3}, t0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(b.take(t0).allowed);
  // Poll every 1 ms (with a 0.4 µs remainder each time on a ns clock) for 7 s: exactly three
  // more tokens must have come.
  int allowed = 0;
  for (int ms = 1; ms <= 7000; ++ms) {
    if (b.take(t0 + milliseconds{ms} + std::chrono::nanoseconds{400}).allowed) ++allowed;
  }
  EXPECT_EQ(allowed, 3);
}

TEST(TokenBucket, RemainingAndResetWhilePartlyUsed) {
  TokenBucket b({2, microseconds{2'000'000}, 2}, t0);  // 2 per 2 s
  auto s = b.take(t0);
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.remaining, 1U);
  EXPECT_EQ(s.reset, 1U);
  s = b.take(t0 + milliseconds{500});  // 0.5 token came back: level 1.5 -> 0.5
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.remaining, 0U);
  EXPECT_EQ(s.reset, 2U);  // 1.5 tokens missing = 1.5 s, rounded up
  s = b.take(t0 + milliseconds{600});
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.retry_after, 1U);  // 0.4 s to a token
}

TEST(TokenBucket, BurstAboveRate) {
  TokenBucket b({100, microseconds{1'000'000}, 200}, t0);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(b.take(t0).allowed) << i;
  const auto s = b.take(t0);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.retry_after, 1U);  // 10 ms, never below 1 s in the header
  EXPECT_EQ(s.reset, 2U);
  EXPECT_TRUE(b.take(t0 + milliseconds{10}).allowed);
}

TEST(TokenBucket, CapsAtBurstAfterLongIdle) {
  TokenBucket b(per_minute(5), t0);
  ASSERT_TRUE(b.take(t0).allowed);
  const auto later = t0 + std::chrono::hours{24 * 365};
  EXPECT_TRUE(b.full(later));
  EXPECT_EQ(b.peek(later).remaining, 5U);
}

TEST(TokenBucket, PeekSpendsNothing) {
  TokenBucket b(per_minute(1), t0);
  EXPECT_TRUE(b.peek(t0).allowed);
  EXPECT_TRUE(b.peek(t0).allowed);
  EXPECT_TRUE(b.take(t0).allowed);
  const auto s = b.peek(t0);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.retry_after, 60U);
}

TEST(TokenBucket, ClockGoingBackwardsAddsNothing) {
  TokenBucket b(per_minute(1), t0 + seconds{10});
  ASSERT_TRUE(b.take(t0 + seconds{10}).allowed);
  EXPECT_FALSE(b.take(t0).allowed);
}

TEST(TokenBucket, ChangeLimitKeepsTheFractionLeft) {
  TokenBucket b(per_minute(10), t0);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(b.take(t0).allowed);  // half left
  b.change_limit(per_minute(20), t0);
  EXPECT_EQ(b.peek(t0).remaining, 10U);
  EXPECT_EQ(b.peek(t0).limit, 20U);
  b.change_limit(per_minute(2), t0);
  EXPECT_EQ(b.peek(t0).remaining, 1U);
}

TEST(TokenBucket, ExhaustedStaysExhaustedAcrossAChange) {
  TokenBucket b(per_minute(3), t0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(b.take(t0).allowed);
  b.change_limit(per_minute(100), t0);
  EXPECT_FALSE(b.take(t0).allowed);
}

}  // namespace
}  // namespace payd::security
