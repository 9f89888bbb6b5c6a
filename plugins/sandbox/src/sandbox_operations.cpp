#include "card_table.hpp"
#include "payd/sdk/names.hpp"
#include "sandbox_provider.hpp"

namespace payd::sandbox {
namespace {

using sdk::Outcome;
using sdk::OutcomeKind;
using sdk::PaymentStatus;

std::optional<PaymentStatus> stored_status(const sdk::PaymentView& p) {
  const auto* v = p.state.if_contains("status");
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return sdk::parse_payment_status(v->as_string());
}

std::string payment_ref(const sdk::PaymentView& p) {
  return "sbx_pi_" + p.id;
}

Outcome with_status(OutcomeKind kind, PaymentStatus status, const sdk::PaymentView& p) {
  Outcome o;
  o.kind = kind;
  o.status = status;
  o.provider_ref = payment_ref(p);
  o.state = sdk::PluginState{{"status", sdk::to_string(status)}};
  return o;
}

Outcome refusal(const sdk::PaymentView& p, std::string code, std::string message) {
  Outcome o;
  o.kind = OutcomeKind::declined;
  o.provider_ref = payment_ref(p);
  o.error = sdk::ErrorInfo{"invalid_request", std::move(code), "", std::move(message)};
  return o;
}

// What the sandbox's card network did with this card (also the truth sync reports).
Outcome charged(const sdk::OperationInput& in, OutcomeKind kind) {
  const auto& p = in.payment;
  if (p.capture_method == sdk::CaptureMethod::manual) {
    auto o = with_status(kind, PaymentStatus::requires_capture, p);
    o.amounts.capturable = p.amount;
    o.amounts.received = 0;
    return o;
  }
  auto o = with_status(kind, PaymentStatus::succeeded, p);
  o.amounts.capturable = 0;
  o.amounts.received = p.amount;
  return o;
}

// The customer must act on a hosted page: pending, with a redirect to it.
Outcome awaiting_customer(const sdk::PaymentView& p, const SandboxSettings& s) {
  auto o = with_status(OutcomeKind::pending, PaymentStatus::requires_action, p);
  o.next_action = sdk::NextAction{sdk::NextAction::Type::redirect, s.redirect_base_url + "/" + p.id,
                                  "", std::nullopt};
  return o;
}

}  // namespace

Outcome authorize(const sdk::OperationInput& in, const SandboxSettings& s) {
  const auto& p = in.payment;
  // A checkout session without a card yet: the customer chooses one on the hosted page, so
  // the payment waits for them (like the 3-D Secure card) instead of charging the default.
  if (p.hosted_checkout && p.payment_method.empty()) return awaiting_customer(p, s);
  const auto behaviour = behaviour_for(p.payment_method);
  if (auto reason = decline_reason(behaviour)) {
    auto o = with_status(OutcomeKind::declined, PaymentStatus::failed, p);
    o.error =
        sdk::ErrorInfo{"card_declined", "card_declined", reason->decline_code, reason->message};
    return o;
  }
  switch (behaviour) {
    case CardBehaviour::processing_error: {
      // The charge went through but the answer was lost: payd must reconcile by sync.
      Outcome o;
      o.kind = OutcomeKind::unknown;
      o.status = PaymentStatus::processing;
      o.provider_ref = payment_ref(p);
      o.error = sdk::ErrorInfo{"provider_unavailable", "processing_error", "processing_error",
                               "The sandbox lost the answer to this charge; sync will tell."};
      return o;
    }
    case CardBehaviour::requires_action:
      return awaiting_customer(p, s);
    default:
      return charged(in, OutcomeKind::processed);
  }
}

Outcome capture(const sdk::OperationInput& in) {
  const auto& p = in.payment;
  if (stored_status(p) != PaymentStatus::requires_capture) {
    return refusal(p, "payment_not_capturable", "Only a payment awaiting capture can be captured.");
  }
  if (in.amount <= 0 || in.amount > p.amount_capturable) {
    return refusal(p, "amount_too_large", "The capture amount exceeds the capturable amount.");
  }
  auto o = with_status(OutcomeKind::processed, PaymentStatus::succeeded, p);
  o.amounts.capturable = 0;
  o.amounts.received = in.amount;
  return o;
}

Outcome cancel(const sdk::OperationInput& in) {
  const auto& p = in.payment;
  const auto st = stored_status(p);
  if (st != PaymentStatus::requires_capture && st != PaymentStatus::requires_action) {
    return refusal(p, "payment_not_cancelable", "Only an uncompleted payment can be canceled.");
  }
  auto o = with_status(OutcomeKind::processed, PaymentStatus::canceled, p);
  o.amounts.capturable = 0;
  return o;
}

Outcome refund(const sdk::OperationInput& in) {
  const auto& p = in.payment;
  if (!in.refund) return refusal(p, "missing_refund", "No refund was given.");
  const auto remaining = p.amount_received - p.amount_refunded;
  if (in.amount <= 0 || in.amount > remaining) {
    return refusal(p, "amount_too_large", "The refund exceeds the amount left to refund.");
  }
  Outcome o;
  o.kind = OutcomeKind::processed;
  o.refund_status = sdk::RefundStatus::succeeded;
  o.provider_ref = "sbx_re_" + in.refund->id;
  o.amounts.refunded = p.amount_refunded + in.amount;
  return o;
}

Outcome sync(const sdk::OperationInput& in, const SandboxSettings& s) {
  const auto& p = in.payment;
  if (const auto st = stored_status(p)) {
    auto o = with_status(OutcomeKind::processed, *st, p);
    o.amounts.capturable = p.amount_capturable;
    o.amounts.received = p.amount_received;
    return o;
  }
  // No stored answer: the authorize outcome was lost. Replay the card network's decision;
  // for the processing-error card the charge did happen.
  if (behaviour_for(p.payment_method) == CardBehaviour::processing_error) {
    return charged(in, OutcomeKind::processed);
  }
  auto o = authorize(in, s);
  if (o.kind == OutcomeKind::pending) o.kind = OutcomeKind::processed;
  return o;
}

Outcome sync_refund(const sdk::OperationInput& in) {
  Outcome o;
  o.kind = OutcomeKind::processed;
  o.refund_status = sdk::RefundStatus::succeeded;
  o.provider_ref = in.refund ? "sbx_re_" + in.refund->id : std::string();
  return o;
}

}  // namespace payd::sandbox
