#include "security/audit_trail.hpp"

#include <chrono>
#include <limits>

#include "observability/log.hpp"
#include "store/connection_pool.hpp"

namespace payd::security {

namespace asio = boost::asio;

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ChainVerdict verify_audit_chain(store::Tx& tx, std::string_view tenant_id,
                                const std::optional<ChainLink>& checkpoint) {
  const auto head = store::audit_chain_head(tx, tenant_id);
  AuditChainVerifier verifier(checkpoint);
  // Every row, not only those up to the head: a row forged beyond it is a break too.
  store::scan_audit_chain(tx, tenant_id, std::numeric_limits<std::int64_t>::max(),
                          [&](const AuditRow& row) { return verifier.add(row); });
  return verifier.finish(head);
}

asio::awaitable<Result<void, store::StoreError>> AuditTrail::record(core::AuditEntry entry) {
  co_return co_await pool_.transact([&](store::Tx& tx) { (void)store::append_audit(tx, entry); });
}

asio::awaitable<Result<AuditPage, store::StoreError>> AuditTrail::list(
    core::AuditEntry read_event, std::string tenant_id, store::AuditFilter filter,
    std::optional<std::int64_t> before_seq, unsigned limit) {
  AuditPage page;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    (void)store::append_audit(tx, read_event);
    page.items = store::list_audit(tx, tenant_id, filter, before_seq, limit + 1);
  });
  if (!r) co_return fail(r.error());
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.has_more = true;
  }
  co_return page;
}

asio::awaitable<Result<ChainVerdict, store::StoreError>> AuditTrail::verify(
    core::AuditEntry read_event, std::string tenant_id, std::optional<ChainLink> checkpoint) {
  ChainVerdict verdict;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    store::begin_snapshot(tx);
    verdict = verify_audit_chain(tx, tenant_id, checkpoint);
  });
  if (!r) co_return fail(r.error());
  // Recorded after the verdict, and a failure to record it does not withhold the verdict:
  // on a tampered chain the append itself may fail (a forged row sits where the next one
  // goes), which is exactly when the operator needs to see where the chain broke.
  read_event.details["ok"] = verdict.ok;
  const auto request_id = read_event.request_id;
  if (auto recorded = co_await record(std::move(read_event)); !recorded) {
    obs::log_warn("could not record an audit verification in the audit log")
        .str("request_id", request_id)
        .str("detail", recorded.error().detail);
  }
  co_return verdict;
}

asio::awaitable<Result<AuditCheckpoint, store::StoreError>> AuditTrail::checkpoint(
    core::AuditEntry read_event, std::string tenant_id) {
  AuditCheckpoint out;
  out.tenant_id = tenant_id;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    // The head before this export's own audit.read row: the row is the export's receipt.
    auto head = store::audit_chain_head(tx, tenant_id);
    if (head) out.head = std::move(*head);
    (void)store::append_audit(tx, read_event);
  });
  if (!r) co_return fail(r.error());
  out.at_us = now_us();
  co_return out;
}

}  // namespace payd::security
