#include "payd/sdk/names.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace payd::sdk {
namespace {

// Every enumerator round-trips, names are unique, and the names are the wire names.
template <typename E, typename Parse>
void expect_round_trip(std::initializer_list<std::pair<E, std::string_view>> all, Parse parse) {
  std::set<std::string_view> names;
  for (const auto& [value, name] : all) {
    EXPECT_EQ(to_string(value), name);
    const auto back = parse(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, value) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), all.size());
  EXPECT_FALSE(parse("").has_value());
  EXPECT_FALSE(parse("unknown_value").has_value());
}

TEST(SdkNames, Operations) {
  expect_round_trip<Operation>({{Operation::authorize, "authorize"},
                                {Operation::capture, "capture"},
                                {Operation::cancel, "cancel"},
                                {Operation::refund, "refund"},
                                {Operation::sync, "sync"},
                                {Operation::sync_refund, "sync_refund"}},
                               parse_operation);
  EXPECT_FALSE(parse_operation("Authorize").has_value());
  EXPECT_TRUE(is_refund_operation(Operation::refund));
  EXPECT_TRUE(is_refund_operation(Operation::sync_refund));
  EXPECT_FALSE(is_refund_operation(Operation::sync));
  EXPECT_FALSE(is_refund_operation(Operation::authorize));
}

TEST(SdkNames, ModesAndCaptureMethods) {
  expect_round_trip<Mode>({{Mode::test, "test"}, {Mode::live, "live"}}, parse_mode);
  expect_round_trip<CaptureMethod>(
      {{CaptureMethod::automatic, "automatic"}, {CaptureMethod::manual, "manual"}},
      parse_capture_method);
}

TEST(SdkNames, Statuses) {
  expect_round_trip<PaymentStatus>({{PaymentStatus::requires_action, "requires_action"},
                                    {PaymentStatus::processing, "processing"},
                                    {PaymentStatus::requires_capture, "requires_capture"},
                                    {PaymentStatus::succeeded, "succeeded"},
                                    {PaymentStatus::canceled, "canceled"},
                                    {PaymentStatus::failed, "failed"},
                                    {PaymentStatus::expired, "expired"}},
                                   parse_payment_status);
  expect_round_trip<RefundStatus>({{RefundStatus::pending, "pending"},
                                   {RefundStatus::succeeded, "succeeded"},
                                   {RefundStatus::failed, "failed"},
                                   {RefundStatus::canceled, "canceled"}},
                                  parse_refund_status);
}

TEST(SdkNames, OutcomeKindsAndTransportErrors) {
  expect_round_trip<OutcomeKind>({{OutcomeKind::processed, "processed"},
                                  {OutcomeKind::pending, "pending"},
                                  {OutcomeKind::declined, "declined"},
                                  {OutcomeKind::not_attempted, "not_attempted"},
                                  {OutcomeKind::unknown, "unknown"}},
                                 parse_outcome_kind);
  expect_round_trip<TransportError>({{TransportError::none, "none"},
                                     {TransportError::timeout, "timeout"},
                                     {TransportError::connect, "connect"},
                                     {TransportError::tls, "tls"},
                                     {TransportError::reset, "reset"},
                                     {TransportError::too_large, "too_large"},
                                     {TransportError::redirect, "redirect"},
                                     {TransportError::protocol, "protocol"}},
                                    parse_transport_error);
}

TEST(SdkNames, NextActionsEventsAndLogLevels) {
  expect_round_trip<NextAction::Type>({{NextAction::Type::redirect, "redirect"},
                                       {NextAction::Type::qr_code, "qr_code"},
                                       {NextAction::Type::crypto_transfer, "crypto_transfer"}},
                                      parse_next_action_type);
  expect_round_trip<ProviderEvent::Object>(
      {{ProviderEvent::Object::payment, "payment"}, {ProviderEvent::Object::refund, "refund"}},
      parse_event_object);
  expect_round_trip<LogLevel>({{LogLevel::debug, "debug"},
                               {LogLevel::info, "info"},
                               {LogLevel::warn, "warn"},
                               {LogLevel::error, "error"}},
                              parse_log_level);
}

}  // namespace
}  // namespace payd::sdk
