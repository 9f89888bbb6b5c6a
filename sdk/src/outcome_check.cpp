#include "payd/sdk/outcome_check.hpp"

#include <initializer_list>

#include "payd/sdk/names.hpp"

namespace payd::sdk {
namespace {

using Problem = std::optional<std::string>;

template <typename E>
bool one_of(E v, std::initializer_list<E> allowed) {
  for (const auto a : allowed) {
    if (a == v) return true;
  }
  return false;
}

std::string subject(Operation op, const Outcome& o) {
  return std::string(to_string(o.kind)) + " " + std::string(to_string(op)) + " outcome";
}

Problem check_amounts(const Amounts& a, const std::string& who) {
  for (const auto& [name, value] :
       {std::pair{"capturable", a.capturable}, std::pair{"received", a.received},
        std::pair{"refunded", a.refunded}}) {
    if (value && *value < 0) return who + ": amounts." + name + " is negative";
  }
  return std::nullopt;
}

Problem check_next_action(const NextAction& na, const std::string& who) {
  switch (na.type) {
    case NextAction::Type::redirect:
      if (na.url.empty()) return who + ": a redirect next_action needs a url";
      break;
    case NextAction::Type::qr_code:
      if (na.qr_data.empty() && na.url.empty()) {
        return who + ": a qr_code next_action needs qr_data or a url";
      }
      break;
    case NextAction::Type::crypto_transfer:
      if (!na.crypto || na.crypto->address.empty() || na.crypto->crypto_amount.empty()) {
        return who +
               ": a crypto_transfer next_action needs crypto.address and crypto.crypto_amount";
      }
      break;
  }
  return std::nullopt;
}

// Rules 1-5.
Problem check_common(Operation op, const Outcome& o, const std::string& who) {
  if (o.error && o.error->code.empty()) return who + ": error.code is empty";
  if (auto p = check_amounts(o.amounts, who)) return p;
  if (o.retry_after && o.retry_after->count() < 0) return who + ": retry_after is negative";
  if (is_refund_operation(op)) {
    if (o.status) return who + ": a refund operation sets refund_status, not status";
    if (o.next_action) return who + ": a refund operation has no next_action";
  } else if (o.refund_status) {
    return who + ": a payment operation sets status, not refund_status";
  }
  if (o.next_action) {
    if (o.status != PaymentStatus::requires_action) {
      return who + ": next_action is only for status requires_action";
    }
    if (auto p = check_next_action(*o.next_action, who)) return p;
  }
  if (op == Operation::authorize && o.status == PaymentStatus::requires_action && !o.next_action) {
    return who + ": status requires_action needs a next_action";
  }
  return std::nullopt;
}

std::string status_name(const Outcome& o) {
  if (o.status) return std::string(to_string(*o.status));
  if (o.refund_status) return std::string(to_string(*o.refund_status));
  return "none";
}

Problem check_processed(Operation op, const Outcome& o, const std::string& who) {
  if (is_refund_operation(op)) {
    if (!o.refund_status) return who + ": must carry a refund_status";
  } else if (!o.status) {
    return who + ": must carry a status";
  }
  bool fits = true;
  const char* hint = "";
  switch (op) {
    case Operation::authorize:
      fits = one_of(*o.status, {PaymentStatus::requires_action, PaymentStatus::processing,
                                PaymentStatus::requires_capture, PaymentStatus::succeeded});
      if (*o.status == PaymentStatus::failed) hint = " (a refused authorize is declined)";
      break;
    case Operation::capture:
      fits = one_of(*o.status, {PaymentStatus::succeeded, PaymentStatus::processing,
                                PaymentStatus::requires_capture});
      break;
    case Operation::cancel:
      fits = *o.status == PaymentStatus::canceled;
      break;
    case Operation::refund:
      fits = *o.refund_status == RefundStatus::succeeded;
      if (*o.refund_status == RefundStatus::failed) hint = " (a refused refund is declined)";
      if (*o.refund_status == RefundStatus::pending) hint = " (use kind pending)";
      break;
    case Operation::sync:
    case Operation::sync_refund:
      break;
  }
  if (!fits) return who + ": status " + status_name(o) + " does not fit the operation" + hint;
  if ((op == Operation::authorize || op == Operation::refund) && o.provider_ref.empty()) {
    return who + ": must carry provider_ref";
  }
  return std::nullopt;
}

Problem check_pending(Operation op, const Outcome& o, const std::string& who) {
  if (o.status && !one_of(*o.status, {PaymentStatus::processing, PaymentStatus::requires_action})) {
    return who + ": status " + status_name(o) + " is not pending (processing or requires_action)";
  }
  if (o.refund_status && *o.refund_status != RefundStatus::pending) {
    return who + ": refund_status " + status_name(o) + " is not pending";
  }
  if ((op == Operation::authorize || op == Operation::refund) && o.provider_ref.empty()) {
    return who + ": must carry provider_ref";
  }
  return std::nullopt;
}

Problem check_declined(const Outcome& o, const std::string& who) {
  if (!o.error) return who + ": must carry an error with a code";
  if (o.status && one_of(*o.status, {PaymentStatus::succeeded, PaymentStatus::processing,
                                     PaymentStatus::requires_action})) {
    return who + ": status " + status_name(o) + " claims success or progress";
  }
  if (o.refund_status &&
      one_of(*o.refund_status, {RefundStatus::succeeded, RefundStatus::pending})) {
    return who + ": refund_status " + status_name(o) + " claims success or progress";
  }
  return std::nullopt;
}

Problem check_not_attempted(const Outcome& o, const std::string& who) {
  if (o.status || o.refund_status) return who + ": must not claim a status change";
  if (o.next_action) return who + ": must not carry a next_action";
  if (!o.error) return who + ": must carry an error saying why";
  return std::nullopt;
}

Problem check_unknown(const Outcome& o, const std::string& who) {
  if (o.status && *o.status != PaymentStatus::processing) {
    return who + ": status " + status_name(o) + " is more than unknown allows (processing)";
  }
  if (o.refund_status && *o.refund_status != RefundStatus::pending) {
    return who + ": refund_status " + status_name(o) + " is more than unknown allows (pending)";
  }
  if (o.next_action) return who + ": must not carry a next_action";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> validate_outcome(Operation op, const Outcome& outcome) {
  const auto who = subject(op, outcome);
  if (auto p = check_common(op, outcome, who)) return p;
  switch (outcome.kind) {
    case OutcomeKind::processed:
      return check_processed(op, outcome, who);
    case OutcomeKind::pending:
      return check_pending(op, outcome, who);
    case OutcomeKind::declined:
      return check_declined(outcome, who);
    case OutcomeKind::not_attempted:
      return check_not_attempted(outcome, who);
    case OutcomeKind::unknown:
      return check_unknown(outcome, who);
  }
  return who + ": kind is not an OutcomeKind";
}

std::optional<std::string> validate_event(const ProviderEvent& event) {
  const std::string who = "provider event " + (event.event_id.empty() ? "?" : event.event_id);
  if (event.event_id.empty()) return who + ": event_id is empty";
  if (event.raw_type.empty()) return who + ": raw_type is empty";
  if (event.provider_ref.empty() && event.payd_id.empty()) {
    return who + ": needs provider_ref or payd_id";
  }
  if (event.object == ProviderEvent::Object::payment && event.refund_status) {
    return who + ": a payment event sets status, not refund_status";
  }
  if (event.object == ProviderEvent::Object::refund && event.status) {
    return who + ": a refund event sets refund_status, not status";
  }
  return check_amounts(event.amounts, who);
}

}  // namespace payd::sdk
