#pragma once
// The unified payment and refund state machines, as tables, and the preconditions of the
// operations that move a payment (capture, cancel, refund).
//
// The tables list every allowed CHANGE of status. Staying in the same status is always
// allowed and is not listed: it is the no-op "transition" of an update that changes only
// amounts (a refund on a succeeded payment, a partial capture) or repeats a known status
// (a replayed webhook, a sync that finds nothing new). The store refuses any other update.
//
// payment_transitions() and refund_transitions() expose the tables in a stable order (by
// `from`, then `to`, in enum order) so that documentation can be generated from them.

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "http/api_error.hpp"
#include "payd/sdk/types.hpp"

namespace payd::core {

struct PaymentTransition {
  sdk::PaymentStatus from;
  sdk::PaymentStatus to;
};
struct RefundTransition {
  sdk::RefundStatus from;
  sdk::RefundStatus to;
};

[[nodiscard]] std::span<const PaymentTransition> payment_transitions() noexcept;
[[nodiscard]] std::span<const RefundTransition> refund_transitions() noexcept;

// True when the table lists (from, to), or when from == to (the no-op above).
[[nodiscard]] bool payment_transition_allowed(sdk::PaymentStatus from,
                                              sdk::PaymentStatus to) noexcept;
[[nodiscard]] bool refund_transition_allowed(sdk::RefundStatus from, sdk::RefundStatus to) noexcept;

// No way out: succeeded, failed, canceled, expired (payments); succeeded, failed, canceled
// (refunds).
[[nodiscard]] bool is_terminal(sdk::PaymentStatus status) noexcept;
[[nodiscard]] bool is_terminal(sdk::RefundStatus status) noexcept;

// Operation preconditions. A status that forbids the operation is
// 409 PAYMENT_INVALID_STATE (the message names the current status); an amount that does not
// fit is 400 INVALID_AMOUNT (below 1) or 400 AMOUNT_TOO_LARGE, both with param "amount".
// `requested` is the amount the caller asks for, in minor units (the handler substitutes the
// full remaining amount when the request leaves it out).

// Capture: only requires_capture, and at most amount_capturable.
[[nodiscard]] Result<void, http::ApiError> check_capture(sdk::PaymentStatus status,
                                                         std::int64_t amount_capturable,
                                                         std::int64_t requested);
// Cancel: only requires_action and requires_capture. processing is refused too: the provider
// may still complete the payment, so canceling it locally could lose money that arrives.
[[nodiscard]] Result<void, http::ApiError> check_cancel(sdk::PaymentStatus status);
// Refund: a payment that has received money (succeeded, or any status with
// amount_received > 0, such as a partial capture), and at most
// amount_received - amount_refunded. amount_refunded must include pending refunds, or two
// concurrent refunds could together exceed what was received.
[[nodiscard]] Result<void, http::ApiError> check_refund(sdk::PaymentStatus status,
                                                        std::int64_t amount_received,
                                                        std::int64_t amount_refunded,
                                                        std::int64_t requested);

}  // namespace payd::core
