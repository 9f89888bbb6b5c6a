#pragma once
// Idempotency keys as stored (table idempotency_keys): the repository functions behind
// api/idempotency.hpp, which holds the rules. A key is scoped to (tenant, mode, key).
//
// Life of a row:
//   claim_idempotency_key      in_progress, locked_at = now (its own short transaction)
//   mark_idempotency_resource  the service records what it created (its first transaction)
//   lock_idempotency_claim + one of, in the transaction that ends the request:
//     complete_idempotency_key   completed, with the response to replay
//     release_idempotency_key    deleted: nothing started, the key may be used again
//     abandon_idempotency_key    still in_progress but stale at once (a resource exists and
//                                the request ended without a response worth replaying)
//   purge_idempotency_keys     deleted once older than the retention
//
// The claim's owner is whoever holds its `token` (locked_at in unix microseconds): a
// stale claim taken over by another request gets a new token, and the first owner's
// complete/release/abandon then change nothing.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "payd/sdk/types.hpp"
#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

struct IdempotencyKeyId {
  std::string tenant_id;
  std::string mode;  // "test" | "live"
  std::string key;
};

// A response as stored and replayed: status, the headers worth replaying, body.
struct StoredResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct IdempotencyClaimRequest {
  IdempotencyKeyId id;
  std::string fingerprint;  // 32 raw bytes (SHA-256 of method, target and body)
  std::string method;
  std::string path;  // the request target, for operators and error messages
  // An in_progress claim untouched for this long is presumed dead (its owner crashed).
  std::chrono::milliseconds stale_after{std::chrono::minutes(5)};
  // A row older than this is expired even if the purger has not deleted it yet: the key
  // starts afresh. Zero: rows never expire here.
  std::chrono::seconds retention{std::chrono::hours(24)};
};

struct IdempotencyClaim {
  enum class Kind {
    claimed,      // a new row: the caller owns the key and runs the request
    taken_over,   // a stale claim that recorded no resource: now the caller's
    completed,    // the same request finished before: replay `response`
    in_progress,  // the same request is running (or died less than stale_after ago)
    incomplete,   // a stale claim that created `resource_*`: the caller must not run again
    mismatch,     // the key was used for a different request (`method`, `path`)
  };
  Kind kind = Kind::claimed;
  std::int64_t token = 0;     // claimed, taken_over: proves ownership in the calls below
  StoredResponse response;    // completed
  std::string resource_type;  // in_progress, incomplete: empty when none recorded yet
  std::string resource_id;
  std::string method;  // the row's own request (mismatch)
  std::string path;
};

// Claims the key or reports why not. Commit the transaction before running the request:
// the claim is what concurrent duplicates (in any payd process) see.
[[nodiscard]] IdempotencyClaim claim_idempotency_key(Tx& tx,
                                                     const IdempotencyClaimRequest& request);

// The resource the owner recorded so far (both strings empty when none).
struct OwnedIdempotencyClaim {
  std::string resource_type;
  std::string resource_id;
};

// Locks the claim `token` still owns until the transaction ends; nothing when it was taken
// over, purged or already ended.
[[nodiscard]] std::optional<OwnedIdempotencyClaim> lock_idempotency_claim(
    Tx& tx, const IdempotencyKeyId& id, std::int64_t token);

// Each returns false when `token` no longer owns an in_progress claim (nothing changed).
[[nodiscard]] bool complete_idempotency_key(Tx& tx, const IdempotencyKeyId& id, std::int64_t token,
                                            const StoredResponse& response);
// Deletes the claim only while it records no resource.
[[nodiscard]] bool release_idempotency_key(Tx& tx, const IdempotencyKeyId& id, std::int64_t token);
// Makes a claim that recorded a resource stale at once, so a retry learns about the
// resource (409 IDEMPOTENCY_REQUEST_INCOMPLETE) instead of waiting for stale_after.
[[nodiscard]] bool abandon_idempotency_key(Tx& tx, const IdempotencyKeyId& id, std::int64_t token);

// For services: records the resource this request created, in the same transaction that
// creates it, so a retry after a crash can name it. `key` is RequestContext::idempotency_key;
// an empty key (the request had none) does nothing and returns false, so services may call
// this unconditionally. False also when the key is not in_progress.
bool mark_idempotency_resource(Tx& tx, std::string_view tenant_id, std::string_view mode,
                               std::string_view key, std::string_view resource_type,
                               std::string_view resource_id);
bool mark_idempotency_resource(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                               std::string_view key, std::string_view resource_type,
                               std::string_view resource_id);

// Deletes at most `batch` rows created more than `retention` ago, skipping rows another
// transaction has locked (several daemons may purge at once). Returns how many it deleted.
[[nodiscard]] std::size_t purge_idempotency_keys(Tx& tx, std::chrono::seconds retention,
                                                 std::size_t batch);

// Prepared on every pooled connection (prepared_statements.cpp).
[[nodiscard]] Statements idempotency_statements();

}  // namespace payd::store
