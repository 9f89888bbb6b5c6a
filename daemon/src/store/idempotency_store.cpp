#include "store/idempotency_store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

#include "payd/sdk/names.hpp"
#include "store/pqxx_support.hpp"

namespace payd::store {

namespace {

namespace json = boost::json;

// locked_at as exact unix microseconds (extract returns numeric since PostgreSQL 14).
#define PAYD_IDEM_TOKEN "(extract(epoch from locked_at) * 1000000)::bigint"
#define PAYD_IDEM_KEY "tenant_id = $1 AND mode = $2 AND key = $3"

constexpr Statement kStatements[] = {
    // ON CONFLICT DO NOTHING waits for a concurrent uncommitted claim of the same key and
    // then returns no row: the caller reads the winner's row instead.
    {"idem_insert",
     "INSERT INTO idempotency_keys (tenant_id, mode, key, fingerprint, method, path, state) "
     "VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6, 'in_progress') "
     "ON CONFLICT (tenant_id, mode, key) DO NOTHING RETURNING " PAYD_IDEM_TOKEN},
    {"idem_find",
     "SELECT fingerprint = decode($4, 'hex'), method, path, state, resource_type, resource_id, "
     "response_status, response_headers::text, response_body, " PAYD_IDEM_TOKEN ", "
     "locked_at <= clock_timestamp() - $5::bigint * interval '1 millisecond', "
     "($6::bigint IS NOT NULL AND created_at < clock_timestamp() - $6::bigint * interval '1 "
     "second') FROM idempotency_keys WHERE " PAYD_IDEM_KEY},
    {"idem_delete_expired",
     "DELETE FROM idempotency_keys WHERE " PAYD_IDEM_KEY
     " AND created_at < clock_timestamp() - $4::bigint * interval '1 second'"},
    // Compare-and-set on the old locked_at: of several concurrent takers, the first one's
    // update changes locked_at, so the others (re-checking the row after its commit) match
    // nothing.
    {"idem_take_over",
     "UPDATE idempotency_keys SET locked_at = clock_timestamp() WHERE " PAYD_IDEM_KEY
     " AND state = 'in_progress' AND resource_id IS NULL AND " PAYD_IDEM_TOKEN
     " = $4 RETURNING " PAYD_IDEM_TOKEN},
    {"idem_lock", "SELECT resource_type, resource_id FROM idempotency_keys WHERE " PAYD_IDEM_KEY
                  " AND state = 'in_progress' AND " PAYD_IDEM_TOKEN " = $4 FOR UPDATE"},
    {"idem_complete",
     "UPDATE idempotency_keys SET state = 'completed', response_status = $5, "
     "response_headers = $6::jsonb, response_body = $7, completed_at = clock_timestamp() "
     "WHERE " PAYD_IDEM_KEY " AND state = 'in_progress' AND " PAYD_IDEM_TOKEN " = $4"},
    {"idem_release",
     "DELETE FROM idempotency_keys WHERE " PAYD_IDEM_KEY
     " AND state = 'in_progress' AND resource_id IS NULL AND " PAYD_IDEM_TOKEN " = $4"},
    {"idem_abandon",
     "UPDATE idempotency_keys SET locked_at = 'epoch' WHERE " PAYD_IDEM_KEY
     " AND state = 'in_progress' AND resource_id IS NOT NULL AND " PAYD_IDEM_TOKEN " = $4"},
    {"idem_mark_resource",
     "UPDATE idempotency_keys SET resource_type = $4, resource_id = $5 WHERE " PAYD_IDEM_KEY
     " AND state = 'in_progress'"},
    // SKIP LOCKED: a row held by a running request (or another daemon's purge) waits for
    // the next pass instead of blocking this one.
    {"idem_purge",
     "DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys "
     "WHERE created_at < clock_timestamp() - $1::bigint * interval '1 second' "
     "LIMIT $2 FOR UPDATE SKIP LOCKED)"},
};

#undef PAYD_IDEM_KEY
#undef PAYD_IDEM_TOKEN

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string str(const pqxx::field& f) {
  return f.is_null() ? std::string() : f.as<std::string>();
}

std::string headers_json(const std::vector<std::pair<std::string, std::string>>& headers) {
  json::array out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) out.push_back(json::array{name, value});
  return json::serialize(out);
}

std::vector<std::pair<std::string, std::string>> read_headers(const pqxx::field& f) {
  std::vector<std::pair<std::string, std::string>> out;
  if (f.is_null()) return out;
  const json::value v = json::parse(f.c_str());
  if (!v.is_array()) throw std::runtime_error("unexpected response_headers in the database");
  for (const auto& item : v.as_array()) {
    const auto* pair = item.if_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() ||
        !(*pair)[1].is_string()) {
      throw std::runtime_error("unexpected response_headers in the database");
    }
    out.emplace_back(std::string((*pair)[0].as_string()), std::string((*pair)[1].as_string()));
  }
  return out;
}

std::optional<long long> retention_seconds(std::chrono::seconds retention) {
  if (retention.count() <= 0) return std::nullopt;
  return static_cast<long long>(retention.count());
}

// How often the claim re-reads a row that changed under it (released, expired, taken
// over by someone else) before answering "in progress".
constexpr int kClaimRounds = 4;

}  // namespace

Statements idempotency_statements() {
  return kStatements;
}

IdempotencyClaim claim_idempotency_key(Tx& tx, const IdempotencyClaimRequest& rq) {
  auto& sql = tx.sql();
  const auto& id = rq.id;
  const std::string fingerprint = hex(rq.fingerprint);
  IdempotencyClaim out;
  for (int round = 0; round < kClaimRounds; ++round) {
    auto inserted = sql.exec_prepared("idem_insert", id.tenant_id, id.mode, id.key, fingerprint,
                                      rq.method, rq.path);
    if (!inserted.empty()) {
      out.kind = IdempotencyClaim::Kind::claimed;
      out.token = inserted[0][0].as<std::int64_t>();
      return out;
    }
    auto found = sql.exec_prepared("idem_find", id.tenant_id, id.mode, id.key, fingerprint,
                                   static_cast<long long>(rq.stale_after.count()),
                                   retention_seconds(rq.retention));
    if (found.empty()) continue;  // released or purged since the insert: claim again
    const auto& row = found[0];
    if (row[11].as<bool>()) {
      // Expired but not purged yet: the key starts afresh.
      (void)sql.exec_prepared("idem_delete_expired", id.tenant_id, id.mode, id.key,
                              static_cast<long long>(rq.retention.count()));
      continue;
    }
    out.method = str(row[1]);
    out.path = str(row[2]);
    if (!row[0].as<bool>()) {
      out.kind = IdempotencyClaim::Kind::mismatch;
      return out;
    }
    const std::string state = row[3].as<std::string>();
    if (state == "completed") {
      out.kind = IdempotencyClaim::Kind::completed;
      out.response.status = row[6].as<int>();
      out.response.headers = read_headers(row[7]);
      out.response.body = str(row[8]);
      return out;
    }
    out.resource_type = str(row[4]);
    out.resource_id = str(row[5]);
    const bool stale = row[10].as<bool>();
    if (!stale) {
      out.kind = IdempotencyClaim::Kind::in_progress;
      return out;
    }
    if (!row[5].is_null()) {
      out.kind = IdempotencyClaim::Kind::incomplete;
      return out;
    }
    auto taken = sql.exec_prepared("idem_take_over", id.tenant_id, id.mode, id.key,
                                   row[9].as<std::int64_t>());
    if (!taken.empty()) {
      out.kind = IdempotencyClaim::Kind::taken_over;
      out.token = taken[0][0].as<std::int64_t>();
      out.resource_type.clear();
      out.resource_id.clear();
      return out;
    }
    // Someone else took it over, finished or recorded a resource first: look again.
  }
  out = IdempotencyClaim{};
  out.kind = IdempotencyClaim::Kind::in_progress;
  return out;
}

std::optional<OwnedIdempotencyClaim> lock_idempotency_claim(Tx& tx, const IdempotencyKeyId& id,
                                                            std::int64_t token) {
  auto r = tx.sql().exec_prepared("idem_lock", id.tenant_id, id.mode, id.key, token);
  if (r.empty()) return std::nullopt;
  return OwnedIdempotencyClaim{str(r[0][0]), str(r[0][1])};
}

bool complete_idempotency_key(Tx& tx, const IdempotencyKeyId& id, std::int64_t token,
                              const StoredResponse& response) {
  auto r = tx.sql().exec_prepared("idem_complete", id.tenant_id, id.mode, id.key, token,
                                  response.status, headers_json(response.headers), response.body);
  return r.affected_rows() == 1;
}

bool release_idempotency_key(Tx& tx, const IdempotencyKeyId& id, std::int64_t token) {
  auto r = tx.sql().exec_prepared("idem_release", id.tenant_id, id.mode, id.key, token);
  return r.affected_rows() == 1;
}

bool abandon_idempotency_key(Tx& tx, const IdempotencyKeyId& id, std::int64_t token) {
  auto r = tx.sql().exec_prepared("idem_abandon", id.tenant_id, id.mode, id.key, token);
  return r.affected_rows() == 1;
}

bool mark_idempotency_resource(Tx& tx, std::string_view tenant_id, std::string_view mode,
                               std::string_view key, std::string_view resource_type,
                               std::string_view resource_id) {
  if (key.empty()) return false;
  auto r = tx.sql().exec_prepared("idem_mark_resource", std::string(tenant_id), std::string(mode),
                                  std::string(key), std::string(resource_type),
                                  std::string(resource_id));
  return r.affected_rows() == 1;
}

bool mark_idempotency_resource(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                               std::string_view key, std::string_view resource_type,
                               std::string_view resource_id) {
  return mark_idempotency_resource(tx, tenant_id, sdk::to_string(mode), key, resource_type,
                                   resource_id);
}

std::size_t purge_idempotency_keys(Tx& tx, std::chrono::seconds retention, std::size_t batch) {
  auto r = tx.sql().exec_prepared("idem_purge", static_cast<long long>(retention.count()),
                                  static_cast<long long>(batch));
  return r.affected_rows();
}

}  // namespace payd::store
