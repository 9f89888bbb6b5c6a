#pragma once
// What a well-formed Outcome looks like, checked in one place: the conformance kit fails a
// plugin on it, and the core refuses (records as `unknown`) an outcome that breaks it.
//
// validate_outcome(op, outcome) returns std::nullopt when the outcome is valid, else the first
// broken rule as one sentence. "Payment operations" are authorize, capture, cancel and sync;
// "refund operations" are refund and sync_refund.
//
// Every kind
//   1. An error, when present, has a non-empty unified `code`.
//   2. Amounts, when present, are >= 0; retry_after, when present, is >= 0.
//   3. Payment operations never set refund_status; refund operations never set status or
//      next_action.
//   4. next_action appears only with status requires_action and is complete: redirect needs
//      `url`; qr_code needs `qr_data` or `url`; crypto_transfer needs `crypto` with `address`
//      and `crypto_amount`.
//   5. An authorize outcome with status requires_action carries a next_action (sync may omit
//      it: the core keeps the one it has).
// processed: the provider did it; the result is final for this operation
//   6. Payment operations carry a status; refund operations carry a refund_status.
//   7. The status fits the operation: authorize -> requires_action, processing,
//      requires_capture or succeeded (a refusal is `declined`, not processed + failed);
//      capture -> succeeded, processing or requires_capture (partial capture);
//      cancel -> canceled; refund -> succeeded (a refusal is `declined`, an accepted refund
//      not yet done is `pending`); sync and sync_refund -> any (they report the truth).
//   8. authorize and refund carry provider_ref (later operations need it).
// pending: accepted, the final state comes by webhook or sync
//   9. status, when set, is processing or requires_action; refund_status, when set, is pending.
//  10. authorize and refund carry provider_ref.
// declined: the provider refused
//  11. Carries an error (with a code, rule 1).
//  12. Claims neither success nor progress: status is not succeeded, processing or
//      requires_action; refund_status is not succeeded or pending.
// not_attempted: certainly never reached the provider (safe to fail over)
//  13. Claims no change: no status, no refund_status, no next_action.
//  14. Carries an error saying why (with a code, rule 1).
// unknown: may or may not have happened (reconcile by sync)
//  15. status, when set, is processing; refund_status, when set, is pending; no next_action.
//
// validate_event(event) checks one ProviderEvent from on_webhook:
//   event_id and raw_type are non-empty; provider_ref or payd_id is non-empty; a payment
//   event sets no refund_status and a refund event no status; amounts are >= 0.

#include <optional>
#include <string>

#include "payd/sdk/types.hpp"

namespace payd::sdk {

[[nodiscard]] std::optional<std::string> validate_outcome(Operation op, const Outcome& outcome);
[[nodiscard]] std::optional<std::string> validate_event(const ProviderEvent& event);

}  // namespace payd::sdk
