// The reconciler's pure rules: when a processing payment's outcome counts as uncertain
// (so a follow-up syncs first), and the backoff between runs of an unsettled job.
#include <gtest/gtest.h>

#include "core/payment_service_support.hpp"
#include "core/reconciler.hpp"

namespace payd::core {
namespace {

using namespace std::chrono_literals;
using sdk::Operation;
using sdk::OutcomeKind;

constexpr std::int64_t kNow = 1'900'000'000'000'000;  // unix microseconds

store::AttemptRecord attempt(Operation op, std::optional<OutcomeKind> outcome, std::int64_t age_us,
                             std::string refund_id = {}) {
  store::AttemptRecord a;
  a.operation = op;
  a.outcome = outcome;
  a.started_at_us = kNow - age_us;
  a.refund_id = std::move(refund_id);
  return a;
}

TEST(OutcomeUncertain, UnknownAndPendingAnswersAreUncertain) {
  EXPECT_TRUE(detail::outcome_uncertain({attempt(Operation::authorize, OutcomeKind::unknown, 1)},
                                        kNow, 120s));
  EXPECT_TRUE(detail::outcome_uncertain({attempt(Operation::capture, OutcomeKind::pending, 1)},
                                        kNow, 120s));
}

TEST(OutcomeUncertain, DefiniteAnswersAreNot) {
  for (auto kind : {OutcomeKind::processed, OutcomeKind::declined, OutcomeKind::not_attempted}) {
    EXPECT_FALSE(detail::outcome_uncertain({attempt(Operation::authorize, kind, 1)}, kNow, 120s));
  }
}

TEST(OutcomeUncertain, AnUnansweredCallIsInFlightUntilTheTimeoutThenLost) {
  EXPECT_FALSE(detail::outcome_uncertain({attempt(Operation::capture, std::nullopt, 119'000'000)},
                                         kNow, 120s));
  EXPECT_TRUE(detail::outcome_uncertain({attempt(Operation::capture, std::nullopt, 121'000'000)},
                                        kNow, 120s));
}

TEST(OutcomeUncertain, OnlyTheLastPaymentOperationCountsAndRefundsAreIgnored) {
  // An old unknown authorize, settled by a later sync: certain.
  EXPECT_FALSE(detail::outcome_uncertain({attempt(Operation::authorize, OutcomeKind::unknown, 9),
                                          attempt(Operation::sync, OutcomeKind::processed, 5)},
                                         kNow, 120s));
  // A refund's unknown answer does not make the payment uncertain.
  EXPECT_FALSE(
      detail::outcome_uncertain({attempt(Operation::authorize, OutcomeKind::processed, 9),
                                 attempt(Operation::refund, OutcomeKind::unknown, 5, "re_1")},
                                kNow, 120s));
  EXPECT_FALSE(detail::outcome_uncertain({}, kNow, 120s));
}

TEST(ReconcilerBackoff, DoublesFromTheFirstDelayUpToTheCap) {
  ReconcilerOptions o;
  o.first_backoff = 10s;
  o.max_backoff = 3600s;
  EXPECT_EQ(Reconciler::backoff(1, o), 10s);
  EXPECT_EQ(Reconciler::backoff(2, o), 20s);
  EXPECT_EQ(Reconciler::backoff(3, o), 40s);
  EXPECT_EQ(Reconciler::backoff(9, o), 2560s);
  EXPECT_EQ(Reconciler::backoff(10, o), 3600s);
  EXPECT_EQ(Reconciler::backoff(1'000'000, o), 3600s);  // no overflow
  EXPECT_EQ(Reconciler::backoff(0, o), 10s);
}

}  // namespace
}  // namespace payd::core
