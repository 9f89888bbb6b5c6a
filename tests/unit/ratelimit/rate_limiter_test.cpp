// RateLimiter: isolation between subjects and classes, bounded memory, reconfiguration.

#include "security/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace payd::security {
namespace {

using config::RateClass;
using config::RateLimitConfig;
using std::chrono::minutes;
using std::chrono::seconds;

struct FakeClock {
  Clock::time_point now{};
  RateLimiter::Now fn() {
    return [this] { return now; };
  }
};

RateLimitConfig small_config() {
  RateLimitConfig c;
  c.classes[static_cast<std::size_t>(RateClass::checkout_create)] = {2, seconds{2}, 2};
  c.classes[static_cast<std::size_t>(RateClass::refunds)] = {1, minutes{1}, 1};
  return c;
}

TEST(RateLimiter, SubjectsAreIsolated) {
  FakeClock clock;
  RateLimiter limiter(small_config(), clock.fn());
  EXPECT_TRUE(limiter.take(RateClass::checkout_create, "tenant_a").allowed);
  EXPECT_TRUE(limiter.take(RateClass::checkout_create, "tenant_a").allowed);
  EXPECT_FALSE(limiter.take(RateClass::checkout_create, "tenant_a").allowed);
  EXPECT_TRUE(limiter.take(RateClass::checkout_create, "tenant_b").allowed);
}

TEST(RateLimiter, ClassesAreIsolated) {
  FakeClock clock;
  RateLimiter limiter(small_config(), clock.fn());
  EXPECT_TRUE(limiter.take(RateClass::refunds, "t").allowed);
  EXPECT_FALSE(limiter.take(RateClass::refunds, "t").allowed);
  EXPECT_TRUE(limiter.take(RateClass::checkout_create, "t").allowed);
  EXPECT_TRUE(limiter.take(RateClass::general, "t").allowed);
}

TEST(RateLimiter, RefillsWithTheClock) {
  FakeClock clock;
  RateLimiter limiter(small_config(), clock.fn());
  limiter.take(RateClass::checkout_create, "t");
  limiter.take(RateClass::checkout_create, "t");
  const auto denied = limiter.take(RateClass::checkout_create, "t");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, 1U);
  clock.now += seconds{1};
  EXPECT_TRUE(limiter.take(RateClass::checkout_create, "t").allowed);
  EXPECT_FALSE(limiter.take(RateClass::checkout_create, "t").allowed);
}

TEST(RateLimiter, PeekCreatesNoBucket) {
  FakeClock clock;
  RateLimiter limiter(small_config(), clock.fn());
  EXPECT_TRUE(limiter.peek(RateClass::auth_failures, "198.51.100.7").allowed);
  EXPECT_EQ(limiter.size(), 0U);
}

TEST(RateLimiter, AuthFailureBudget) {
  FakeClock clock;
  RateLimiter limiter(RateLimitConfig{}, clock.fn());  // 10 per minute
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(limiter.peek(RateClass::auth_failures, "ip").allowed) << i;
    limiter.take(RateClass::auth_failures, "ip");
  }
  const auto s = limiter.peek(RateClass::auth_failures, "ip");
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.retry_after, 6U);
  EXPECT_TRUE(limiter.peek(RateClass::auth_failures, "other-ip").allowed);
}

TEST(RateLimiter, MemoryStaysBoundedUnderAFloodOfSubjects) {
  FakeClock clock;
  auto cfg = small_config();
  cfg.max_buckets = 1600;  // 100 per shard
  RateLimiter limiter(cfg, clock.fn());
  for (int i = 0; i < 50'000; ++i) {
    clock.now += std::chrono::microseconds{1};
    limiter.take(RateClass::refunds, "client-" + std::to_string(i));  // never full for a minute
  }
  EXPECT_LE(limiter.size(), 1600U);
  EXPECT_GT(limiter.size(), 100U);
}

TEST(RateLimiter, EvictionDropsFullBucketsFirst) {
  FakeClock clock;
  auto cfg = small_config();
  cfg.max_buckets = 160;  // ten per shard
  RateLimiter limiter(cfg, clock.fn());
  // An exhausted subject keeps its bucket while others' buckets are full (refilled) and go.
  limiter.take(RateClass::refunds, "abuser");
  for (int i = 0; i < 200; ++i) {
    clock.now += minutes{2};  // every earlier bucket but the abuser's is full again
    limiter.take(RateClass::refunds, "abuser");
    limiter.take(RateClass::checkout_create, "t" + std::to_string(i));
  }
  EXPECT_LE(limiter.size(), 160U);
  // The abuser spent its token just now: it must still be refused.
  EXPECT_FALSE(limiter.take(RateClass::refunds, "abuser").allowed);
}

TEST(RateLimiter, ReconfigureKeepsBucketsAndAppliesNewLimits) {
  FakeClock clock;
  RateLimiter limiter(small_config(), clock.fn());
  limiter.take(RateClass::checkout_create, "t");
  limiter.take(RateClass::checkout_create, "t");
  ASSERT_FALSE(limiter.take(RateClass::checkout_create, "t").allowed);
  auto bigger = small_config();
  bigger.classes[static_cast<std::size_t>(RateClass::checkout_create)] = {5, seconds{2}, 5};
  limiter.reconfigure(bigger);
  EXPECT_EQ(limiter.size(), 1U);
  // Still exhausted (the fraction left was 0), but now refills at 2.5 tokens per second.
  auto s = limiter.take(RateClass::checkout_create, "t");
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.limit, 5U);
  clock.now += std::chrono::milliseconds{400};
  EXPECT_TRUE(limiter.take(RateClass::checkout_create, "t").allowed);
  // A new subject gets the new burst.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.take(RateClass::checkout_create, "u").allowed);
  EXPECT_FALSE(limiter.take(RateClass::checkout_create, "u").allowed);
  EXPECT_EQ(limiter.config(), bigger);
}

TEST(RateLimiter, NewLimitAppliesFromTheReloadNotFromTheNextRequest) {
  FakeClock clock;
  RateLimiter limiter(small_config(), clock.fn());
  ASSERT_TRUE(limiter.take(RateClass::refunds, "t").allowed);
  ASSERT_FALSE(limiter.take(RateClass::refunds, "t").allowed);  // 1 per minute: empty
  auto faster = small_config();
  faster.classes[static_cast<std::size_t>(RateClass::refunds)] = {10, seconds{1}, 10};
  limiter.reconfigure(faster);
  // Untouched for 0.5 s after the reload: it refilled at the new rate meanwhile.
  clock.now += std::chrono::milliseconds{500};
  const auto s = limiter.take(RateClass::refunds, "t");
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.remaining, 4U);
}

TEST(ClientSubject, IPv4AsIs) {
  EXPECT_EQ(client_subject("203.0.113.9"), "203.0.113.9");
}

TEST(ClientSubject, IPv6ByPrefix64) {
  EXPECT_EQ(client_subject("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_subject("2001:db8:1:2::1"), client_subject("2001:db8:1:2:ffff::9"));
  EXPECT_NE(client_subject("2001:db8:1:2::1"), client_subject("2001:db8:1:3::1"));
}

TEST(ClientSubject, MappedIPv4IsTheIPv4) {
  EXPECT_EQ(client_subject("::ffff:198.51.100.4"), "198.51.100.4");
}

TEST(ClientSubject, NonAddressVerbatim) {
  EXPECT_EQ(client_subject("unix"), "unix");
}

}  // namespace
}  // namespace payd::security
