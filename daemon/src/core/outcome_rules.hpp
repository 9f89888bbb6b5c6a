#pragma once
// What a plugin's Outcome does to a payment: the one place that turns outcome kinds into
// statuses and amounts (see ARCHITECTURE.md, "Outcome kinds"). Pure, so every rule has a
// unit test. Statuses the transition table forbids are not applied (the change is logged
// by the caller through `refused_status`).

#include <optional>
#include <string>

#include "payd/sdk/types.hpp"
#include "store/payment_records.hpp"

namespace payd::core {

struct PaymentUpdate {
  store::PaymentRecord payment;  // the payment after the outcome
  bool status_changed = false;
  bool needs_sync = false;  // unknown: reconciliation must ask the provider
  std::optional<sdk::PaymentStatus> refused_status;  // a status the table forbids
};

// `before` is the payment as it was when the operation started (status processing while
// in flight: the operation's original status is `prior`). `amount` is the capture amount.
[[nodiscard]] PaymentUpdate apply_payment_outcome(const store::PaymentRecord& before,
                                                  sdk::PaymentStatus prior, sdk::Operation op,
                                                  const sdk::Outcome& outcome, std::int64_t amount);

struct RefundUpdate {
  store::RefundRecord refund;
  bool release_reservation = false;  // the refund failed: give the amount back
  bool needs_sync = false;
};

[[nodiscard]] RefundUpdate apply_refund_outcome(const store::RefundRecord& before,
                                                const sdk::Outcome& outcome);

// {code, provider_code, decline_code, message} or null.
[[nodiscard]] boost::json::value error_json(const std::optional<sdk::ErrorInfo>& error);
// The API shape of a next action, or null.
[[nodiscard]] boost::json::value next_action_json(const std::optional<sdk::NextAction>& action);

}  // namespace payd::core
