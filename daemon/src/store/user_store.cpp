#include "store/user_store.hpp"

#include <array>
#include <pqxx/pqxx>

namespace payd::store {

namespace {

constexpr std::array kStatements{
    Statement{"user_by_email",
              "SELECT id, email, password_hash, coalesce(locked_until > now(), false), "
              "disabled_at IS NOT NULL FROM users WHERE email = $1"},
    Statement{"user_email", "SELECT email FROM users WHERE id = $1"},
    Statement{"user_insert", "INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)"},
    Statement{"user_membership_insert",
              "INSERT INTO user_memberships (user_id, tenant_id, role) VALUES ($1, $2, $3) "
              "ON CONFLICT (user_id, tenant_id) DO NOTHING RETURNING 1"},
    Statement{"user_memberships",
              "SELECT m.tenant_id, t.name, m.role FROM user_memberships m "
              "JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1 ORDER BY t.name"},
    // Skips a locked account (see record_login_failure).
    Statement{"user_login_failed",
              "UPDATE users SET "
              "failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 "
              "ELSE failed_logins + 1 END, "
              "locked_until = CASE WHEN failed_logins + 1 >= $2 "
              "THEN now() + $3 * interval '1 second' ELSE locked_until END "
              "WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now()) "
              "RETURNING coalesce(locked_until > now(), false)"},
    Statement{"user_login_succeeded",
              "UPDATE users SET failed_logins = 0 WHERE id = $1 AND failed_logins <> 0"},
};

}  // namespace

std::optional<UserRecord> find_user_by_email(Tx& tx, std::string_view email) {
  auto r = tx.sql().exec_prepared("user_by_email", std::string(email));
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  return UserRecord{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                    row[3].as<bool>(), row[4].as<bool>()};
}

std::optional<std::string> find_user_email(Tx& tx, std::string_view user_id) {
  auto r = tx.sql().exec_prepared("user_email", std::string(user_id));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

void insert_user(Tx& tx, std::string_view id, std::string_view email,
                 std::string_view password_hash) {
  tx.sql().exec_prepared("user_insert", std::string(id), std::string(email),
                         std::string(password_hash));
}

bool add_membership(Tx& tx, std::string_view user_id, std::string_view tenant_id,
                    std::string_view role) {
  return !tx.sql()
              .exec_prepared("user_membership_insert", std::string(user_id), std::string(tenant_id),
                             std::string(role))
              .empty();
}

std::vector<MembershipRecord> list_memberships(Tx& tx, std::string_view user_id) {
  std::vector<MembershipRecord> out;
  for (const auto& row : tx.sql().exec_prepared("user_memberships", std::string(user_id))) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

bool record_login_failure(Tx& tx, std::string_view user_id, unsigned max_failures,
                          std::int64_t lockout_seconds) {
  auto r = tx.sql().exec_prepared("user_login_failed", std::string(user_id),
                                  static_cast<long long>(max_failures),
                                  static_cast<long long>(lockout_seconds));
  // No row: the account was already locked.
  return r.empty() || r[0][0].as<bool>();
}

void record_login_success(Tx& tx, std::string_view user_id) {
  tx.sql().exec_prepared("user_login_succeeded", std::string(user_id));
}

Statements user_statements() {
  return kStatements;
}

}  // namespace payd::store
