#include "payd/sdk/names.hpp"

#include <array>
#include <utility>

namespace payd::sdk {
namespace {

template <typename E, std::size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

// Every table lists each enumerator once, in declaration order (checked by the tests).
constexpr Table<Operation, 6> kOperations{{{Operation::authorize, "authorize"},
                                           {Operation::capture, "capture"},
                                           {Operation::cancel, "cancel"},
                                           {Operation::refund, "refund"},
                                           {Operation::sync, "sync"},
                                           {Operation::sync_refund, "sync_refund"}}};
constexpr Table<Mode, 2> kModes{{{Mode::test, "test"}, {Mode::live, "live"}}};
constexpr Table<CaptureMethod, 2> kCaptureMethods{
    {{CaptureMethod::automatic, "automatic"}, {CaptureMethod::manual, "manual"}}};
constexpr Table<PaymentStatus, 7> kPaymentStatuses{
    {{PaymentStatus::requires_action, "requires_action"},
     {PaymentStatus::processing, "processing"},
     {PaymentStatus::requires_capture, "requires_capture"},
     {PaymentStatus::succeeded, "succeeded"},
     {PaymentStatus::canceled, "canceled"},
     {PaymentStatus::failed, "failed"},
     {PaymentStatus::expired, "expired"}}};
constexpr Table<RefundStatus, 4> kRefundStatuses{{{RefundStatus::pending, "pending"},
                                                  {RefundStatus::succeeded, "succeeded"},
                                                  {RefundStatus::failed, "failed"},
                                                  {RefundStatus::canceled, "canceled"}}};
constexpr Table<OutcomeKind, 5> kOutcomeKinds{{{OutcomeKind::processed, "processed"},
                                               {OutcomeKind::pending, "pending"},
                                               {OutcomeKind::declined, "declined"},
                                               {OutcomeKind::not_attempted, "not_attempted"},
                                               {OutcomeKind::unknown, "unknown"}}};
constexpr Table<TransportError, 8> kTransportErrors{{{TransportError::none, "none"},
                                                     {TransportError::timeout, "timeout"},
                                                     {TransportError::connect, "connect"},
                                                     {TransportError::tls, "tls"},
                                                     {TransportError::reset, "reset"},
                                                     {TransportError::too_large, "too_large"},
                                                     {TransportError::redirect, "redirect"},
                                                     {TransportError::protocol, "protocol"}}};
constexpr Table<NextAction::Type, 3> kNextActionTypes{
    {{NextAction::Type::redirect, "redirect"},
     {NextAction::Type::qr_code, "qr_code"},
     {NextAction::Type::crypto_transfer, "crypto_transfer"}}};
constexpr Table<ProviderEvent::Object, 2> kEventObjects{
    {{ProviderEvent::Object::payment, "payment"}, {ProviderEvent::Object::refund, "refund"}}};
constexpr Table<LogLevel, 4> kLogLevels{{{LogLevel::debug, "debug"},
                                         {LogLevel::info, "info"},
                                         {LogLevel::warn, "warn"},
                                         {LogLevel::error, "error"}}};

template <typename E, std::size_t N>
std::string_view name_in(const Table<E, N>& table, E v) noexcept {
  for (const auto& [e, name] : table) {
    if (e == v) return name;
  }
  return "unknown";  // only for a value outside the enumeration
}

template <typename E, std::size_t N>
std::optional<E> parse_in(const Table<E, N>& table, std::string_view s) noexcept {
  for (const auto& [e, name] : table) {
    if (name == s) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Operation v) noexcept {
  return name_in(kOperations, v);
}
std::string_view to_string(Mode v) noexcept {
  return name_in(kModes, v);
}
std::string_view to_string(CaptureMethod v) noexcept {
  return name_in(kCaptureMethods, v);
}
std::string_view to_string(PaymentStatus v) noexcept {
  return name_in(kPaymentStatuses, v);
}
std::string_view to_string(RefundStatus v) noexcept {
  return name_in(kRefundStatuses, v);
}
std::string_view to_string(OutcomeKind v) noexcept {
  return name_in(kOutcomeKinds, v);
}
std::string_view to_string(TransportError v) noexcept {
  return name_in(kTransportErrors, v);
}
std::string_view to_string(NextAction::Type v) noexcept {
  return name_in(kNextActionTypes, v);
}
std::string_view to_string(ProviderEvent::Object v) noexcept {
  return name_in(kEventObjects, v);
}
std::string_view to_string(LogLevel v) noexcept {
  return name_in(kLogLevels, v);
}

std::optional<Operation> parse_operation(std::string_view s) noexcept {
  return parse_in(kOperations, s);
}
std::optional<Mode> parse_mode(std::string_view s) noexcept {
  return parse_in(kModes, s);
}
std::optional<CaptureMethod> parse_capture_method(std::string_view s) noexcept {
  return parse_in(kCaptureMethods, s);
}
std::optional<PaymentStatus> parse_payment_status(std::string_view s) noexcept {
  return parse_in(kPaymentStatuses, s);
}
std::optional<RefundStatus> parse_refund_status(std::string_view s) noexcept {
  return parse_in(kRefundStatuses, s);
}
std::optional<OutcomeKind> parse_outcome_kind(std::string_view s) noexcept {
  return parse_in(kOutcomeKinds, s);
}
std::optional<TransportError> parse_transport_error(std::string_view s) noexcept {
  return parse_in(kTransportErrors, s);
}
std::optional<NextAction::Type> parse_next_action_type(std::string_view s) noexcept {
  return parse_in(kNextActionTypes, s);
}
std::optional<ProviderEvent::Object> parse_event_object(std::string_view s) noexcept {
  return parse_in(kEventObjects, s);
}
std::optional<LogLevel> parse_log_level(std::string_view s) noexcept {
  return parse_in(kLogLevels, s);
}

}  // namespace payd::sdk
