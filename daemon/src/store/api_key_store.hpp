#pragma once
// API keys as stored: never the key itself, only SHA-256 of it (secret_hash), the
// non-secret lookup part that finds the row, and the last four characters for display.
// Key generation, parsing and verification live in security/api_key.hpp.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/statement.hpp"
#include "store/store_error.hpp"
#include "store/tx.hpp"

namespace payd::store {

class ConnectionPool;

struct NewApiKey {
  std::string id;  // "key_..."
  std::string tenant_id;
  std::string mode;             // "test" | "live"
  std::string kind = "secret";  // "secret" | "restricted"
  std::string lookup;           // the key's non-secret lookup part (unique)
  std::string secret_hash;      // 32 raw bytes: SHA-256 of the full key
  std::string last4;
  std::string name;                 // free text for humans ("" by default)
  std::optional<std::string> role;  // #5 (RBAC)
  std::vector<std::string> scopes;  // restricted keys (#5)
};

struct ApiKeyRecord {
  std::string id;
  std::string tenant_id;
  std::string tenant_name;  // joined from tenants
  std::string mode;
  std::string kind;
  std::string lookup;
  std::string secret_hash;  // 32 raw bytes
  std::string last4;
  std::string name;
  std::optional<std::string> role;
  std::vector<std::string> scopes;
  std::string created_at;  // ISO 8601 UTC
  std::optional<std::string> last_used_at;
  std::optional<std::string> revoked_at;

  [[nodiscard]] bool revoked() const noexcept { return revoked_at.has_value(); }
};

// Throws on a constraint violation (unknown tenant, duplicate lookup, bad mode/kind).
void insert_api_key(Tx& tx, const NewApiKey& key);

// The key with this lookup, revoked or not (the caller decides; see ApiKeyRecord::revoked),
// with its tenant's name: one query on the unique index of api_keys.lookup.
[[nodiscard]] std::optional<ApiKeyRecord> find_api_key_by_lookup(Tx& tx, std::string_view lookup);

// The same outside any transaction (one round trip, autocommit), for the authentication
// of every request. Never cached: a revocation is effective on the next request.
[[nodiscard]] boost::asio::awaitable<Result<std::optional<ApiKeyRecord>, StoreError>>
lookup_api_key(ConnectionPool& pool, std::string lookup);

// A tenant's keys, revoked ones included, oldest first.
[[nodiscard]] std::vector<ApiKeyRecord> list_api_keys(Tx& tx, std::string_view tenant_id);

// The tenant's keys of one mode (test keys never list live ones), oldest first.
[[nodiscard]] std::vector<ApiKeyRecord> list_api_keys(Tx& tx, std::string_view tenant_id,
                                                      std::string_view mode);
[[nodiscard]] std::optional<ApiKeyRecord> find_api_key(Tx& tx, std::string_view tenant_id,
                                                       std::string_view mode,
                                                       std::string_view key_id);

struct ApiKeyUse {
  std::string key_id;
  std::int64_t used_at_us = 0;  // unix microseconds
};
// Sets last_used_at of each key (never backwards): one statement for a whole batch.
void record_api_key_use(Tx& tx, const std::vector<ApiKeyUse>& uses);

// Marks the key revoked now. False when the tenant has no such key or it was already
// revoked (then nothing changes).
[[nodiscard]] bool revoke_api_key(Tx& tx, std::string_view tenant_id, std::string_view key_id);

// Prepared on every pooled connection (prepared_statements.cpp).
[[nodiscard]] Statements api_key_statements();

}  // namespace payd::store
