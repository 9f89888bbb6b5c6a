// RateLimitGuard: the route class table, the 429 response (headers and body), the failed
// authentication budget, the public wrapper and swapping the limiter (SIGHUP).

#include "api/rate_limit_guard.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include "http/route_table.hpp"
#include "security/rate_limiter.hpp"

namespace payd::api {
namespace {

using config::RateClass;
using http::Method;
using std::chrono::seconds;

struct FakeClock {
  security::Clock::time_point now{};
};

struct Fixture {
  FakeClock clock;
  config::RateLimitConfig cfg = [] {
    config::RateLimitConfig c;
    c.classes[static_cast<std::size_t>(RateClass::checkout_create)] = {2, seconds{2}, 2};
    c.classes[static_cast<std::size_t>(RateClass::link_info)] = {1, seconds{10}, 1};
    c.classes[static_cast<std::size_t>(RateClass::auth_failures)] = {2, seconds{60}, 2};
    return c;
  }();
  std::shared_ptr<security::RateLimiter> limiter =
      std::make_shared<security::RateLimiter>(cfg, [this] { return clock.now; });
  RateLimitGuard guard{limiter};
};

http::Request make_request(Method method, std::string ip) {
  http::Request r;
  r.method = method;
  r.remote_address = std::move(ip);
  return r;
}

struct Call {
  http::Request request;
  http::Route route;
  http::RequestContext ctx;
  Call(Method method, std::string pattern, std::string ip)
      : request(make_request(method, std::move(ip))),
        route{method, std::move(pattern), {}, {}},
        ctx{request, route, {}, "req_test", {}} {}
};

TEST(RouteClass, Table) {
  EXPECT_EQ(route_class(Method::post, "/api/v1/checkout/sessions"), RateClass::checkout_create);
  EXPECT_EQ(route_class(Method::get, "/api/v1/checkout/sessions"), RateClass::general);
  EXPECT_EQ(route_class(Method::get, "/api/v1/checkout/sessions/{id}"), RateClass::session_status);
  EXPECT_EQ(route_class(Method::post, "/api/v1/refunds"), RateClass::refunds);
  EXPECT_EQ(route_class(Method::get, "/api/v1/refunds"), RateClass::general);
  EXPECT_EQ(route_class(Method::post, "/api/v1/payments/{id}/refunds"), RateClass::refunds);
  EXPECT_EQ(route_class(Method::get, "/api/v1/api_keys"), RateClass::key_management);
  EXPECT_EQ(route_class(Method::post, "/api/v1/api_keys/{id}/revoke"), RateClass::key_management);
  EXPECT_EQ(route_class(Method::post, "/api/v1/webhook_endpoints/{id}/test"),
            RateClass::test_webhooks);
  EXPECT_EQ(route_class(Method::get, "/api/v1/links/{slug}"), RateClass::link_info);
  EXPECT_EQ(route_class(Method::post, "/api/v1/links/{slug}/checkout"), RateClass::link_checkout);
  EXPECT_EQ(route_class(Method::post, "/api/v1/auth/login"), RateClass::auth);
  EXPECT_EQ(route_class(Method::post, "/api/v1/payments"), RateClass::general);
}

TEST(RateLimitGuard, TenantLimitAnswers429WithHeadersAndBody) {
  Fixture f;
  Call call(Method::post, "/api/v1/checkout/sessions", "203.0.113.1");
  EXPECT_FALSE(f.guard.admit_tenant(call.ctx, "tenant_a"));
  EXPECT_FALSE(f.guard.admit_tenant(call.ctx, "tenant_a"));
  const auto refused = f.guard.admit_tenant(call.ctx, "tenant_a");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->headers.get("Retry-After"), "1");
  EXPECT_EQ(refused->headers.get("RateLimit-Limit"), "2");
  EXPECT_EQ(refused->headers.get("RateLimit-Remaining"), "0");
  EXPECT_EQ(refused->headers.get("RateLimit-Reset"), "2");
  const auto body = boost::json::parse(refused->body).as_object();
  const auto& error = body.at("error").as_object();
  EXPECT_EQ(error.at("type").as_string(), "rate_limit_error");
  EXPECT_EQ(error.at("code").as_string(), "RATE_LIMIT_EXCEEDED");
  EXPECT_TRUE(error.at("param").is_null());
  EXPECT_EQ(error.at("retry_after").as_int64(), 1);
  EXPECT_EQ(body.at("request_id").as_string(), "req_test");
  // Another tenant is untouched; the same tenant recovers with time.
  EXPECT_FALSE(f.guard.admit_tenant(call.ctx, "tenant_b"));
  f.clock.now += seconds{1};
  EXPECT_FALSE(f.guard.admit_tenant(call.ctx, "tenant_a"));
}

TEST(RateLimitGuard, IpClassOnAnAuthenticatedRouteIsKeyedByIp) {
  Fixture f;
  Call a(Method::get, "/api/v1/links/{slug}", "198.51.100.1");
  EXPECT_FALSE(f.guard.admit_tenant(a.ctx, "tenant_a"));
  EXPECT_TRUE(f.guard.admit_tenant(a.ctx, "tenant_b"));  // same IP, other tenant: same bucket
}

TEST(RateLimitGuard, FailedAuthenticationsPerIp) {
  Fixture f;
  Call call(Method::get, "/api/v1/payments", "198.51.100.9");
  Call other(Method::get, "/api/v1/payments", "198.51.100.10");
  EXPECT_FALSE(f.guard.admit_authentication(call.ctx));
  f.guard.record_authentication_failure(call.ctx);
  EXPECT_FALSE(f.guard.admit_authentication(call.ctx));
  f.guard.record_authentication_failure(call.ctx);
  const auto refused = f.guard.admit_authentication(call.ctx);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->headers.get("Retry-After"), "30");
  EXPECT_FALSE(f.guard.admit_authentication(other.ctx));
}

TEST(RateLimitGuard, PublicWrapperLimitsPerIpAndAddsHeaders) {
  Fixture f;
  int runs = 0;
  auto handler = rate_limited_public(
      f.guard, [&runs](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
        ++runs;
        co_return http::Response::text(200, "ok", "text/plain");
      });
  boost::asio::io_context io;
  auto run = [&](Call& call) {
    auto fut = boost::asio::co_spawn(io, handler(call.ctx), boost::asio::use_future);
    io.restart();
    io.run();
    return fut.get();
  };
  Call first(Method::get, "/api/v1/links/{slug}", "192.0.2.1");
  Call again(Method::get, "/api/v1/links/{slug}", "192.0.2.1");
  Call elsewhere(Method::get, "/api/v1/links/{slug}", "192.0.2.2");
  const auto ok = run(first);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.headers.get("RateLimit-Limit"), "1");
  EXPECT_EQ(ok.headers.get("RateLimit-Remaining"), "0");
  EXPECT_EQ(run(again).status, 429);
  EXPECT_EQ(run(elsewhere).status, 200);
  EXPECT_EQ(runs, 2);
}

TEST(RateLimitGuard, ReplaceSwapsTheLimiter) {
  Fixture f;
  Call call(Method::post, "/api/v1/checkout/sessions", "203.0.113.1");
  f.guard.admit_tenant(call.ctx, "t");
  f.guard.admit_tenant(call.ctx, "t");
  ASSERT_TRUE(f.guard.admit_tenant(call.ctx, "t"));
  f.guard.replace(nullptr);  // rate_limits.enabled: false
  EXPECT_FALSE(f.guard.admit_tenant(call.ctx, "t"));
  EXPECT_FALSE(f.guard.admit_authentication(call.ctx));
  f.guard.replace(f.limiter);
  EXPECT_TRUE(f.guard.admit_tenant(call.ctx, "t"));
}

}  // namespace
}  // namespace payd::api
