#include "store/principal_store.hpp"

#include <array>
#include <pqxx/pqxx>

#include "store/column_values.hpp"
#include "store/connection_pool.hpp"

namespace payd::store {

namespace {

constexpr std::array kStatements{
    Statement{"principal_user",
              "SELECT u.disabled_at IS NOT NULL, m.tenant_id, t.name, m.role FROM users u "
              "LEFT JOIN user_memberships m ON m.user_id = u.id "
              "LEFT JOIN tenants t ON t.id = m.tenant_id WHERE u.id = $1 ORDER BY t.name"},
    Statement{"principal_key",
              "SELECT k.id, k.tenant_id, t.name, k.mode, k.kind, k.last4, k.role, "
              "array_to_json(k.scopes)::text, k.revoked_at IS NOT NULL "
              "FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.id = $1"},
};

}  // namespace

boost::asio::awaitable<Result<std::optional<UserPrincipalRecord>, StoreError>>
lookup_user_principal(ConnectionPool& pool, std::string user_id) {
  std::optional<UserPrincipalRecord> found;
  auto r = co_await pool.read_once([&](Tx& tx) {
    for (const auto& row : tx.sql().exec_prepared("principal_user", user_id)) {
      if (!found) found.emplace().disabled = row[0].as<bool>();
      if (row[1].is_null()) continue;
      found->memberships.push_back(
          {row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()});
    }
  });
  if (!r) co_return fail(r.error());
  co_return found;
}

boost::asio::awaitable<Result<std::optional<TokenKeyRecord>, StoreError>> lookup_key_by_id(
    ConnectionPool& pool, std::string key_id) {
  std::optional<TokenKeyRecord> found;
  auto r = co_await pool.read_once([&](Tx& tx) {
    auto rows = tx.sql().exec_prepared("principal_key", key_id);
    if (rows.empty()) return;
    const auto& row = rows[0];
    TokenKeyRecord k;
    k.id = row[0].as<std::string>();
    k.tenant_id = row[1].as<std::string>();
    k.tenant_name = row[2].as<std::string>();
    k.mode = row[3].as<std::string>();
    k.kind = row[4].as<std::string>();
    k.last4 = row[5].as<std::string>();
    if (!row[6].is_null()) k.role = row[6].as<std::string>();
    k.scopes = columns::read_text_array(row[7]);
    k.revoked = row[8].as<bool>();
    found = std::move(k);
  });
  if (!r) co_return fail(r.error());
  co_return found;
}

Statements principal_statements() {
  return kStatements;
}

}  // namespace payd::store
