#include "api/rate_limit_guard.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <array>
#include <string>

#include "http/api_error.hpp"
#include "http/route_table.hpp"
#include "observability/metrics.hpp"
#include "security/rate_limiter.hpp"

namespace payd::api {

using config::RateClass;
using config::RateScope;
using security::BucketState;

namespace {

constexpr std::size_t kScopes = 2;

bool ends_with_segment(std::string_view pattern, std::string_view segment) {
  return pattern.size() > segment.size() && pattern.ends_with(segment) &&
         pattern[pattern.size() - segment.size() - 1] == '/';
}

void set_limit_headers(http::Headers& headers, const BucketState& s) {
  headers.set("RateLimit-Limit", std::to_string(s.limit));
  headers.set("RateLimit-Remaining", std::to_string(s.remaining));
  headers.set("RateLimit-Reset", std::to_string(s.reset));
}

}  // namespace

RateClass route_class(http::Method method, std::string_view pattern) {
  using http::Method;
  // The one table of route classes (docs/rate-limits.md). Keyed by the route template, never
  // the raw path, so a parameter cannot pick its own class.
  if (pattern == "/api/v1/checkout/sessions") {
    return method == Method::post ? RateClass::checkout_create : RateClass::general;
  }
  if (pattern == "/api/v1/checkout/sessions/{id}" &&
      (method == Method::get || method == Method::head)) {
    return RateClass::session_status;
  }
  if (method == Method::post &&
      (pattern == "/api/v1/refunds" || pattern == "/api/v1/payments/{id}/refunds")) {
    return RateClass::refunds;
  }
  if (pattern == "/api/v1/api_keys" || pattern.starts_with("/api/v1/api_keys/")) {
    return RateClass::key_management;
  }
  if (method == Method::post && pattern.starts_with("/api/v1/webhook") &&
      ends_with_segment(pattern, "test")) {
    return RateClass::test_webhooks;
  }
  if (pattern == "/api/v1/links/{slug}") return RateClass::link_info;
  if (pattern == "/api/v1/links/{slug}/checkout") return RateClass::link_checkout;
  if (pattern.starts_with("/api/v1/auth/")) return RateClass::auth;
  return RateClass::general;
}

http::Response rate_limited_response(const BucketState& state, RateClass c,
                                     std::string_view request_id) {
  const auto seconds = static_cast<unsigned>(std::max<std::uint64_t>(state.retry_after, 1));
  http::ApiError error{429,
                       http::ErrorType::rate_limit,
                       "RATE_LIMIT_EXCEEDED",
                       "Too many requests (" + std::string(config::to_string(c)) +
                           "); retry after " + std::to_string(seconds) + " s.",
                       {},
                       seconds};
  auto response = error.to_response(request_id);
  set_limit_headers(response.headers, state);
  return response;
}

struct RateLimitGuard::Counters {
  std::array<prometheus::Counter*, config::kRateClassCount * kScopes> limited{};
};

RateLimitGuard::RateLimitGuard(std::shared_ptr<security::RateLimiter> limiter,
                               obs::Metrics* metrics)
    : limiter_(std::move(limiter)), counters_(std::make_unique<Counters>()) {
  if (metrics == nullptr) return;
  // Labels are the class and scope only: a tenant id or an address would be unbounded.
  auto& family = prometheus::BuildCounter()
                     .Name("payd_rate_limited_total")
                     .Help(
                         "Requests refused with 429 by a rate limit, by route class and scope "
                         "(tenant or ip).")
                     .Register(metrics->registry());
  for (std::size_t i = 0; i < config::kRateClassCount; ++i) {
    for (std::size_t s = 0; s < kScopes; ++s) {
      counters_->limited[i * kScopes + s] =
          &family.Add({{"class", std::string(config::to_string(static_cast<RateClass>(i)))},
                       {"scope", std::string(config::to_string(static_cast<RateScope>(s)))}});
    }
  }
}

RateLimitGuard::~RateLimitGuard() = default;

void RateLimitGuard::count(RateClass c, RateScope scope) {
  auto* counter =
      counters_->limited[static_cast<std::size_t>(c) * kScopes + static_cast<std::size_t>(scope)];
  if (counter != nullptr) counter->Increment();
}

void RateLimitGuard::replace(std::shared_ptr<security::RateLimiter> limiter) {
  limiter_.store(std::move(limiter));
}

std::shared_ptr<security::RateLimiter> RateLimitGuard::current() const {
  return limiter_.load();
}

std::optional<BucketState> RateLimitGuard::spend(const http::RequestContext& ctx, RateClass c,
                                                 RateScope scope, std::string_view tenant_id) {
  const auto limiter = limiter_.load();
  if (!limiter) return std::nullopt;
  const auto state = scope == RateScope::tenant
                         ? limiter->take(c, tenant_id)
                         : limiter->take(c, security::client_subject(ctx.request.remote_address));
  if (!state.allowed) count(c, scope);
  return state;
}

std::optional<http::Response> RateLimitGuard::admit_tenant(const http::RequestContext& ctx,
                                                           std::string_view tenant_id) {
  const auto c = route_class(ctx.route.method, ctx.route.pattern);
  const auto state = spend(ctx, c, config::class_scope(c), tenant_id);
  if (!state || state->allowed) return std::nullopt;
  return rate_limited_response(*state, c, ctx.request_id);
}

std::optional<http::Response> RateLimitGuard::admit_authentication(
    const http::RequestContext& ctx) {
  const auto limiter = limiter_.load();
  if (!limiter) return std::nullopt;
  const auto state =
      limiter->peek(RateClass::auth_failures, security::client_subject(ctx.request.remote_address));
  if (state.allowed) return std::nullopt;
  count(RateClass::auth_failures, RateScope::ip);
  return rate_limited_response(state, RateClass::auth_failures, ctx.request_id);
}

void RateLimitGuard::record_authentication_failure(const http::RequestContext& ctx) {
  if (const auto limiter = limiter_.load()) {
    (void)limiter->take(RateClass::auth_failures,
                        security::client_subject(ctx.request.remote_address));
  }
}

std::optional<BucketState> RateLimitGuard::spend_ip(const http::RequestContext& ctx) {
  return spend(ctx, route_class(ctx.route.method, ctx.route.pattern), RateScope::ip, {});
}

std::optional<http::Response> RateLimitGuard::admit_ip(const http::RequestContext& ctx) {
  const auto state = spend_ip(ctx);
  if (!state || state->allowed) return std::nullopt;
  return rate_limited_response(*state, route_class(ctx.route.method, ctx.route.pattern),
                               ctx.request_id);
}

http::Handler rate_limited_public(RateLimitGuard& guard, http::Handler handler) {
  return [&guard, handler = std::move(handler)](
             http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
    const auto state = guard.spend_ip(ctx);
    if (state && !state->allowed) {
      co_return rate_limited_response(*state, route_class(ctx.route.method, ctx.route.pattern),
                                      ctx.request_id);
    }
    auto response = co_await handler(ctx);
    // Cheap here, and tells a well-behaved client how close it is.
    if (state) set_limit_headers(response.headers, *state);
    co_return response;
  };
}

http::Handler rate_limited_public(RateLimitGuard* guard, http::Handler handler) {
  if (guard == nullptr) return handler;
  return rate_limited_public(*guard, std::move(handler));
}

std::function<void()> shed_counter(obs::Metrics& metrics) {
  auto& counter = prometheus::BuildCounter()
                      .Name("payd_requests_shed_total")
                      .Help(
                          "Requests refused with 503 because server.max_in_flight requests "
                          "were already being handled.")
                      .Register(metrics.registry())
                      .Add({});
  return [&counter] { counter.Increment(); };
}

}  // namespace payd::api
