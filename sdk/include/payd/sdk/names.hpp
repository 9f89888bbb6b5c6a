#pragma once
// The wire names of the contract's enums, shared by the daemon (API, logs, metrics, stored
// state) and plugins (their own saved state): to_string(PaymentStatus::requires_capture) is
// "requires_capture", and parse_payment_status("requires_capture") gives it back. Names are
// the enumerator names exactly; parsing is case-sensitive and returns std::nullopt for
// anything else.

#include <optional>
#include <string_view>

#include "payd/sdk/provider.hpp"
#include "payd/sdk/types.hpp"

namespace payd::sdk {

[[nodiscard]] std::string_view to_string(Operation v) noexcept;
[[nodiscard]] std::string_view to_string(Mode v) noexcept;
[[nodiscard]] std::string_view to_string(CaptureMethod v) noexcept;
[[nodiscard]] std::string_view to_string(PaymentStatus v) noexcept;
[[nodiscard]] std::string_view to_string(RefundStatus v) noexcept;
[[nodiscard]] std::string_view to_string(OutcomeKind v) noexcept;
[[nodiscard]] std::string_view to_string(TransportError v) noexcept;
[[nodiscard]] std::string_view to_string(NextAction::Type v) noexcept;
[[nodiscard]] std::string_view to_string(ProviderEvent::Object v) noexcept;
[[nodiscard]] std::string_view to_string(LogLevel v) noexcept;

[[nodiscard]] std::optional<Operation> parse_operation(std::string_view s) noexcept;
[[nodiscard]] std::optional<Mode> parse_mode(std::string_view s) noexcept;
[[nodiscard]] std::optional<CaptureMethod> parse_capture_method(std::string_view s) noexcept;
[[nodiscard]] std::optional<PaymentStatus> parse_payment_status(std::string_view s) noexcept;
[[nodiscard]] std::optional<RefundStatus> parse_refund_status(std::string_view s) noexcept;
[[nodiscard]] std::optional<OutcomeKind> parse_outcome_kind(std::string_view s) noexcept;
[[nodiscard]] std::optional<TransportError> parse_transport_error(std::string_view s) noexcept;
[[nodiscard]] std::optional<NextAction::Type> parse_next_action_type(std::string_view s) noexcept;
[[nodiscard]] std::optional<ProviderEvent::Object> parse_event_object(std::string_view s) noexcept;
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view s) noexcept;

// True for refund and sync_refund (their outcomes carry refund_status, not status).
[[nodiscard]] constexpr bool is_refund_operation(Operation op) noexcept {
  return op == Operation::refund || op == Operation::sync_refund;
}

}  // namespace payd::sdk
