#pragma once
// Tenants: the top of the ownership tree (every API key, payment ... belongs to one).
// Repository functions take the caller's transaction so that services can compose them.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

struct TenantRecord {
  std::string id;          // "ten_..."
  std::string name;        // unique; matches is_valid_tenant_name()
  std::string created_at;  // ISO 8601 UTC, e.g. 2025-01-31T12:00:00Z
};

// The tenants.name CHECK constraint: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$. Check it before
// inserting to give a clear message instead of a constraint violation.
[[nodiscard]] bool is_valid_tenant_name(std::string_view name) noexcept;

// Inserts a tenant with the id the caller generated. The only expected failure is a name
// already taken: then nothing is inserted, the transaction stays usable and the error is
// "tenant NAME already exists". An invalid name throws (check violation).
[[nodiscard]] Result<TenantRecord, std::string> create_tenant(Tx& tx, std::string_view id,
                                                              std::string_view name);

[[nodiscard]] std::optional<TenantRecord> find_tenant_by_name(Tx& tx, std::string_view name);
[[nodiscard]] std::optional<TenantRecord> find_tenant_by_id(Tx& tx, std::string_view id);

// Prepared on every pooled connection (prepared_statements.cpp).
[[nodiscard]] Statements tenant_statements();

}  // namespace payd::store
