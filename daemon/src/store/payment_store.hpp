#pragma once
// Payments, their attempts, refunds and events: the repository functions the payments
// core composes into transactions. Every query filters on tenant_id (and mode where the
// row has one): a caller can never reach another tenant's or mode's rows.

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "store/payment_records.hpp"
#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

Statements payment_statements();

// Sets created_at/updated_at (unix microseconds, from payd's clock) when not set.
void insert_payment(Tx& tx, PaymentRecord& p);
[[nodiscard]] std::optional<PaymentRecord> find_payment(Tx& tx, std::string_view tenant_id,
                                                        sdk::Mode mode, std::string_view id);
struct PaymentWithAttempts {
  PaymentRecord payment;
  std::vector<AttemptRecord> attempts;  // oldest first
};
// One statement (no transaction needed): the payment and all its attempts.
[[nodiscard]] std::optional<PaymentWithAttempts> find_payment_with_attempts(
    Tx& tx, std::string_view tenant_id, sdk::Mode mode, std::string_view id);
// Locks the row until the transaction ends (operations on one payment serialise).
[[nodiscard]] std::optional<PaymentRecord> lock_payment(Tx& tx, std::string_view tenant_id,
                                                        sdk::Mode mode, std::string_view id);
// The same for the reconciler, whose jobs carry the tenant but not the mode.
[[nodiscard]] std::optional<PaymentRecord> lock_payment_any_mode(Tx& tx, std::string_view tenant_id,
                                                                 std::string_view id);
// Writes the mutable fields if the row is still at p.version; p.version becomes the new
// version and updated_at now. False when someone else changed it first (optimistic
// concurrency).
[[nodiscard]] bool update_payment(Tx& tx, PaymentRecord& p);
// Newest first, after `after` when given; at most `limit` rows.
[[nodiscard]] std::vector<PaymentRecord> list_payments(Tx& tx, std::string_view tenant_id,
                                                       sdk::Mode mode, const PaymentFilter& filter,
                                                       const std::optional<ListPosition>& after,
                                                       unsigned limit);

// Adds `amount` to amount_refunded when the payment is succeeded and the total stays
// within amount_received; the row lock makes concurrent refunds queue here. Returns the
// updated payment, or nothing when the reservation is refused.
[[nodiscard]] std::optional<PaymentRecord> reserve_refund(Tx& tx, std::string_view tenant_id,
                                                          sdk::Mode mode,
                                                          std::string_view payment_id,
                                                          std::int64_t amount);
// Gives back a failed refund's reservation.
void release_refund(Tx& tx, std::string_view tenant_id, std::string_view payment_id,
                    std::int64_t amount);

// Set started_at_us / finished_at_us (payd's clock) when not set, so the record returned to
// the caller shows the times the database holds.
void insert_attempt(Tx& tx, AttemptRecord& a);
void finish_attempt(Tx& tx, AttemptRecord& a);
// Marks the payment's unanswered attempts older than `older_than` (other than
// `except_id`) `unknown` with error code outcome_lost: payd died before their answer.
void abandon_attempts(Tx& tx, std::string_view tenant_id, std::string_view payment_id,
                      std::string_view except_id, std::chrono::seconds older_than);
[[nodiscard]] std::vector<AttemptRecord> list_attempts(Tx& tx, std::string_view tenant_id,
                                                       std::string_view payment_id);

void insert_refund(Tx& tx, RefundRecord& r);
[[nodiscard]] std::optional<RefundRecord> find_refund(Tx& tx, std::string_view tenant_id,
                                                      sdk::Mode mode, std::string_view id);
[[nodiscard]] std::optional<RefundRecord> lock_refund_any_mode(Tx& tx, std::string_view tenant_id,
                                                               std::string_view id);
[[nodiscard]] bool update_refund(Tx& tx, RefundRecord& r);
[[nodiscard]] std::vector<RefundRecord> list_refunds(Tx& tx, std::string_view tenant_id,
                                                     sdk::Mode mode, std::string_view payment_id,
                                                     const std::optional<ListPosition>& after,
                                                     unsigned limit);

void insert_event(Tx& tx, const EventRecord& e);

}  // namespace payd::store
