#include "core/payment_states.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "payd/sdk/names.hpp"

namespace payd::core {
namespace {

using P = sdk::PaymentStatus;
using R = sdk::RefundStatus;

// clang-format off
constexpr auto kPaymentTransitions = std::to_array<PaymentTransition>({
    // The customer must act (redirect, QR code, transfer); anything can follow.
    {P::requires_action,  P::processing},
    {P::requires_action,  P::requires_capture},
    {P::requires_action,  P::succeeded},
    {P::requires_action,  P::canceled},
    {P::requires_action,  P::failed},
    {P::requires_action,  P::expired},
    // The provider is working (or the outcome is unknown and reconciliation will tell).
    // It may still ask the customer to act (3-D Secure after submission).
    {P::processing,       P::requires_action},
    {P::processing,       P::requires_capture},
    {P::processing,       P::succeeded},
    {P::processing,       P::canceled},
    {P::processing,       P::failed},
    // An expired customer action whose cancel at the provider was in flight.
    {P::processing,       P::expired},
    // Authorized, waiting for capture or cancel; processing while a capture is pending.
    {P::requires_capture, P::processing},
    {P::requires_capture, P::succeeded},
    {P::requires_capture, P::canceled},
    {P::requires_capture, P::failed},
});

constexpr auto kRefundTransitions = std::to_array<RefundTransition>({
    {R::pending, R::succeeded},
    {R::pending, R::failed},
    {R::pending, R::canceled},
});
// clang-format on

// The documented order (by from, then to, in enum order) is what docs print; keep it.
template <typename T>
constexpr bool sorted_by_enum_order(const T& table) {
  return std::is_sorted(table.begin(), table.end(), [](const auto& a, const auto& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
}
static_assert(sorted_by_enum_order(kPaymentTransitions));
static_assert(sorted_by_enum_order(kRefundTransitions));

template <typename T, typename S>
bool listed(const T& table, S from, S to) noexcept {
  return std::any_of(table.begin(), table.end(),
                     [&](const auto& t) { return t.from == from && t.to == to; });
}

http::ApiError invalid_state(std::string_view operation, P status, std::string_view allowed,
                             std::string_view why = {}) {
  // Appended piece by piece: GCC 12 at -O3 raises a false -Wrestrict on the operator+ chain.
  std::string message = "This payment cannot be ";
  message.append(operation)
      .append(" because its status is ")
      .append(sdk::to_string(status))
      .append("; only ")
      .append(allowed)
      .append(".");
  if (!why.empty()) message.append(" ").append(why);
  http::ApiError e;
  e.status = 409;
  e.type = http::ErrorType::invalid_request;
  e.code = "PAYMENT_INVALID_STATE";
  e.message = std::move(message);
  return e;
}

// Field by field rather than aggregate-initialized: ApiError gains optional members.
http::ApiError amount_error(std::string code, std::string message) {
  http::ApiError e;
  e.status = 400;
  e.type = http::ErrorType::invalid_request;
  e.code = std::move(code);
  e.message = std::move(message);
  e.param = "amount";
  return e;
}

Result<void, http::ApiError> check_requested_positive(std::int64_t requested) {
  if (requested < 1) {
    return fail(amount_error(
        "INVALID_AMOUNT",
        "amount must be a positive integer in minor units; got " + std::to_string(requested)));
  }
  return {};
}

}  // namespace

std::span<const PaymentTransition> payment_transitions() noexcept {
  return kPaymentTransitions;
}

std::span<const RefundTransition> refund_transitions() noexcept {
  return kRefundTransitions;
}

bool payment_transition_allowed(P from, P to) noexcept {
  return from == to || listed(kPaymentTransitions, from, to);
}

bool refund_transition_allowed(R from, R to) noexcept {
  return from == to || listed(kRefundTransitions, from, to);
}

bool is_terminal(P status) noexcept {
  return std::none_of(kPaymentTransitions.begin(), kPaymentTransitions.end(),
                      [&](const auto& t) { return t.from == status; });
}

bool is_terminal(R status) noexcept {
  return std::none_of(kRefundTransitions.begin(), kRefundTransitions.end(),
                      [&](const auto& t) { return t.from == status; });
}

Result<void, http::ApiError> check_capture(P status, std::int64_t amount_capturable,
                                           std::int64_t requested) {
  if (status != P::requires_capture) {
    return fail(invalid_state("captured", status, "a payment in requires_capture can be"));
  }
  if (auto positive = check_requested_positive(requested); !positive) return positive;
  if (requested > amount_capturable) {
    return fail(amount_error("AMOUNT_TOO_LARGE", "amount " + std::to_string(requested) +
                                                     " exceeds the amount_capturable of " +
                                                     std::to_string(amount_capturable) +
                                                     " (minor units)"));
  }
  return {};
}

Result<void, http::ApiError> check_cancel(P status) {
  if (status == P::requires_action || status == P::requires_capture) return {};
  return fail(invalid_state(
      "canceled", status, "a payment in requires_action or requires_capture can be",
      status == P::processing
          ? "The provider may still complete it; wait for its final status and refund instead."
          : ""));
}

Result<void, http::ApiError> check_refund(P status, std::int64_t amount_received,
                                          std::int64_t amount_refunded, std::int64_t requested) {
  if (status != P::succeeded && amount_received <= 0) {
    return fail(invalid_state("refunded", status,
                              "a succeeded payment, or one that has received money, can be"));
  }
  if (auto positive = check_requested_positive(requested); !positive) return positive;
  // Both amounts come from the store and are within 0..kMaxAmount; clamp anyway so that an
  // inconsistent row can never make the remainder negative or overflow.
  const std::int64_t received = std::max<std::int64_t>(amount_received, 0);
  const std::int64_t remaining = received - std::clamp<std::int64_t>(amount_refunded, 0, received);
  if (requested > remaining) {
    return fail(amount_error(
        "AMOUNT_TOO_LARGE",
        "amount " + std::to_string(requested) + " exceeds the refundable remainder of " +
            std::to_string(remaining) + " (amount_received " + std::to_string(amount_received) +
            " - amount_refunded " + std::to_string(amount_refunded) + ", minor units)"));
  }
  return {};
}

}  // namespace payd::core
