#include "core/outcome_rules.hpp"

#include "core/payment_states.hpp"
#include "payd/sdk/names.hpp"

namespace payd::core {

namespace json = boost::json;
using sdk::OutcomeKind;
using sdk::PaymentStatus;

json::value error_json(const std::optional<sdk::ErrorInfo>& error) {
  if (!error) return nullptr;
  json::object o;
  o["code"] = error->code;
  o["provider_code"] =
      error->provider_code.empty() ? json::value(nullptr) : json::value(error->provider_code);
  o["decline_code"] =
      error->decline_code.empty() ? json::value(nullptr) : json::value(error->decline_code);
  o["message"] = error->message;
  return o;
}

json::value next_action_json(const std::optional<sdk::NextAction>& action) {
  if (!action) return nullptr;
  json::object o;
  o["type"] = sdk::to_string(action->type);
  if (!action->url.empty()) o["redirect_url"] = action->url;
  if (!action->qr_data.empty()) o["qr_data"] = action->qr_data;
  if (action->crypto) {
    const auto& c = *action->crypto;
    json::object t;
    t["address"] = c.address;
    t["crypto_currency"] = c.crypto_currency;
    t["crypto_amount"] = c.crypto_amount;
    if (!c.qr_code_url.empty()) t["qr_code_url"] = c.qr_code_url;
    if (!c.customer_url.empty()) t["customer_url"] = c.customer_url;
    if (!c.exchange_rate.empty()) t["exchange_rate"] = c.exchange_rate;
    if (c.expires_at != 0) t["expires_at"] = c.expires_at;
    o["crypto_transfer"] = std::move(t);
  }
  return o;
}

namespace {

// The status an outcome means when the plugin did not name one.
PaymentStatus default_status(sdk::Operation op, OutcomeKind kind, PaymentStatus prior,
                             const store::PaymentRecord& p) {
  switch (kind) {
    case OutcomeKind::processed:
      switch (op) {
        case sdk::Operation::authorize:
          return p.capture_method == sdk::CaptureMethod::manual ? PaymentStatus::requires_capture
                                                                : PaymentStatus::succeeded;
        case sdk::Operation::capture:
          return PaymentStatus::succeeded;
        case sdk::Operation::cancel:
          return PaymentStatus::canceled;
        default:
          return prior;
      }
    case OutcomeKind::pending:
      return PaymentStatus::processing;
    case OutcomeKind::declined:
      // A refused authorization fails the payment; a refused capture or cancel leaves it
      // where it was.
      return op == sdk::Operation::authorize ? PaymentStatus::failed : prior;
    case OutcomeKind::not_attempted:
      return op == sdk::Operation::authorize ? PaymentStatus::failed : prior;
    case OutcomeKind::unknown:
      return PaymentStatus::processing;
  }
  return prior;
}

void settle_amounts(store::PaymentRecord& p, sdk::Operation op, const sdk::Amounts& a,
                    std::int64_t capture_amount) {
  switch (p.status) {
    case PaymentStatus::requires_capture:
      p.amount_capturable = a.capturable.value_or(p.amount - p.amount_received);
      break;
    case PaymentStatus::succeeded:
      if (a.received) {
        p.amount_received = *a.received;
      } else if (op == sdk::Operation::capture && capture_amount > 0) {
        p.amount_received += capture_amount;
      } else if (p.amount_received == 0) {
        p.amount_received = p.amount;
      }
      p.amount_capturable = 0;
      break;
    case PaymentStatus::failed:
    case PaymentStatus::canceled:
    case PaymentStatus::expired:
      p.amount_capturable = 0;
      break;
    case PaymentStatus::requires_action:
    case PaymentStatus::processing:
      break;
  }
  if (a.refunded && *a.refunded > p.amount_refunded) p.amount_refunded = *a.refunded;
  // The database CHECKs hold these too; clamping keeps a confused plugin from making the
  // whole transaction fail.
  p.amount_received = std::clamp<std::int64_t>(p.amount_received, 0, p.amount);
  p.amount_capturable = std::clamp<std::int64_t>(p.amount_capturable, 0, p.amount);
  p.amount_refunded = std::clamp<std::int64_t>(p.amount_refunded, 0, p.amount_received);
}

}  // namespace

PaymentUpdate apply_payment_outcome(const store::PaymentRecord& before, PaymentStatus prior,
                                    sdk::Operation op, const sdk::Outcome& o, std::int64_t amount) {
  PaymentUpdate u;
  u.payment = before;
  auto& p = u.payment;
  PaymentStatus target = default_status(op, o.kind, prior, before);
  // A plugin's own status wins for outcomes that carry news from the provider.
  if (o.status && (o.kind == OutcomeKind::processed || o.kind == OutcomeKind::pending)) {
    target = *o.status;
  }
  if (!payment_transition_allowed(before.status, target)) {
    u.refused_status = target;
    target = before.status;
  }
  u.status_changed = target != before.status;
  p.status = target;
  u.needs_sync = o.kind == OutcomeKind::unknown ||
                 (o.kind == OutcomeKind::pending && target == PaymentStatus::processing);

  if (!o.provider_ref.empty()) p.provider_ref = o.provider_ref;
  if (o.state) p.plugin_state = *o.state;
  if (o.kind == OutcomeKind::processed || o.kind == OutcomeKind::pending) {
    p.next_action = next_action_json(o.next_action);
  }
  if (p.status != PaymentStatus::requires_action) {
    p.next_action = nullptr;
    p.expires_at.reset();  // only a payment waiting for the customer expires
  }
  p.last_error = o.error ? error_json(o.error)
                         : (o.kind == OutcomeKind::processed ? json::value(nullptr) : p.last_error);
  settle_amounts(p, op, o.amounts, amount);
  return u;
}

RefundUpdate apply_refund_outcome(const store::RefundRecord& before, const sdk::Outcome& o) {
  RefundUpdate u;
  u.refund = before;
  auto& r = u.refund;
  sdk::RefundStatus target = r.status;
  switch (o.kind) {
    case OutcomeKind::processed:
      target = o.refund_status.value_or(sdk::RefundStatus::succeeded);
      break;
    case OutcomeKind::pending:
      target = o.refund_status.value_or(sdk::RefundStatus::pending);
      break;
    case OutcomeKind::declined:
    case OutcomeKind::not_attempted:
      target = sdk::RefundStatus::failed;
      break;
    case OutcomeKind::unknown:
      target = sdk::RefundStatus::pending;
      u.needs_sync = true;
      break;
  }
  if (refund_transition_allowed(r.status, target)) r.status = target;
  if (r.status == sdk::RefundStatus::pending && o.kind == OutcomeKind::pending) u.needs_sync = true;
  if (!o.provider_ref.empty()) r.provider_ref = o.provider_ref;
  if (o.error) r.last_error = error_json(o.error);
  u.release_reservation =
      r.status == sdk::RefundStatus::failed || r.status == sdk::RefundStatus::canceled;
  return u;
}

}  // namespace payd::core
