#pragma once
// Users, their tenant memberships and the login bookkeeping (daemon/sql/0003_users.sql).
// Only the scrypt hash of a password is stored (security/password_hash.hpp); e-mail
// addresses are stored lower-case.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

struct UserRecord {
  std::string id;  // "usr_..."
  std::string email;
  std::string password_hash;
  bool locked = false;    // locked_until is in the future
  bool disabled = false;  // disabled_at is set
};

struct MembershipRecord {
  std::string tenant_id;
  std::string tenant_name;
  std::string role;  // one of security::Role's names
};

[[nodiscard]] std::optional<UserRecord> find_user_by_email(Tx& tx, std::string_view email);

// Throws on a duplicate e-mail address (the caller looked it up first in the same
// transaction).
void insert_user(Tx& tx, std::string_view id, std::string_view email,
                 std::string_view password_hash);

// False when the user already belongs to the tenant (nothing changes then).
[[nodiscard]] bool add_membership(Tx& tx, std::string_view user_id, std::string_view tenant_id,
                                  std::string_view role);

// The user's e-mail address (std::nullopt: no such user).
[[nodiscard]] std::optional<std::string> find_user_email(Tx& tx, std::string_view user_id);

// The user's tenants, by tenant name.
[[nodiscard]] std::vector<MembershipRecord> list_memberships(Tx& tx, std::string_view user_id);

// One more wrong password: when it reaches `max_failures` the account is locked for
// `lockout_seconds` and the count starts again. A locked account's failures do not extend
// the lockout (an attacker could otherwise keep it locked for ever at no cost). Returns
// whether the account is locked now.
bool record_login_failure(Tx& tx, std::string_view user_id, unsigned max_failures,
                          std::int64_t lockout_seconds);

// A successful login clears the count of wrong passwords (no write when it is already 0).
void record_login_success(Tx& tx, std::string_view user_id);

// Prepared on every pooled connection (prepared_statements.cpp).
[[nodiscard]] Statements user_statements();

}  // namespace payd::store
