#include "store/api_key_store.hpp"

#include <array>
#include <pqxx/pqxx>

#include "store/column_values.hpp"
#include "store/connection_pool.hpp"
#include "store/pqxx_support.hpp"

namespace payd::store {

namespace {

#define PAYD_ISO(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define PAYD_API_KEY_COLUMNS                                                                   \
  "k.id, k.tenant_id, t.name, k.mode, k.kind, k.lookup, k.secret_hash, k.last4, k.name, "      \
  "k.role, k.scopes, " PAYD_ISO("k.created_at") ", " PAYD_ISO("k.last_used_at") ", " PAYD_ISO( \
      "k.revoked_at")

constexpr std::array kStatements{
    Statement{"api_key_insert",
              "INSERT INTO api_keys (id, tenant_id, mode, kind, lookup, secret_hash, last4, "
              "name, role, scopes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[])"},
    Statement{"api_key_by_lookup",
              "SELECT " PAYD_API_KEY_COLUMNS
              " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.lookup = $1"},
    Statement{"api_key_list",
              "SELECT " PAYD_API_KEY_COLUMNS
              " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.tenant_id = $1 "
              "ORDER BY k.created_at, k.id"},
    Statement{"api_key_revoke",
              "UPDATE api_keys SET revoked_at = now() "
              "WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL"},
    Statement{"api_key_list_mode",
              "SELECT " PAYD_API_KEY_COLUMNS
              " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.tenant_id = $1 "
              "AND k.mode = $2 ORDER BY k.created_at, k.id"},
    Statement{"api_key_find",
              "SELECT " PAYD_API_KEY_COLUMNS
              " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.tenant_id = $1 "
              "AND k.mode = $2 AND k.id = $3"},
    // Several keys' last use at once: ids and unix microseconds as two parallel arrays.
    // Only moves forward, so daemons flushing out of order never set it back.
    Statement{"api_key_touch",
              "UPDATE api_keys k SET last_used_at = u.at FROM (SELECT unnest($1::text[]) AS id, "
              "'epoch'::timestamptz + unnest($2::bigint[]) * interval '1 microsecond' AS at) u "
              "WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)"},
};

#undef PAYD_API_KEY_COLUMNS
#undef PAYD_ISO

std::vector<std::string> read_text_array(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  auto parser = f.as_array();
  for (;;) {
    auto [junction, value] = parser.get_next();
    if (junction == pqxx::array_parser::juncture::done) break;
    if (junction == pqxx::array_parser::juncture::string_value) out.push_back(std::move(value));
  }
  return out;
}

std::optional<std::string> optional_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

ApiKeyRecord read_api_key(const pqxx::row& row) {
  ApiKeyRecord k;
  k.id = row[0].as<std::string>();
  k.tenant_id = row[1].as<std::string>();
  k.tenant_name = row[2].as<std::string>();
  k.mode = row[3].as<std::string>();
  k.kind = row[4].as<std::string>();
  k.lookup = row[5].as<std::string>();
  k.secret_hash = pqxx::binarystring(row[6]).str();
  k.last4 = row[7].as<std::string>();
  k.name = row[8].as<std::string>();
  k.role = optional_text(row[9]);
  k.scopes = read_text_array(row[10]);
  k.created_at = row[11].as<std::string>();
  k.last_used_at = optional_text(row[12]);
  k.revoked_at = optional_text(row[13]);
  return k;
}

std::optional<ApiKeyRecord> first(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return read_api_key(r[0]);
}

}  // namespace

void insert_api_key(Tx& tx, const NewApiKey& key) {
  const pqxx::binarystring hash(key.secret_hash.data(), key.secret_hash.size());
  tx.sql().exec_prepared("api_key_insert", key.id, key.tenant_id, key.mode, key.kind, key.lookup,
                         hash, key.last4, key.name, key.role, columns::text_array(key.scopes));
}

std::optional<ApiKeyRecord> find_api_key_by_lookup(Tx& tx, std::string_view lookup) {
  return first(tx.sql().exec_prepared("api_key_by_lookup", std::string(lookup)));
}

boost::asio::awaitable<Result<std::optional<ApiKeyRecord>, StoreError>> lookup_api_key(
    ConnectionPool& pool, std::string lookup) {
  std::optional<ApiKeyRecord> found;
  auto r = co_await pool.read_once([&](Tx& tx) { found = find_api_key_by_lookup(tx, lookup); });
  if (!r) co_return fail(r.error());
  co_return found;
}

std::vector<ApiKeyRecord> list_api_keys(Tx& tx, std::string_view tenant_id) {
  std::vector<ApiKeyRecord> out;
  for (const auto& row : tx.sql().exec_prepared("api_key_list", std::string(tenant_id))) {
    out.push_back(read_api_key(row));
  }
  return out;
}

std::vector<ApiKeyRecord> list_api_keys(Tx& tx, std::string_view tenant_id, std::string_view mode) {
  std::vector<ApiKeyRecord> out;
  for (const auto& row :
       tx.sql().exec_prepared("api_key_list_mode", std::string(tenant_id), std::string(mode))) {
    out.push_back(read_api_key(row));
  }
  return out;
}

std::optional<ApiKeyRecord> find_api_key(Tx& tx, std::string_view tenant_id, std::string_view mode,
                                         std::string_view key_id) {
  return first(tx.sql().exec_prepared("api_key_find", std::string(tenant_id), std::string(mode),
                                      std::string(key_id)));
}

void record_api_key_use(Tx& tx, const std::vector<ApiKeyUse>& uses) {
  if (uses.empty()) return;
  std::vector<std::string> ids;
  std::string times = "{";
  for (const auto& u : uses) {
    ids.push_back(u.key_id);
    if (times.size() > 1) times += ',';
    times += std::to_string(u.used_at_us);
  }
  times += '}';
  tx.sql().exec_prepared("api_key_touch", columns::text_array(ids), times);
}

bool revoke_api_key(Tx& tx, std::string_view tenant_id, std::string_view key_id) {
  auto r = tx.sql().exec_prepared("api_key_revoke", std::string(tenant_id), std::string(key_id));
  return r.affected_rows() == 1;
}

Statements api_key_statements() {
  return kStatements;
}

}  // namespace payd::store
