#pragma once
// What the PaymentService's sources (payments, refunds) share: mapping records to the
// plugin's view and to events, new attempts, page trimming and the common errors. Not a
// public interface of core/.

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit_entry.hpp"
#include "core/payment_service.hpp"
#include "http/api_error.hpp"
#include "payd/sdk/types.hpp"
#include "store/payment_records.hpp"
#include "store/tx.hpp"

namespace payd::core::detail {

// An uncertain payment or refund is first synced this long after the outcome.
inline constexpr std::chrono::seconds kFirstSyncDelay{10};
inline constexpr unsigned kMaxListPage = 100;

[[nodiscard]] http::ApiError payment_not_found(std::string_view id);
[[nodiscard]] http::ApiError refund_not_found(std::string_view id);
// 400 CAPABILITY_NOT_SUPPORTED: "Connector 'x' <cannot>."
[[nodiscard]] http::ApiError capability_missing(std::string_view connector_id,
                                                std::string_view cannot,
                                                std::optional<std::string> param = {});

// The summary kept on the payment: {type: card, last4} for a card number, else the
// method's id. Never the number itself.
[[nodiscard]] boost::json::value payment_method_summary(std::string_view payment_method,
                                                        const std::vector<std::string>& types);
// What the plugin sees of a stored payment (no payment_method: it is never stored).
[[nodiscard]] sdk::PaymentView payment_view(const store::PaymentRecord& p);

// "payment.<status>" / "refund.<status>" unless `type` is given.
[[nodiscard]] store::EventRecord payment_event(const store::PaymentRecord& p,
                                               std::string type = {});
[[nodiscard]] store::EventRecord refund_event(const store::RefundRecord& r, std::string type = {});

// A new attempt of `op` on the payment's connector, with its outbound idempotency key:
// stable for the attempt, so a sync after a crash and a retried exchange are the same
// request to the provider.
[[nodiscard]] store::AttemptRecord new_attempt(const store::PaymentRecord& p, sdk::Operation op,
                                               std::optional<std::int64_t> amount);

// The audit row of `action` on `target` ("payment:pay_…") by the caller, for
// store::append_audit in the transaction of the change.
[[nodiscard]] core::AuditEntry audit_of(const Caller& caller, std::string action,
                                        std::string target,
                                        AuditOutcome outcome = AuditOutcome::success);

// The Idempotency-Key's recovery point, in the transaction that creates `id`.
void mark_idempotent_resource(store::Tx& tx, const Caller& caller, std::string_view type,
                              std::string_view id);

[[nodiscard]] std::int64_t unix_now();

// Whether a `processing` payment's last operation (refunds aside) has an uncertain
// outcome: answered `unknown` or `pending`, or unanswered for longer than
// `in_flight_timeout` (payd died between the call and the commit). A fresh unanswered
// operation is simply in flight. `attempts` in start order.
[[nodiscard]] bool outcome_uncertain(const std::vector<store::AttemptRecord>& attempts,
                                     std::int64_t now_unix_us,
                                     std::chrono::seconds in_flight_timeout);
// The same for a payment under its row lock: false unless it is `processing`.
[[nodiscard]] bool payment_uncertain(store::Tx& tx, const store::PaymentRecord& p,
                                     std::chrono::seconds in_flight_timeout);

[[nodiscard]] inline unsigned page_limit(unsigned requested) {
  return requested < 1 ? 1 : (requested > kMaxListPage ? kMaxListPage : requested);
}

// Lists fetch limit + 1 rows: the extra one only says whether there is more.
template <typename T>
[[nodiscard]] bool trim_page(std::vector<T>& items, unsigned limit) {
  if (items.size() <= limit) return false;
  items.resize(limit);
  return true;
}

}  // namespace payd::core::detail
