#include <gtest/gtest.h>

#include <array>

#include "core/payment_states.hpp"
#include "payd/sdk/names.hpp"

namespace payd::core {
namespace {

using P = sdk::PaymentStatus;
using R = sdk::RefundStatus;

constexpr std::array kPaymentStatuses = {P::requires_action, P::processing, P::requires_capture,
                                         P::succeeded,       P::canceled,   P::failed,
                                         P::expired};
constexpr std::array kRefundStatuses = {R::pending, R::succeeded, R::failed, R::canceled};

// The whole machine, written out: kExpected[from][to], in kPaymentStatuses order.
// Same-state (the diagonal) is the allowed no-op.
// clang-format off
constexpr bool kExpected[7][7] = {
  //                  req_act proc req_cap succ cancel fail expired
  /* requires_action */ {1,     1,   1,      1,   1,     1,   1},
  /* processing      */ {1,     1,   1,      1,   1,     1,   1},
  /* requires_capture*/ {0,     1,   1,      1,   1,     1,   0},
  /* succeeded       */ {0,     0,   0,      1,   0,     0,   0},
  /* canceled        */ {0,     0,   0,      0,   1,     0,   0},
  /* failed          */ {0,     0,   0,      0,   0,     1,   0},
  /* expired         */ {0,     0,   0,      0,   0,     0,   1},
};
constexpr bool kExpectedRefund[4][4] = {
  //            pending succ fail cancel
  /* pending   */ {1,   1,   1,   1},
  /* succeeded */ {0,   1,   0,   0},
  /* failed    */ {0,   0,   1,   0},
  /* canceled  */ {0,   0,   0,   1},
};
// clang-format on

TEST(PaymentStates, EveryPairMatchesTheExpectedMatrix) {
  for (std::size_t f = 0; f < kPaymentStatuses.size(); ++f) {
    for (std::size_t t = 0; t < kPaymentStatuses.size(); ++t) {
      EXPECT_EQ(payment_transition_allowed(kPaymentStatuses[f], kPaymentStatuses[t]),
                kExpected[f][t])
          << sdk::to_string(kPaymentStatuses[f]) << " -> " << sdk::to_string(kPaymentStatuses[t]);
    }
  }
}

TEST(PaymentStates, TheTableListsExactlyTheOffDiagonalPairsInEnumOrder) {
  std::size_t expected_changes = 0;
  for (std::size_t f = 0; f < 7; ++f) {
    for (std::size_t t = 0; t < 7; ++t) expected_changes += (f != t && kExpected[f][t]) ? 1 : 0;
  }
  const auto table = payment_transitions();
  EXPECT_EQ(table.size(), expected_changes);
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_NE(table[i].from, table[i].to);
    if (i > 0) {
      const auto& a = table[i - 1];
      const auto& b = table[i];
      EXPECT_TRUE(a.from < b.from || (a.from == b.from && a.to < b.to)) << i;
    }
  }
}

TEST(PaymentStates, TerminalStatusesHaveNoWayOut) {
  for (std::size_t f = 0; f < kPaymentStatuses.size(); ++f) {
    bool any_exit = false;
    for (std::size_t t = 0; t < kPaymentStatuses.size(); ++t) any_exit |= f != t && kExpected[f][t];
    EXPECT_EQ(is_terminal(kPaymentStatuses[f]), !any_exit) << sdk::to_string(kPaymentStatuses[f]);
  }
  EXPECT_TRUE(is_terminal(P::succeeded));
  EXPECT_TRUE(is_terminal(P::failed));
  EXPECT_TRUE(is_terminal(P::canceled));
  EXPECT_TRUE(is_terminal(P::expired));
  EXPECT_FALSE(is_terminal(P::requires_action));
  EXPECT_FALSE(is_terminal(P::processing));
  EXPECT_FALSE(is_terminal(P::requires_capture));
}

TEST(RefundStates, EveryPairMatchesTheExpectedMatrix) {
  for (std::size_t f = 0; f < kRefundStatuses.size(); ++f) {
    for (std::size_t t = 0; t < kRefundStatuses.size(); ++t) {
      EXPECT_EQ(refund_transition_allowed(kRefundStatuses[f], kRefundStatuses[t]),
                kExpectedRefund[f][t])
          << sdk::to_string(kRefundStatuses[f]) << " -> " << sdk::to_string(kRefundStatuses[t]);
    }
  }
  EXPECT_EQ(refund_transitions().size(), 3U);
  EXPECT_FALSE(is_terminal(R::pending));
  EXPECT_TRUE(is_terminal(R::succeeded));
  EXPECT_TRUE(is_terminal(R::failed));
  EXPECT_TRUE(is_terminal(R::canceled));
}

void expect_invalid_state(const Result<void, http::ApiError>& r, P status) {
  ASSERT_FALSE(r.ok()) << sdk::to_string(status);
  EXPECT_EQ(r.error().status, 409);
  EXPECT_EQ(r.error().type, http::ErrorType::invalid_request);
  EXPECT_EQ(r.error().code, "PAYMENT_INVALID_STATE");
  EXPECT_FALSE(r.error().param.has_value());
  EXPECT_NE(r.error().message.find("status is " + std::string(sdk::to_string(status))),
            std::string::npos)
      << r.error().message;
}

void expect_amount_error(const Result<void, http::ApiError>& r, std::string_view code) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().code, code);
  EXPECT_EQ(r.error().param, "amount");
}

TEST(CheckCapture, OnlyRequiresCapture) {
  for (P s : kPaymentStatuses) {
    auto r = check_capture(s, 1000, 1000);
    if (s == P::requires_capture) {
      EXPECT_TRUE(r.ok());
    } else {
      expect_invalid_state(r, s);
    }
  }
}

TEST(CheckCapture, AmountBoundaries) {
  EXPECT_TRUE(check_capture(P::requires_capture, 1000, 1).ok());
  EXPECT_TRUE(check_capture(P::requires_capture, 1000, 999).ok());
  EXPECT_TRUE(check_capture(P::requires_capture, 1000, 1000).ok());
  auto over = check_capture(P::requires_capture, 1000, 1001);
  expect_amount_error(over, "AMOUNT_TOO_LARGE");
  EXPECT_NE(over.error().message.find("1000"), std::string::npos);
  expect_amount_error(check_capture(P::requires_capture, 1000, 0), "INVALID_AMOUNT");
  expect_amount_error(check_capture(P::requires_capture, 1000, -1), "INVALID_AMOUNT");
  expect_amount_error(check_capture(P::requires_capture, 0, 1), "AMOUNT_TOO_LARGE");
  // The state is reported before the amount.
  expect_invalid_state(check_capture(P::succeeded, 1000, 5000), P::succeeded);
}

TEST(CheckCancel, OnlyRequiresActionAndRequiresCapture) {
  for (P s : kPaymentStatuses) {
    auto r = check_cancel(s);
    if (s == P::requires_action || s == P::requires_capture) {
      EXPECT_TRUE(r.ok()) << sdk::to_string(s);
    } else {
      expect_invalid_state(r, s);
    }
  }
  EXPECT_NE(check_cancel(P::processing).error().message.find("may still complete"),
            std::string::npos);
}

TEST(CheckRefund, NeedsReceivedMoney) {
  for (P s : kPaymentStatuses) {
    auto with_nothing = check_refund(s, 0, 0, 1);
    if (s == P::succeeded) {
      // Succeeded but nothing received: allowed state, but nothing to refund.
      expect_amount_error(with_nothing, "AMOUNT_TOO_LARGE");
    } else {
      expect_invalid_state(with_nothing, s);
    }
    // Money received (e.g. a partial capture) makes any status refundable.
    EXPECT_TRUE(check_refund(s, 1000, 0, 1000).ok()) << sdk::to_string(s);
  }
}

TEST(CheckRefund, ArithmeticAtTheBoundaries) {
  EXPECT_TRUE(check_refund(P::succeeded, 1000, 0, 1).ok());
  EXPECT_TRUE(check_refund(P::succeeded, 1000, 0, 1000).ok());
  EXPECT_TRUE(check_refund(P::succeeded, 1000, 400, 600).ok());
  auto over = check_refund(P::succeeded, 1000, 400, 601);
  expect_amount_error(over, "AMOUNT_TOO_LARGE");
  EXPECT_NE(over.error().message.find("refundable remainder of 600"), std::string::npos)
      << over.error().message;
  auto fully_refunded = check_refund(P::succeeded, 1000, 1000, 1);
  expect_amount_error(fully_refunded, "AMOUNT_TOO_LARGE");
  EXPECT_NE(fully_refunded.error().message.find("remainder of 0"), std::string::npos);
  expect_amount_error(check_refund(P::succeeded, 1000, 0, 0), "INVALID_AMOUNT");
  expect_amount_error(check_refund(P::succeeded, 1000, 0, -5), "INVALID_AMOUNT");
}

TEST(CheckRefund, InconsistentAmountsNeverOverflowOrGoNegative) {
  // More refunded than received: nothing is left.
  expect_amount_error(check_refund(P::succeeded, 1000, 5000, 1), "AMOUNT_TOO_LARGE");
  // A negative refunded total counts as zero, never as extra room.
  EXPECT_TRUE(check_refund(P::succeeded, 1000, -5, 1000).ok());
  expect_amount_error(check_refund(P::succeeded, 1000, -5, 1001), "AMOUNT_TOO_LARGE");
  // received - refunded would overflow int64 here.
  EXPECT_TRUE(check_refund(P::succeeded, INT64_MAX, INT64_MIN, INT64_MAX).ok());
  expect_amount_error(check_refund(P::succeeded, -100, 0, 1), "AMOUNT_TOO_LARGE");
}

}  // namespace
}  // namespace payd::core
