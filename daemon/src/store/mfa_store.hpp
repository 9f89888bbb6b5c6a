#pragma once
// TOTP factors, recovery codes, step-up challenges and granted step-ups
// (daemon/sql/0003_users.sql). The seed is stored sealed (security/secret_box.hpp); this
// file never sees it in clear. Single use of codes is enforced here, atomically, by
// conditional UPDATEs: of 50 concurrent submissions of one code exactly one changes a row.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

struct MfaFactorRecord {
  std::string secret_sealed;  // secret_box output
  std::string kek_id;         // hex, which KEK sealed it
  bool confirmed = false;
  bool locked = false;  // too many wrong codes: refuses every code until the lockout ends
};

[[nodiscard]] std::optional<MfaFactorRecord> find_mfa_factor(Tx& tx, std::string_view user_id);

// Stores a new, unconfirmed factor, replacing an unconfirmed one. False (nothing written)
// when the user has a confirmed factor.
[[nodiscard]] bool put_unconfirmed_mfa_factor(Tx& tx, std::string_view user_id,
                                              std::string_view sealed, std::string_view kek_id);

// Replaces the user's recovery codes by these SHA-256 hashes (32 raw bytes each).
void replace_recovery_codes(Tx& tx, std::string_view user_id,
                            const std::vector<std::string>& hashes);

// A wrong code: counts it, and locks the factor for `lockout` at the `max_failures`-th in
// a row. True when this failure locked it.
bool record_wrong_mfa_code(Tx& tx, std::string_view user_id, unsigned max_failures,
                           std::chrono::seconds lockout);
// A right code ends the run of wrong ones.
void clear_wrong_mfa_codes(Tx& tx, std::string_view user_id);

// Accepts the TOTP time step `step` for the user's factor if it is later than every step
// accepted before: one conditional UPDATE, so a code is usable once however many requests
// race. `confirm`: this is the enrolment's first code (the factor must be unconfirmed and
// becomes confirmed); otherwise the factor must be confirmed. False: refused.
[[nodiscard]] bool use_totp_step(Tx& tx, std::string_view user_id, std::int64_t step, bool confirm);

// Marks an unused recovery code with this hash used; false when there is none.
[[nodiscard]] bool use_recovery_code(Tx& tx, std::string_view user_id, std::string_view code_hash);

struct MfaChallengeRecord {
  std::string id;
  std::string user_id;
  std::string tenant_id;
  std::string action;
  bool expired = false;
  bool satisfied = false;
};

// Returns expires_at (ISO 8601 UTC).
std::string insert_mfa_challenge(Tx& tx, std::string_view id, std::string_view user_id,
                                 std::string_view tenant_id, std::string_view action,
                                 std::int64_t ttl_seconds);

// The challenge, locked for the rest of the transaction.
[[nodiscard]] std::optional<MfaChallengeRecord> lock_mfa_challenge(Tx& tx, std::string_view id);

// False when it was satisfied or expired meanwhile.
[[nodiscard]] bool satisfy_mfa_challenge(Tx& tx, std::string_view id);

// A step-up for `scope` lasting ttl_seconds from now (replacing an older one). Returns
// expires_at (ISO 8601 UTC).
std::string grant_step_up(Tx& tx, std::string_view user_id, std::string_view scope,
                          std::int64_t ttl_seconds);

struct StepUpState {
  bool factor_confirmed = false;
  bool step_up_valid = false;  // an unexpired step-up of the scope
};
// One statement (autocommit is enough).
[[nodiscard]] StepUpState step_up_state(Tx& tx, std::string_view user_id, std::string_view scope);

// Removes the factor, its recovery codes and every step-up of the user.
void delete_mfa(Tx& tx, std::string_view user_id);

// Challenges expired for more than a day (nothing refers to them any more).
void purge_mfa_challenges(Tx& tx);

[[nodiscard]] Statements mfa_statements();

}  // namespace payd::store
