#pragma once
// The audit log as the daemon and the CLI use it, over the connection pool: standalone
// security events, the audited reads of GET /api/v1/audit_events..., and verification of a
// chain against its head and an optional checkpoint. Services that change something do not
// come here: they call store::append_audit in their own transaction.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "core/audit_entry.hpp"
#include "security/audit_chain.hpp"
#include "store/audit_store.hpp"
#include "store/store_error.hpp"
#include "store/tx.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::security {

struct AuditPage {
  std::vector<AuditRow> items;
  bool has_more = false;
};

// An exported head: keep it outside the database (a ticket, a signed mail, WORM storage)
// and verify against it later to detect a truncated or rewritten tail.
struct AuditCheckpoint {
  std::string tenant_id;
  ChainLink head;
  std::int64_t at_us = 0;  // when it was exported
};

// Verifies the whole chain of `tenant_id` ("" or "_platform": the platform chain) inside
// `tx`, which should be a consistent snapshot (store::begin_snapshot). For the CLI and
// AuditTrail::verify.
[[nodiscard]] ChainVerdict verify_audit_chain(store::Tx& tx, std::string_view tenant_id,
                                              const std::optional<ChainLink>& checkpoint);

class AuditTrail {
 public:
  explicit AuditTrail(store::ConnectionPool& pool) noexcept : pool_(pool) {}

  // A security event with no other change (a failed login, a permission denial), in a
  // transaction of its own. Coroutine parameters are values.
  boost::asio::awaitable<Result<void, store::StoreError>> record(core::AuditEntry entry);

  // Each read below records `read_event` (action audit.read): list and checkpoint in the
  // read's transaction (a read that cannot be recorded does not happen); verify after the
  // verdict, best effort (see audit_trail.cpp).
  boost::asio::awaitable<Result<AuditPage, store::StoreError>> list(
      core::AuditEntry read_event, std::string tenant_id, store::AuditFilter filter,
      std::optional<std::int64_t> before_seq, unsigned limit);
  boost::asio::awaitable<Result<ChainVerdict, store::StoreError>> verify(
      core::AuditEntry read_event, std::string tenant_id, std::optional<ChainLink> checkpoint);
  boost::asio::awaitable<Result<AuditCheckpoint, store::StoreError>> checkpoint(
      core::AuditEntry read_event, std::string tenant_id);

 private:
  store::ConnectionPool& pool_;
};

}  // namespace payd::security
