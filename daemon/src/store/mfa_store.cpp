#include "store/mfa_store.hpp"

#include <array>
#include <pqxx/pqxx>

#include "store/column_values.hpp"

namespace payd::store {

namespace {

#define PAYD_ISO(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

constexpr std::array kStatements{
    Statement{"mfa_factor_find",
              "SELECT secret_sealed, kek_id, confirmed_at IS NOT NULL, "
              "coalesce(locked_until > now(), false) FROM mfa_factors WHERE user_id = $1"},
    Statement{"mfa_wrong_code",
              "UPDATE mfa_factors SET failed_codes = failed_codes + 1, "
              "locked_until = CASE WHEN failed_codes + 1 >= $2 "
              "THEN now() + $3::bigint * interval '1 second' ELSE locked_until END "
              "WHERE user_id = $1 RETURNING failed_codes >= $2"},
    Statement{"mfa_clear_wrong_codes",
              "UPDATE mfa_factors SET failed_codes = 0, locked_until = NULL "
              "WHERE user_id = $1 AND (failed_codes <> 0 OR locked_until IS NOT NULL)"},
    Statement{"mfa_factor_put",
              "INSERT INTO mfa_factors (user_id, secret_sealed, kek_id) VALUES ($1, $2, $3) "
              "ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, "
              "kek_id = EXCLUDED.kek_id, created_at = now(), last_used_step = NULL "
              "WHERE mfa_factors.confirmed_at IS NULL RETURNING 1"},
    Statement{"mfa_recovery_delete", "DELETE FROM mfa_recovery_codes WHERE user_id = $1"},
    Statement{"mfa_recovery_insert",
              "INSERT INTO mfa_recovery_codes (user_id, code_hash) "
              "SELECT $1, decode(h, 'hex') FROM unnest($2::text[]) AS h"},
    // The single-use rule: the step must be later than any accepted before.
    Statement{"mfa_use_step",
              "UPDATE mfa_factors SET last_used_step = $2, "
              "confirmed_at = CASE WHEN $3 THEN now() ELSE confirmed_at END "
              "WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2) "
              "AND (CASE WHEN $3 THEN confirmed_at IS NULL ELSE confirmed_at IS NOT NULL END) "
              "RETURNING 1"},
    Statement{"mfa_use_recovery",
              "UPDATE mfa_recovery_codes SET used_at = now() "
              "WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1"},
    Statement{"mfa_challenge_insert",
              "INSERT INTO mfa_challenges (id, user_id, tenant_id, action, expires_at) "
              "VALUES ($1, $2, $3, $4, now() + $5 * interval '1 second') "
              "RETURNING " PAYD_ISO("expires_at")},
    Statement{"mfa_challenge_lock",
              "SELECT id, user_id, tenant_id, action, expires_at <= now(), "
              "satisfied_at IS NOT NULL FROM mfa_challenges WHERE id = $1 FOR UPDATE"},
    Statement{"mfa_challenge_satisfy",
              "UPDATE mfa_challenges SET satisfied_at = now() "
              "WHERE id = $1 AND satisfied_at IS NULL AND expires_at > now() RETURNING 1"},
    Statement{"mfa_step_up_grant",
              "INSERT INTO mfa_step_ups (user_id, scope, expires_at) "
              "VALUES ($1, $2, now() + $3 * interval '1 second') "
              "ON CONFLICT (user_id, scope) DO UPDATE SET expires_at = EXCLUDED.expires_at "
              "RETURNING " PAYD_ISO("expires_at")},
    Statement{"mfa_step_up_state",
              "SELECT EXISTS (SELECT 1 FROM mfa_factors WHERE user_id = $1 "
              "AND confirmed_at IS NOT NULL), "
              "EXISTS (SELECT 1 FROM mfa_step_ups WHERE user_id = $1 AND scope = $2 "
              "AND expires_at > now())"},
    Statement{"mfa_delete",
              "WITH f AS (DELETE FROM mfa_factors WHERE user_id = $1), "
              "r AS (DELETE FROM mfa_recovery_codes WHERE user_id = $1) "
              "DELETE FROM mfa_step_ups WHERE user_id = $1"},
    Statement{"mfa_challenge_purge",
              "DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 day'"},
};

#undef PAYD_ISO

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

pqxx::binarystring bytes(std::string_view s) {
  return pqxx::binarystring(s.data(), s.size());
}

}  // namespace

std::optional<MfaFactorRecord> find_mfa_factor(Tx& tx, std::string_view user_id) {
  auto r = tx.sql().exec_prepared("mfa_factor_find", std::string(user_id));
  if (r.empty()) return std::nullopt;
  return MfaFactorRecord{pqxx::binarystring(r[0][0]).str(), r[0][1].as<std::string>(),
                         r[0][2].as<bool>(), r[0][3].as<bool>()};
}

bool record_wrong_mfa_code(Tx& tx, std::string_view user_id, unsigned max_failures,
                           std::chrono::seconds lockout) {
  auto r =
      tx.sql().exec_prepared("mfa_wrong_code", std::string(user_id), static_cast<int>(max_failures),
                             static_cast<long long>(lockout.count()));
  return !r.empty() && r[0][0].as<bool>();
}

void clear_wrong_mfa_codes(Tx& tx, std::string_view user_id) {
  tx.sql().exec_prepared("mfa_clear_wrong_codes", std::string(user_id));
}

bool put_unconfirmed_mfa_factor(Tx& tx, std::string_view user_id, std::string_view sealed,
                                std::string_view kek_id) {
  return !tx.sql()
              .exec_prepared("mfa_factor_put", std::string(user_id), bytes(sealed),
                             std::string(kek_id))
              .empty();
}

void replace_recovery_codes(Tx& tx, std::string_view user_id,
                            const std::vector<std::string>& hashes) {
  tx.sql().exec_prepared("mfa_recovery_delete", std::string(user_id));
  std::vector<std::string> hexed;
  hexed.reserve(hashes.size());
  for (const auto& h : hashes) hexed.push_back(hex(h));
  tx.sql().exec_prepared("mfa_recovery_insert", std::string(user_id), columns::text_array(hexed));
}

bool use_totp_step(Tx& tx, std::string_view user_id, std::int64_t step, bool confirm) {
  return !tx.sql()
              .exec_prepared("mfa_use_step", std::string(user_id), static_cast<long long>(step),
                             confirm)
              .empty();
}

bool use_recovery_code(Tx& tx, std::string_view user_id, std::string_view code_hash) {
  return !tx.sql()
              .exec_prepared("mfa_use_recovery", std::string(user_id), bytes(code_hash))
              .empty();
}

std::string insert_mfa_challenge(Tx& tx, std::string_view id, std::string_view user_id,
                                 std::string_view tenant_id, std::string_view action,
                                 std::int64_t ttl_seconds) {
  auto r = tx.sql().exec_prepared("mfa_challenge_insert", std::string(id), std::string(user_id),
                                  std::string(tenant_id), std::string(action),
                                  static_cast<long long>(ttl_seconds));
  return r[0][0].as<std::string>();
}

std::optional<MfaChallengeRecord> lock_mfa_challenge(Tx& tx, std::string_view id) {
  auto r = tx.sql().exec_prepared("mfa_challenge_lock", std::string(id));
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  return MfaChallengeRecord{row[0].as<std::string>(), row[1].as<std::string>(),
                            row[2].as<std::string>(), row[3].as<std::string>(),
                            row[4].as<bool>(),        row[5].as<bool>()};
}

bool satisfy_mfa_challenge(Tx& tx, std::string_view id) {
  return !tx.sql().exec_prepared("mfa_challenge_satisfy", std::string(id)).empty();
}

std::string grant_step_up(Tx& tx, std::string_view user_id, std::string_view scope,
                          std::int64_t ttl_seconds) {
  auto r = tx.sql().exec_prepared("mfa_step_up_grant", std::string(user_id), std::string(scope),
                                  static_cast<long long>(ttl_seconds));
  return r[0][0].as<std::string>();
}

StepUpState step_up_state(Tx& tx, std::string_view user_id, std::string_view scope) {
  auto r = tx.sql().exec_prepared("mfa_step_up_state", std::string(user_id), std::string(scope));
  return {r[0][0].as<bool>(), r[0][1].as<bool>()};
}

void delete_mfa(Tx& tx, std::string_view user_id) {
  tx.sql().exec_prepared("mfa_delete", std::string(user_id));
}

void purge_mfa_challenges(Tx& tx) {
  tx.sql().exec_prepared("mfa_challenge_purge");
}

Statements mfa_statements() {
  return kStatements;
}

}  // namespace payd::store
