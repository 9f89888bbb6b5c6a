#include "store/tenant_store.hpp"

#include <array>
#include <pqxx/pqxx>

namespace payd::store {

namespace {

#define PAYD_TENANT_COLUMNS \
  "id, name, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

// ON CONFLICT DO NOTHING: a taken name returns no row instead of aborting the caller's
// transaction with a unique violation.
constexpr std::array kStatements{
    Statement{"tenant_insert",
              "INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING "
              "RETURNING " PAYD_TENANT_COLUMNS},
    Statement{"tenant_by_name", "SELECT " PAYD_TENANT_COLUMNS " FROM tenants WHERE name = $1"},
    Statement{"tenant_by_id", "SELECT " PAYD_TENANT_COLUMNS " FROM tenants WHERE id = $1"},
};

#undef PAYD_TENANT_COLUMNS

TenantRecord read_tenant(const pqxx::row& row) {
  return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()};
}

std::optional<TenantRecord> first(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return read_tenant(r[0]);
}

}  // namespace

bool is_valid_tenant_name(std::string_view name) noexcept {
  auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  };
  if (name.empty() || name.size() > 64 || !alnum(name.front())) return false;
  for (char c : name.substr(1)) {
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Result<TenantRecord, std::string> create_tenant(Tx& tx, std::string_view id,
                                                std::string_view name) {
  auto r = tx.sql().exec_prepared("tenant_insert", std::string(id), std::string(name));
  if (r.empty()) return fail("tenant " + std::string(name) + " already exists");
  return read_tenant(r[0]);
}

std::optional<TenantRecord> find_tenant_by_name(Tx& tx, std::string_view name) {
  return first(tx.sql().exec_prepared("tenant_by_name", std::string(name)));
}

std::optional<TenantRecord> find_tenant_by_id(Tx& tx, std::string_view id) {
  return first(tx.sql().exec_prepared("tenant_by_id", std::string(id)));
}

Statements tenant_statements() {
  return kStatements;
}

}  // namespace payd::store
