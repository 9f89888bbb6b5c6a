// The rules of checkout sessions and payment links (core/checkout_rules.hpp).
#include <gtest/gtest.h>

#include <set>

#include "core/checkout_rules.hpp"

namespace payd::core {
namespace {

using sdk::PaymentStatus;

constexpr std::int64_t kNow = 1'700'000'000;

TEST(CheckoutStatus, FollowsThePayment) {
  const std::int64_t later = kNow + 600;
  EXPECT_EQ(checkout_status(PaymentStatus::requires_action, later, kNow), CheckoutStatus::pending);
  EXPECT_EQ(checkout_status(PaymentStatus::processing, later, kNow), CheckoutStatus::pending);
  EXPECT_EQ(checkout_status(PaymentStatus::requires_capture, later, kNow),
            CheckoutStatus::completed);
  EXPECT_EQ(checkout_status(PaymentStatus::succeeded, later, kNow), CheckoutStatus::completed);
  EXPECT_EQ(checkout_status(PaymentStatus::expired, later, kNow), CheckoutStatus::expired);
  EXPECT_EQ(checkout_status(PaymentStatus::canceled, later, kNow), CheckoutStatus::canceled);
  EXPECT_EQ(checkout_status(PaymentStatus::failed, later, kNow), CheckoutStatus::failed);
}

TEST(CheckoutStatus, AWaitingPaymentExpiresWithTheSession) {
  EXPECT_EQ(checkout_status(PaymentStatus::requires_action, kNow, kNow), CheckoutStatus::expired);
  EXPECT_EQ(checkout_status(PaymentStatus::requires_action, kNow - 1, kNow),
            CheckoutStatus::expired);
  // A payment being settled is not expired: the customer already answered.
  EXPECT_EQ(checkout_status(PaymentStatus::processing, kNow - 1, kNow), CheckoutStatus::pending);
  // What the customer did wins over the clock.
  EXPECT_EQ(checkout_status(PaymentStatus::succeeded, kNow - 1, kNow), CheckoutStatus::completed);
  EXPECT_EQ(checkout_status(PaymentStatus::failed, kNow - 1, kNow), CheckoutStatus::failed);
}

TEST(CheckoutStatus, Names) {
  EXPECT_EQ(to_string(CheckoutStatus::pending), "pending");
  EXPECT_EQ(to_string(CheckoutStatus::completed), "completed");
  EXPECT_EQ(to_string(CheckoutStatus::expired), "expired");
  EXPECT_EQ(to_string(CheckoutStatus::canceled), "canceled");
  EXPECT_EQ(to_string(CheckoutStatus::failed), "failed");
}

TEST(CheckoutStatus, RemainingSecondsOnlyWhilePending) {
  EXPECT_EQ(remaining_seconds(CheckoutStatus::pending, kNow + 90, kNow), 90);
  EXPECT_EQ(remaining_seconds(CheckoutStatus::pending, kNow - 5, kNow), 0);
  EXPECT_EQ(remaining_seconds(CheckoutStatus::completed, kNow + 90, kNow), 0);
  EXPECT_EQ(remaining_seconds(CheckoutStatus::canceled, kNow + 90, kNow), 0);
}

TEST(LinkSlug, MatchesTheTableCheck) {
  for (const char* ok : {"abc", "summer-promo", "0day", "a--", "x1-2-3",
                         "a123456789012345678901234567890123456789012345678901234567890123"}) {
    EXPECT_TRUE(is_valid_slug(ok)) << ok;
  }
  for (const char* bad : {"", "ab", "-abc", "Abc", "ab_c", "ab c", "abc/", "ab.c", "äbc",
                          "a1234567890123456789012345678901234567890123456789012345678901234"}) {
    EXPECT_FALSE(is_valid_slug(bad)) << bad;
  }
}

TEST(LinkSlug, GeneratedSlugsAreValidAndDistinct) {
  std::set<std::string> seen;
  std::set<char> chars;
  for (int i = 0; i < 500; ++i) {
    const auto slug = new_slug();
    EXPECT_TRUE(is_valid_slug(slug)) << slug;
    ASSERT_EQ(slug.size(), 21U);
    EXPECT_EQ(slug.substr(0, 5), "link-");
    for (char c : slug.substr(5)) chars.insert(c);
    seen.insert(slug);
  }
  EXPECT_EQ(seen.size(), 500U);
  EXPECT_EQ(chars.size(), 36U);  // every digit and lower-case letter turns up
}

TEST(LinkAvailability, ActiveUnexpiredBelowLimitCanPay) {
  const auto a = link_availability({true, kNow + 1, 3, 2}, kNow);
  EXPECT_FALSE(a.is_expired);
  EXPECT_FALSE(a.usage_limit_reached);
  EXPECT_TRUE(a.can_pay);
  EXPECT_EQ(link_refusal({true, kNow + 1, 3, 2}, kNow), std::nullopt);
  EXPECT_TRUE(link_availability({true, std::nullopt, std::nullopt, 1'000'000}, kNow).can_pay);
}

TEST(LinkAvailability, EachReasonAndItsOrder) {
  EXPECT_EQ(link_refusal({false, kNow - 1, 1, 1}, kNow), LinkRefusal::inactive);
  EXPECT_EQ(link_refusal({true, kNow, 1, 1}, kNow), LinkRefusal::expired);
  EXPECT_EQ(link_refusal({true, std::nullopt, 2, 2}, kNow), LinkRefusal::usage_limit_reached);
  const auto a = link_availability({false, kNow, 2, 2}, kNow);
  EXPECT_TRUE(a.is_expired);
  EXPECT_TRUE(a.usage_limit_reached);
  EXPECT_FALSE(a.can_pay);
}

TEST(LinkAvailability, RefusalsAre409sWithStableCodes) {
  for (auto [refusal, code] :
       {std::pair{LinkRefusal::inactive, "LINK_INACTIVE"},
        std::pair{LinkRefusal::expired, "LINK_EXPIRED"},
        std::pair{LinkRefusal::usage_limit_reached, "LINK_USAGE_LIMIT_REACHED"}}) {
    const auto e = link_refusal_error(refusal);
    EXPECT_EQ(e.status, 409);
    EXPECT_EQ(e.code, code);
    EXPECT_FALSE(e.message.empty());
  }
}

}  // namespace
}  // namespace payd::core
