#include "payd/sdk/outcome_check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace payd::sdk {
namespace {

using K = OutcomeKind;
using S = PaymentStatus;
using R = RefundStatus;

Outcome make(K kind) {
  Outcome o;
  o.kind = kind;
  o.provider_ref = "pi_1";
  return o;
}
Outcome with(K kind, S status) {
  auto o = make(kind);
  o.status = status;
  return o;
}
Outcome with(K kind, R status) {
  auto o = make(kind);
  o.refund_status = status;
  return o;
}
Outcome with_error(Outcome o, std::string code = "card_declined") {
  o.error = ErrorInfo{std::move(code), "provider_code", "insufficient_funds", "Declined."};
  return o;
}
Outcome with_redirect(Outcome o, std::string url = "https://bank.example/3ds") {
  o.next_action = NextAction{NextAction::Type::redirect, std::move(url), "", std::nullopt};
  return o;
}

struct Case {
  const char* name;
  Operation op;
  Outcome outcome;
  const char* problem;  // nullptr: valid; else a fragment of the message
};

void expect_cases(std::initializer_list<Case> cases) {
  for (const auto& c : cases) {
    const auto problem = validate_outcome(c.op, c.outcome);
    if (c.problem == nullptr) {
      EXPECT_FALSE(problem.has_value()) << c.name << ": " << problem.value_or("");
    } else {
      ASSERT_TRUE(problem.has_value()) << c.name;
      EXPECT_NE(problem->find(c.problem), std::string::npos) << c.name << ": " << *problem;
    }
  }
}

TEST(SdkOutcomeCheck, ValidOutcomes) {
  auto crypto = with(K::pending, S::requires_action);
  crypto.next_action = NextAction{NextAction::Type::crypto_transfer, "", "",
                                  CryptoTransfer{"TXyz", "USDT_TRC20", "10.5", "", "", "", 0}};
  auto qr = with(K::processed, S::requires_action);
  qr.next_action = NextAction{NextAction::Type::qr_code, "", "000201...", std::nullopt};
  auto amounts = with(K::processed, S::requires_capture);
  amounts.amounts = {1000, 0, 0};
  auto not_attempted = with_error(make(K::not_attempted), "invalid_request");
  not_attempted.connector_unhealthy = true;
  auto unknown_with_error = with_error(with(K::unknown, S::processing), "provider_unavailable");
  unknown_with_error.retry_after = std::chrono::seconds(5);
  expect_cases({
      {"authorize succeeded", Operation::authorize, with(K::processed, S::succeeded), nullptr},
      {"authorize manual", Operation::authorize, amounts, nullptr},
      {"authorize processing", Operation::authorize, with(K::processed, S::processing), nullptr},
      {"authorize 3ds pending", Operation::authorize,
       with_redirect(with(K::pending, S::requires_action)), nullptr},
      {"authorize 3ds processed", Operation::authorize,
       with_redirect(with(K::processed, S::requires_action)), nullptr},
      {"authorize qr", Operation::authorize, qr, nullptr},
      {"authorize crypto", Operation::authorize, crypto, nullptr},
      {"authorize pending no status", Operation::authorize, make(K::pending), nullptr},
      {"authorize declined", Operation::authorize, with_error(with(K::declined, S::failed)),
       nullptr},
      {"authorize declined no status", Operation::authorize, with_error(make(K::declined)),
       nullptr},
      {"authorize not attempted", Operation::authorize, not_attempted, nullptr},
      {"authorize unknown bare", Operation::authorize, Outcome{}, nullptr},
      {"authorize unknown", Operation::authorize, unknown_with_error, nullptr},
      {"capture full", Operation::capture, with(K::processed, S::succeeded), nullptr},
      {"capture partial", Operation::capture, with(K::processed, S::requires_capture), nullptr},
      {"capture declined", Operation::capture, with_error(make(K::declined), "invalid_request"),
       nullptr},
      {"cancel", Operation::cancel, with(K::processed, S::canceled), nullptr},
      {"sync any status", Operation::sync, with(K::processed, S::expired), nullptr},
      {"sync failed", Operation::sync, with(K::processed, S::failed), nullptr},
      {"sync requires_action without next_action", Operation::sync,
       with(K::processed, S::requires_action), nullptr},
      {"refund", Operation::refund, with(K::processed, R::succeeded), nullptr},
      {"refund pending", Operation::refund, with(K::pending, R::pending), nullptr},
      {"refund declined", Operation::refund, with_error(with(K::declined, R::failed)), nullptr},
      {"refund unknown", Operation::refund, with(K::unknown, R::pending), nullptr},
      {"sync_refund failed", Operation::sync_refund, with(K::processed, R::failed), nullptr},
      {"sync_refund no provider_ref", Operation::sync_refund,
       [] {
         auto o = with(K::processed, R::succeeded);
         o.provider_ref.clear();
         return o;
       }(),
       nullptr},
  });
}

TEST(SdkOutcomeCheck, InvalidOutcomes) {
  auto empty_code = with(K::declined, S::failed);
  empty_code.error = ErrorInfo{};
  auto negative = with(K::processed, S::succeeded);
  negative.amounts.received = -1;
  auto retry = with_error(make(K::not_attempted), "rate_limited");
  retry.retry_after = std::chrono::seconds(-1);
  auto bad_qr = with(K::pending, S::requires_action);
  bad_qr.next_action = NextAction{NextAction::Type::qr_code, "", "", std::nullopt};
  auto bad_crypto = with(K::pending, S::requires_action);
  bad_crypto.next_action = NextAction{NextAction::Type::crypto_transfer, "", "", std::nullopt};
  auto no_ref = with(K::processed, S::succeeded);
  no_ref.provider_ref.clear();
  auto refund_no_ref = with(K::pending, R::pending);
  refund_no_ref.provider_ref.clear();
  auto refund_with_status = with(K::processed, R::succeeded);
  refund_with_status.status = S::succeeded;
  expect_cases({
      {"processed authorize without status", Operation::authorize, make(K::processed),
       "must carry a status"},
      {"processed authorize failed", Operation::authorize, with(K::processed, S::failed),
       "declined"},
      {"processed authorize canceled", Operation::authorize, with(K::processed, S::canceled),
       "does not fit"},
      {"processed capture canceled", Operation::capture, with(K::processed, S::canceled),
       "does not fit"},
      {"processed cancel succeeded", Operation::cancel, with(K::processed, S::succeeded),
       "does not fit"},
      {"processed refund without refund_status", Operation::refund, make(K::processed),
       "refund_status"},
      {"processed refund pending", Operation::refund, with(K::processed, R::pending),
       "use kind pending"},
      {"processed refund failed", Operation::refund, with(K::processed, R::failed), "declined"},
      {"refund with payment status", Operation::refund, refund_with_status, "not status"},
      {"payment op with refund_status", Operation::capture, with(K::processed, R::succeeded),
       "not refund_status"},
      {"refund with next_action", Operation::refund, with_redirect(with(K::pending, R::pending)),
       "no next_action"},
      {"processed authorize without provider_ref", Operation::authorize, no_ref, "provider_ref"},
      {"pending refund without provider_ref", Operation::refund, refund_no_ref, "provider_ref"},
      {"pending succeeded", Operation::authorize, with(K::pending, S::succeeded), "not pending"},
      {"pending refund succeeded", Operation::refund, with(K::pending, R::succeeded),
       "not pending"},
      {"declined without error", Operation::authorize, with(K::declined, S::failed),
       "must carry an error"},
      {"declined with empty code", Operation::authorize, empty_code, "error.code is empty"},
      {"declined succeeded", Operation::authorize, with_error(with(K::declined, S::succeeded)),
       "claims success"},
      {"declined processing", Operation::capture, with_error(with(K::declined, S::processing)),
       "claims success"},
      {"declined refund succeeded", Operation::refund, with_error(with(K::declined, R::succeeded)),
       "claims success"},
      {"not_attempted with status", Operation::authorize,
       with_error(with(K::not_attempted, S::failed)), "must not claim a status change"},
      {"not_attempted with refund status", Operation::refund,
       with_error(with(K::not_attempted, R::failed)), "must not claim a status change"},
      {"not_attempted without error", Operation::authorize, make(K::not_attempted),
       "error saying why"},
      {"unknown succeeded", Operation::authorize, with(K::unknown, S::succeeded),
       "more than unknown allows"},
      {"unknown refund failed", Operation::refund, with(K::unknown, R::failed),
       "more than unknown allows"},
      {"requires_action without next_action", Operation::authorize,
       with(K::pending, S::requires_action), "needs a next_action"},
      {"next_action without requires_action", Operation::authorize,
       with_redirect(with(K::processed, S::succeeded)), "only for status requires_action"},
      {"next_action on not_attempted", Operation::authorize,
       with_error(with_redirect(make(K::not_attempted))), "only for status requires_action"},
      {"redirect without url", Operation::authorize,
       with_redirect(with(K::pending, S::requires_action), ""), "needs a url"},
      {"qr without data", Operation::authorize, bad_qr, "qr_data"},
      {"crypto without details", Operation::authorize, bad_crypto, "crypto.address"},
      {"negative amount", Operation::capture, negative, "amounts.received is negative"},
      {"negative retry_after", Operation::authorize, retry, "retry_after is negative"},
  });
}

TEST(SdkOutcomeCheck, MessageNamesKindAndOperation) {
  const auto p = validate_outcome(Operation::capture, make(K::processed));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, "processed capture outcome: must carry a status");
}

TEST(SdkOutcomeCheck, Events) {
  ProviderEvent e;
  e.event_id = "evt_1";
  e.raw_type = "payment_intent.succeeded";
  e.provider_ref = "pi_1";
  e.status = S::succeeded;
  EXPECT_FALSE(validate_event(e).has_value());
  auto by_payd_id = e;
  by_payd_id.provider_ref.clear();
  by_payd_id.payd_id = "pay_1";
  EXPECT_FALSE(validate_event(by_payd_id).has_value());

  auto no_id = e;
  no_id.event_id.clear();
  EXPECT_NE(validate_event(no_id).value_or("").find("event_id"), std::string::npos);
  auto no_type = e;
  no_type.raw_type.clear();
  EXPECT_NE(validate_event(no_type).value_or("").find("raw_type"), std::string::npos);
  auto no_ref = e;
  no_ref.provider_ref.clear();
  EXPECT_NE(validate_event(no_ref).value_or("").find("provider_ref or payd_id"), std::string::npos);
  auto refund_status_on_payment = e;
  refund_status_on_payment.refund_status = R::succeeded;
  EXPECT_TRUE(validate_event(refund_status_on_payment).has_value());
  auto status_on_refund = e;
  status_on_refund.object = ProviderEvent::Object::refund;
  EXPECT_TRUE(validate_event(status_on_refund).has_value());
  status_on_refund.status.reset();
  status_on_refund.refund_status = R::succeeded;
  EXPECT_FALSE(validate_event(status_on_refund).has_value());
  auto negative = e;
  negative.amounts.refunded = -5;
  EXPECT_NE(validate_event(negative).value_or("").find("negative"), std::string::npos);
}

}  // namespace
}  // namespace payd::sdk
