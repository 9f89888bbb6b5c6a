#pragma once
// Idempotent POSTs with Stripe's semantics. The lead's authenticated handler wraps the
// resource handler:
//
//   co_return co_await api::run_idempotently(idempotency, api::idempotency_scope(who), ctx,
//       [&](http::RequestContext& c) { return create_payment(c, who); });
//
// Rules (only for POST with an Idempotency-Key header; anything else runs `inner` as is):
//   * the key is 1..255 printable ASCII characters (0x20..0x7E), sent once; otherwise
//     400 invalid_request_error IDEMPOTENCY_KEY_INVALID and `inner` does not run;
//   * keys are scoped to (tenant, mode): another tenant or mode may use the same key;
//   * the request's fingerprint is SHA-256 over its method, full target (path and query)
//     and raw body bytes; the same key with another fingerprint is
//     400 idempotency_error IDEMPOTENCY_KEY_REUSED;
//   * the first request claims the key (committed before `inner` runs, so every payd on the
//     database sees it); a duplicate while it runs gets 409 idempotency_error
//     IDEMPOTENCY_REQUEST_IN_PROGRESS with Retry-After: 1 and never runs `inner`;
//   * when `inner` returns, its response is stored and every later identical request gets it
//     back (status, headers, body) with `Idempotent-Replayed: true`. The exception is
//     Stripe's "results are only saved if an endpoint started executing": a response whose
//     status says nothing started (releases_idempotency_key: 400 validation, 401, 403, 404,
//     409, 429, 503) releases the key instead, so a corrected retry may use it — unless the
//     service recorded a resource (store::mark_idempotency_resource), in which case something
//     did start: a 4xx is stored as usual, a 5xx leaves the claim to the stale rule at once;
//   * a claim whose owner died (payd crashed, the store call that ends the request failed,
//     `inner` threw) is stale after `stale_after`. A stale claim that recorded no resource is
//     taken over by the next identical request (atomically: one taker wins) and run again;
//     one that recorded a resource answers 409 idempotency_error IDEMPOTENCY_REQUEST_INCOMPLETE
//     naming the resource, and never runs again. When `inner` throws, the claim stays
//     in_progress (the outcome is unknown) and the client gets 500;
//   * the database failing during the claim answers as core::store_failure does (503 with
//     Retry-After when it is down) and `inner` does not run; failing when the response is
//     stored still returns the response (logged; the stale rule applies to the claim).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "api/authenticated.hpp"
#include "http/handler.hpp"
#include "http/request_context.hpp"
#include "http/response.hpp"

namespace prometheus {
class Registry;
}

namespace payd::security {
struct Principal;
}

namespace payd::store {
class ConnectionPool;
}

namespace payd::api {

// Whose keys these are: one namespace of keys per tenant and mode.
struct IdempotencyScope {
  std::string tenant_id;
  std::string mode;  // "test" | "live"
};

[[nodiscard]] IdempotencyScope idempotency_scope(const security::Principal& principal);

struct IdempotencyOptions {
  // How long an in_progress claim may go untouched before it is presumed dead. Longer than
  // any request can run (provider timeouts and retries included).
  std::chrono::milliseconds stale_after{std::chrono::minutes(5)};
  // Keys are forgotten this long after their first use (the purger deletes them; a key
  // found expired before that starts afresh).
  std::chrono::seconds retention{std::chrono::hours(24)};
};

class IdempotencyService {
 public:
  // `pool` must outlive the service. With a registry, registers
  // payd_idempotency_replays_total and payd_idempotency_conflicts_total{reason} where
  // reason is key_reused | in_progress | incomplete.
  explicit IdempotencyService(store::ConnectionPool& pool, IdempotencyOptions options = {},
                              prometheus::Registry* registry = nullptr);
  ~IdempotencyService();
  IdempotencyService(const IdempotencyService&) = delete;
  IdempotencyService& operator=(const IdempotencyService&) = delete;

  [[nodiscard]] store::ConnectionPool& pool() noexcept { return pool_; }
  [[nodiscard]] const IdempotencyOptions& options() const noexcept { return options_; }

  // Metrics (no-ops without a registry).
  void count_replay();
  void count_conflict(std::string_view reason);

 private:
  struct Metrics;
  store::ConnectionPool& pool_;
  IdempotencyOptions options_;
  std::unique_ptr<Metrics> metrics_;
};

// Runs `inner` at most once per (scope, Idempotency-Key) as described above. Sets
// ctx.idempotency_key while `inner` runs with a claimed key.
[[nodiscard]] boost::asio::awaitable<http::Response> run_idempotently(IdempotencyService& service,
                                                                      const IdempotencyScope& scope,
                                                                      http::RequestContext& ctx,
                                                                      http::Handler inner);

// What route files wrap their POST handlers in: run_idempotently in the caller's scope.
// `service` must outlive the handlers.
[[nodiscard]] PostWrapper idempotent_posts(IdempotencyService& service);

// --- the pieces, exposed for tests --------------------------------------------------------

inline constexpr std::string_view kIdempotencyKeyHeader = "Idempotency-Key";
inline constexpr std::string_view kIdempotentReplayedHeader = "Idempotent-Replayed";
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

[[nodiscard]] bool is_valid_idempotency_key(std::string_view key) noexcept;

// SHA-256 (32 raw bytes) over the length-prefixed method, target and body.
[[nodiscard]] std::string idempotency_fingerprint(std::string_view method, std::string_view target,
                                                  std::string_view body);

// True for the statuses that say the endpoint did not start (the key is released).
[[nodiscard]] bool releases_idempotency_key(int status) noexcept;

// Whether a response header is stored and replayed (not per-connection or per-request
// fields such as Content-Length, Date, X-Request-Id, RateLimit-*).
[[nodiscard]] bool replays_header(std::string_view name) noexcept;

}  // namespace payd::api
