#pragma once
// The rate-limit middleware pieces (docs/rate-limits.md). Three budgets:
//   - per (tenant, route class) on authenticated routes, spent after authentication;
//   - per (client IP, route class) on public routes (rate_limited_public);
//   - per client IP for failed authentications, checked before any credential is looked up
//     in the database so that guessing keys cannot load the store.
// A refusal is 429 rate_limit_error RATE_LIMIT_EXCEEDED with Retry-After, RateLimit-Limit,
// RateLimit-Remaining, RateLimit-Reset and `retry_after` in the body. Limits are per daemon.
//
// The guard reads the current limiter through an atomic shared_ptr, so a SIGHUP reload
// (replace()) takes effect on the next request without a lock on the request path.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "config/rate_limit_config.hpp"
#include "http/handler.hpp"
#include "http/method.hpp"
#include "http/request_context.hpp"
#include "http/response.hpp"
#include "security/token_bucket.hpp"

namespace payd::obs {
class Metrics;
}

namespace payd::security {
class RateLimiter;
}

namespace payd::api {

class RateLimitGuard {
 public:
  // `limiter` may be null: nothing is limited. `metrics` may be null (tests); it must outlive
  // the guard.
  explicit RateLimitGuard(std::shared_ptr<security::RateLimiter> limiter,
                          obs::Metrics* metrics = nullptr);
  ~RateLimitGuard();
  RateLimitGuard(const RateLimitGuard&) = delete;
  RateLimitGuard& operator=(const RateLimitGuard&) = delete;

  // Authenticated routes, after authentication: per (tenant, class of ctx.route).
  // nullopt = go on.
  std::optional<http::Response> admit_tenant(const http::RequestContext& ctx,
                                             std::string_view tenant_id);
  // Before any credential is looked up in the database: is this client IP over its budget
  // of failed authentications? nullopt = go on. Spends nothing.
  std::optional<http::Response> admit_authentication(const http::RequestContext& ctx);
  // After a failed authentication (bad/unknown/revoked key, bad JWT, bad password): spends
  // from the IP's budget.
  void record_authentication_failure(const http::RequestContext& ctx);
  // Public routes: per (client IP, class of ctx.route). nullopt = go on.
  std::optional<http::Response> admit_ip(const http::RequestContext& ctx);

  // Spends from the client IP's bucket of ctx.route's class; nullopt when nothing is limited.
  // For wrappers that also want the state for RateLimit-* headers on success.
  std::optional<security::BucketState> spend_ip(const http::RequestContext& ctx);

  // The limiter requests see from now on (SIGHUP). Null disables limiting.
  void replace(std::shared_ptr<security::RateLimiter> limiter);
  [[nodiscard]] std::shared_ptr<security::RateLimiter> current() const;

 private:
  struct Counters;
  std::optional<security::BucketState> spend(const http::RequestContext& ctx, config::RateClass c,
                                             config::RateScope scope, std::string_view tenant_id);
  void count(config::RateClass c, config::RateScope scope);

  std::atomic<std::shared_ptr<security::RateLimiter>> limiter_;
  std::unique_ptr<Counters> counters_;
};

// The class of a route, from its method and template (the one table; general when none).
[[nodiscard]] config::RateClass route_class(http::Method method, std::string_view pattern);

// 429 rate_limit_error RATE_LIMIT_EXCEEDED with Retry-After, RateLimit-* and `retry_after`.
[[nodiscard]] http::Response rate_limited_response(const security::BucketState& state,
                                                   config::RateClass c,
                                                   std::string_view request_id);

// Registers payd_requests_shed_total and returns what the server calls for each shed request.
[[nodiscard]] std::function<void()> shed_counter(obs::Metrics& metrics);

// Wraps a public route's handler with the per-IP limit of its class. `guard` must outlive
// the returned handler.
[[nodiscard]] http::Handler rate_limited_public(RateLimitGuard& guard, http::Handler handler);
// The same, or `handler` itself when `guard` is null (tests, routes built without limits).
[[nodiscard]] http::Handler rate_limited_public(RateLimitGuard* guard, http::Handler handler);

}  // namespace payd::api
