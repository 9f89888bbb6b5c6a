#pragma once
// The audit log's rows (daemon/sql/0002_audit.sql, docs/audit.md). Appending is two round
// trips inside the caller's transaction: lock the chain's head (which serialises appends
// within one tenant, so sequence numbers stay gapless), then insert the row hashed onto
// it; a trigger moves the head. If either fails the caller's whole transaction fails, so a
// change is never committed without its audit row.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit_entry.hpp"
#include "security/audit_chain.hpp"
#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

[[nodiscard]] Statements audit_statements();

// Appends `entry` to its tenant's chain (the platform chain when tenant_id is empty) in
// `tx`, and returns the row as written. Truncates the client IP and the user agent and
// replaces bytes that are not printable ASCII in the user agent and request id, so no
// header can make the append (and with it the action) fail.
security::AuditRow append_audit(Tx& tx, const core::AuditEntry& entry);

// The chain's head as audit_chain_heads holds it, without locking; std::nullopt when the
// tenant has no chain.
[[nodiscard]] std::optional<security::ChainLink> audit_chain_head(Tx& tx,
                                                                  std::string_view tenant_id);
// Makes `tx` one consistent, read-only snapshot (REPEATABLE READ): for verification, so a
// row appended meanwhile is not mistaken for a forged one. Must be the first call in `tx`.
void begin_snapshot(Tx& tx);

// Every chain's tenant id ("_platform" included), sorted.
[[nodiscard]] std::vector<std::string> audit_chain_tenants(Tx& tx);

// Calls `visit` with the chain's rows 1 .. upto_seq in sequence order, reading a page at a
// time; stops early when `visit` returns false.
void scan_audit_chain(Tx& tx, std::string_view tenant_id, std::int64_t upto_seq,
                      const std::function<bool(const security::AuditRow&)>& visit);

struct AuditFilter {
  std::string action;  // empty: any
  std::string actor;
  std::string target;
  std::string outcome;
  std::optional<std::int64_t> created_gte_us;
  std::optional<std::int64_t> created_lte_us;
};

// Newest first: rows with seq < before_seq (all when std::nullopt), at most `limit`.
[[nodiscard]] std::vector<security::AuditRow> list_audit(Tx& tx, std::string_view tenant_id,
                                                         const AuditFilter& filter,
                                                         std::optional<std::int64_t> before_seq,
                                                         unsigned limit);

}  // namespace payd::store
