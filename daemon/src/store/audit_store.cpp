#include "store/audit_store.hpp"

#include <openssl/rand.h>

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>
#include <stdexcept>

#include "security/client_ip.hpp"
#include "store/column_values.hpp"
#include "store/pqxx_support.hpp"

namespace payd::store {

namespace json = boost::json;
using columns::text_or_null;

namespace {

constexpr std::size_t kMaxUserAgent = 256;
constexpr std::size_t kMaxRequestId = 128;
constexpr long long kScanPage = 1000;

#define PAYD_AUDIT_COLUMNS                                                           \
  "tenant_id, seq, id, (extract(epoch from occurred_at) * 1000000)::bigint, actor, " \
  "action, target, outcome, request_id, client_ip, user_agent, details::text, "      \
  "encode(prev_hash, 'hex'), encode(hash, 'hex')"

constexpr Statement kStatements[] = {
    // A function owned by the migration's role: the daemon needs no UPDATE on the heads.
    {"audit_lock_head", "SELECT last_seq, encode(head_hash, 'hex') FROM audit_lock_head($1)"},
    {"audit_insert",
     "INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor, action, target, outcome, "
     "request_id, client_ip, user_agent, details, prev_hash, hash) VALUES ($1, $2, $3, "
     "'epoch'::timestamptz + $4::bigint * interval '1 microsecond', $5, $6, $7, $8, $9, $10, "
     "$11, $12::jsonb, decode($13, 'hex'), decode($14, 'hex'))"},
    {"audit_head",
     "SELECT last_seq, encode(head_hash, 'hex') FROM audit_chain_heads WHERE tenant_id = $1"},
    {"audit_tenants", "SELECT tenant_id FROM audit_chain_heads ORDER BY tenant_id"},
    {"audit_scan",
     "SELECT " PAYD_AUDIT_COLUMNS " FROM audit_log WHERE tenant_id = $1 AND seq > $2 AND seq <= $3"
     " ORDER BY seq LIMIT $4"},
    {"audit_list", "SELECT " PAYD_AUDIT_COLUMNS " FROM audit_log WHERE tenant_id = $1"
                   " AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR actor = $3)"
                   " AND ($4::text IS NULL OR target = $4) AND ($5::text IS NULL OR outcome = $5)"
                   " AND ($6::bigint IS NULL OR occurred_at >= 'epoch'::timestamptz + $6::bigint * "
                   "interval '1 microsecond')"
                   " AND ($7::bigint IS NULL OR occurred_at <= 'epoch'::timestamptz + $7::bigint * "
                   "interval '1 microsecond')"
                   " AND ($8::bigint IS NULL OR seq < $8) ORDER BY seq DESC LIMIT $9"},
};

#undef PAYD_AUDIT_COLUMNS

// Printable ASCII only, at most `max` bytes: a header's bytes cannot break the text column
// (invalid UTF-8, NUL) and so cannot make the audited action fail.
std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  for (char ch : s) {
    if (out.size() == max) break;
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(c >= 0x20 && c < 0x7F ? ch : '?');
  }
  return out;
}

// "aud_" and 24 hex digits (96 random bits): unique without asking the database.
std::string new_audit_id() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return "aud_" +
         security::to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string chain_of(std::string_view tenant_id) {
  return tenant_id.empty() ? std::string(core::kPlatformAuditTenant) : std::string(tenant_id);
}

std::string raw_hash(const pqxx::field& f) {
  auto raw = security::from_hex(f.c_str());
  if (!raw || raw->size() != security::kAuditHashSize) {
    throw std::runtime_error("unexpected hash in audit_log");
  }
  return std::move(*raw);
}

security::AuditRow read_row(const pqxx::row& r) {
  security::AuditRow a;
  a.tenant_id = r[0].as<std::string>();
  a.seq = r[1].as<std::int64_t>();
  a.id = r[2].as<std::string>();
  a.occurred_at_us = r[3].as<std::int64_t>();
  a.actor = r[4].as<std::string>();
  a.action = r[5].as<std::string>();
  a.target = r[6].as<std::string>();
  a.outcome = r[7].as<std::string>();
  a.request_id = r[8].as<std::string>();
  a.client_ip = r[9].as<std::string>();
  a.user_agent = r[10].as<std::string>();
  auto details = json::parse(r[11].c_str());
  if (details.is_object()) a.details = std::move(details.as_object());
  a.prev_hash = raw_hash(r[12]);
  a.hash = raw_hash(r[13]);
  return a;
}

}  // namespace

Statements audit_statements() {
  return kStatements;
}

security::AuditRow append_audit(Tx& tx, const core::AuditEntry& entry) {
  security::AuditRow row;
  row.tenant_id = chain_of(entry.tenant_id);
  auto head = tx.sql().exec_prepared("audit_lock_head", row.tenant_id);
  if (head.empty() || head[0][0].is_null()) {
    throw std::runtime_error("no audit chain for tenant " + row.tenant_id);
  }
  row.seq = head[0][0].as<std::int64_t>() + 1;
  row.prev_hash = raw_hash(head[0][1]);
  row.id = new_audit_id();
  row.occurred_at_us = columns::now_us();
  row.actor = entry.actor.empty() ? "system" : entry.actor;
  row.action = entry.action;
  row.target = entry.target;
  row.outcome = std::string(core::to_string(entry.outcome));
  row.request_id = printable(entry.request_id, kMaxRequestId);
  row.client_ip = security::truncate_client_ip(entry.client_ip);
  row.user_agent = printable(entry.user_agent, kMaxUserAgent);
  row.details = entry.details;
  row.hash = security::audit_hash(row);
  // The stored details are the canonical text, so what PostgreSQL keeps is exactly what
  // was hashed (jsonb re-orders keys but keeps every value).
  tx.sql().exec_prepared("audit_insert", row.tenant_id, row.seq, row.id, row.occurred_at_us,
                         row.actor, row.action, row.target, row.outcome, row.request_id,
                         row.client_ip, row.user_agent, security::canonical_json(row.details),
                         security::to_hex(row.prev_hash), security::to_hex(row.hash));
  return row;
}

void begin_snapshot(Tx& tx) {
  tx.sql().exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
}

std::optional<security::ChainLink> audit_chain_head(Tx& tx, std::string_view tenant_id) {
  auto r = tx.sql().exec_prepared("audit_head", chain_of(tenant_id));
  if (r.empty()) return std::nullopt;
  return security::ChainLink{r[0][0].as<std::int64_t>(), raw_hash(r[0][1])};
}

std::vector<std::string> audit_chain_tenants(Tx& tx) {
  std::vector<std::string> out;
  for (const auto& row : tx.sql().exec_prepared("audit_tenants")) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

void scan_audit_chain(Tx& tx, std::string_view tenant_id, std::int64_t upto_seq,
                      const std::function<bool(const security::AuditRow&)>& visit) {
  const auto tenant = chain_of(tenant_id);
  std::int64_t after = 0;
  for (;;) {
    auto r = tx.sql().exec_prepared("audit_scan", tenant, after, upto_seq, kScanPage);
    for (const auto& row : r) {
      auto a = read_row(row);
      after = a.seq;
      if (!visit(a)) return;
    }
    if (r.size() < static_cast<std::size_t>(kScanPage)) return;
  }
}

std::vector<security::AuditRow> list_audit(Tx& tx, std::string_view tenant_id, const AuditFilter& f,
                                           std::optional<std::int64_t> before_seq, unsigned limit) {
  auto r = tx.sql().exec_prepared("audit_list", chain_of(tenant_id), text_or_null(f.action),
                                  text_or_null(f.actor), text_or_null(f.target),
                                  text_or_null(f.outcome), f.created_gte_us, f.created_lte_us,
                                  before_seq, static_cast<long long>(limit));
  std::vector<security::AuditRow> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_row(row));
  return out;
}

}  // namespace payd::store
