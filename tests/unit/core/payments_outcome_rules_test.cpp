// The rules that turn a plugin's Outcome into payment and refund state (core/outcome_rules)
// and the service helpers with a rule of their own (card summary, paging).
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "core/outcome_rules.hpp"
#include "core/payment_service_support.hpp"

namespace payd::core {
namespace {

using sdk::CaptureMethod;
using sdk::Operation;
using sdk::OutcomeKind;
using P = sdk::PaymentStatus;
using R = sdk::RefundStatus;

store::PaymentRecord in_flight(CaptureMethod capture = CaptureMethod::automatic) {
  store::PaymentRecord p;
  p.id = "pay_test";
  p.amount = 1000;
  p.currency = "USD";
  p.capture_method = capture;
  p.status = P::processing;
  p.expires_at = 1'900'000'000;
  return p;
}

sdk::Outcome outcome(OutcomeKind kind, std::optional<P> status = std::nullopt) {
  sdk::Outcome o;
  o.kind = kind;
  o.status = status;
  return o;
}

TEST(AuthorizeOutcome, ProcessedAutomaticCaptureSucceedsWithTheWholeAmount) {
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize,
                                 outcome(OutcomeKind::processed), 1000);
  EXPECT_EQ(u.payment.status, P::succeeded);
  EXPECT_TRUE(u.status_changed);
  EXPECT_FALSE(u.needs_sync);
  EXPECT_EQ(u.payment.amount_received, 1000);
  EXPECT_EQ(u.payment.amount_capturable, 0);
  EXPECT_FALSE(u.payment.expires_at.has_value()) << "only requires_action payments expire";
  EXPECT_TRUE(u.payment.last_error.is_null());
}

TEST(AuthorizeOutcome, ProcessedManualCaptureWaitsForCapture) {
  auto u = apply_payment_outcome(in_flight(CaptureMethod::manual), P::processing,
                                 Operation::authorize, outcome(OutcomeKind::processed), 1000);
  EXPECT_EQ(u.payment.status, P::requires_capture);
  EXPECT_EQ(u.payment.amount_capturable, 1000);
  EXPECT_EQ(u.payment.amount_received, 0);
}

TEST(AuthorizeOutcome, CustomerActionKeepsTheRedirectAndTheExpiry) {
  auto o = outcome(OutcomeKind::pending, P::requires_action);
  o.next_action =
      sdk::NextAction{sdk::NextAction::Type::redirect, "https://bank.example/3ds", {}, {}};
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize, o, 1000);
  EXPECT_EQ(u.payment.status, P::requires_action);
  EXPECT_FALSE(u.needs_sync);
  ASSERT_TRUE(u.payment.next_action.is_object());
  EXPECT_EQ(u.payment.next_action.at("redirect_url"), "https://bank.example/3ds");
  EXPECT_TRUE(u.payment.expires_at.has_value());
}

TEST(AuthorizeOutcome, DeclineFailsThePaymentWithItsCodes) {
  auto o = outcome(OutcomeKind::declined);
  o.error = sdk::ErrorInfo{"card_declined", "card_declined", "insufficient_funds", "No funds."};
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize, o, 1000);
  EXPECT_EQ(u.payment.status, P::failed);
  EXPECT_EQ(u.payment.amount_received, 0);
  ASSERT_TRUE(u.payment.last_error.is_object());
  EXPECT_EQ(u.payment.last_error.at("decline_code"), "insufficient_funds");
}

TEST(AuthorizeOutcome, DeclineIgnoresAStatusThePluginClaims) {
  // Only processed and pending outcomes carry news; a declined "succeeded" is a plugin bug.
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize,
                                 outcome(OutcomeKind::declined, P::succeeded), 1000);
  EXPECT_EQ(u.payment.status, P::failed);
}

TEST(AuthorizeOutcome, NotAttemptedWithNoCandidateLeftFails) {
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize,
                                 outcome(OutcomeKind::not_attempted), 1000);
  EXPECT_EQ(u.payment.status, P::failed);
  EXPECT_FALSE(u.needs_sync);
}

TEST(AuthorizeOutcome, UnknownStaysProcessingAndAsksForASync) {
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize,
                                 outcome(OutcomeKind::unknown, P::failed), 1000);
  EXPECT_EQ(u.payment.status, P::processing) << "unknown never reports failure";
  EXPECT_FALSE(u.status_changed);
  EXPECT_TRUE(u.needs_sync);
}

TEST(AuthorizeOutcome, ProviderReferenceAndPluginStateAreKept) {
  auto o = outcome(OutcomeKind::processed);
  o.provider_ref = "pi_123";
  o.state = boost::json::object{{"token", "t1"}};
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize, o, 1000);
  EXPECT_EQ(u.payment.provider_ref, "pi_123");
  EXPECT_EQ(u.payment.plugin_state.at("token"), "t1");
}

TEST(AuthorizeOutcome, AmountsFromThePluginAreClampedToThePayment) {
  auto o = outcome(OutcomeKind::processed);
  o.amounts.received = 5000;  // more than the payment's amount: a confused plugin
  auto u = apply_payment_outcome(in_flight(), P::processing, Operation::authorize, o, 1000);
  EXPECT_EQ(u.payment.amount_received, 1000);
}

TEST(CaptureOutcome, PartialCaptureReceivesTheCapturedAmount) {
  auto p = in_flight(CaptureMethod::manual);
  p.amount_capturable = 1000;
  auto u = apply_payment_outcome(p, P::requires_capture, Operation::capture,
                                 outcome(OutcomeKind::processed), 600);
  EXPECT_EQ(u.payment.status, P::succeeded);
  EXPECT_EQ(u.payment.amount_received, 600);
  EXPECT_EQ(u.payment.amount_capturable, 0);
}

TEST(CaptureOutcome, DeclinedCaptureReturnsToRequiresCapture) {
  auto p = in_flight(CaptureMethod::manual);
  p.amount_capturable = 1000;
  auto o = outcome(OutcomeKind::declined);
  o.error = sdk::ErrorInfo{"capture_failed", "expired_authorization", "", "Too late."};
  auto u = apply_payment_outcome(p, P::requires_capture, Operation::capture, o, 1000);
  EXPECT_EQ(u.payment.status, P::requires_capture);
  EXPECT_EQ(u.payment.amount_capturable, 1000);
  EXPECT_EQ(u.payment.last_error.at("code"), "capture_failed");
}

TEST(CancelOutcome, ProcessedCancelCancels) {
  auto p = in_flight(CaptureMethod::manual);
  p.amount_capturable = 1000;
  auto u = apply_payment_outcome(p, P::requires_capture, Operation::cancel,
                                 outcome(OutcomeKind::processed), 0);
  EXPECT_EQ(u.payment.status, P::canceled);
  EXPECT_EQ(u.payment.amount_capturable, 0);
}

TEST(SyncOutcome, AStatusTheTableForbidsIsRefusedAndReported) {
  auto p = in_flight();
  p.status = P::succeeded;
  p.amount_received = 1000;
  auto u = apply_payment_outcome(p, P::succeeded, Operation::sync,
                                 outcome(OutcomeKind::processed, P::requires_capture), 0);
  EXPECT_EQ(u.payment.status, P::succeeded);
  ASSERT_TRUE(u.refused_status.has_value());
  EXPECT_EQ(*u.refused_status, P::requires_capture);
  EXPECT_EQ(u.payment.amount_received, 1000);
}

store::RefundRecord pending_refund() {
  store::RefundRecord r;
  r.id = "re_test";
  r.amount = 300;
  r.status = R::pending;
  return r;
}

TEST(RefundOutcome, ProcessedSucceedsAndKeepsTheReservation) {
  auto u = apply_refund_outcome(pending_refund(), outcome(OutcomeKind::processed));
  EXPECT_EQ(u.refund.status, R::succeeded);
  EXPECT_FALSE(u.release_reservation);
  EXPECT_FALSE(u.needs_sync);
}

TEST(RefundOutcome, DeclinedAndNotAttemptedFailAndGiveTheAmountBack) {
  for (auto kind : {OutcomeKind::declined, OutcomeKind::not_attempted}) {
    auto u = apply_refund_outcome(pending_refund(), outcome(kind));
    EXPECT_EQ(u.refund.status, R::failed);
    EXPECT_TRUE(u.release_reservation);
  }
}

TEST(RefundOutcome, UnknownAndPendingStayPendingWithASync) {
  for (auto kind : {OutcomeKind::unknown, OutcomeKind::pending}) {
    auto u = apply_refund_outcome(pending_refund(), outcome(kind));
    EXPECT_EQ(u.refund.status, R::pending);
    EXPECT_FALSE(u.release_reservation) << "an uncertain refund keeps its reservation";
    EXPECT_TRUE(u.needs_sync);
  }
}

TEST(PaymentMethodSummary, KeepsOnlyTheLastFourDigitsOfACard) {
  auto v = detail::payment_method_summary("4242424242424242", {"card"});
  EXPECT_EQ(boost::json::serialize(v), R"({"type":"card","last4":"4242"})");
  auto id = detail::payment_method_summary("pm_123", {"promptpay"});
  EXPECT_EQ(boost::json::serialize(id), R"({"type":"promptpay","id":"pm_123"})");
  EXPECT_TRUE(detail::payment_method_summary("", {"card"}).is_null());
}

TEST(Paging, LimitIsClampedAndTheExtraRowOnlySaysThereIsMore) {
  EXPECT_EQ(detail::page_limit(0), 1U);
  EXPECT_EQ(detail::page_limit(50), 50U);
  EXPECT_EQ(detail::page_limit(1000), detail::kMaxListPage);
  std::vector<int> rows{1, 2, 3};
  EXPECT_FALSE(detail::trim_page(rows, 3));
  EXPECT_EQ(rows.size(), 3U);
  EXPECT_TRUE(detail::trim_page(rows, 2));
  EXPECT_EQ(rows, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace payd::core
