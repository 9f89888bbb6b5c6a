#include "api/access_gate.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/authenticated.hpp"
#include "api/rate_limit_guard.hpp"
#include "core/store_failure.hpp"
#include "http/api_error.hpp"
#include "http/method.hpp"
#include "http/route_table.hpp"
#include "observability/log.hpp"
#include "security/key_usage.hpp"
#include "security/mfa_service.hpp"

namespace payd::api {

namespace {

std::optional<std::string> single_header(const http::Headers& headers, std::string_view name,
                                         bool& several) {
  if (headers.count(name) > 1) {
    several = true;
    return std::string{};
  }
  if (auto v = headers.get(name)) return std::string(*v);
  return std::nullopt;
}

}  // namespace

http::Response insufficient_permissions(std::string_view permission, std::string_view request_id) {
  return http::ApiError{403,
                        http::ErrorType::permission,
                        "INSUFFICIENT_PERMISSIONS",
                        "Missing " + std::string(permission) + " permission.",
                        {},
                        {}}
      .to_response(request_id);
}

http::Response mfa_challenge_required(std::string_view challenge_id, std::string_view expires_at,
                                      std::string_view request_id) {
  auto response = http::ApiError{
      401,
      http::ErrorType::authentication,
      "MFA_CHALLENGE_REQUIRED",
      "This action needs a recent MFA step-up: POST the challenge_id "
      "and a code from your authenticator to /api/v1/auth/mfa/verify, "
      "then retry.",
      {},
      {}}.to_response(request_id);
  auto body = boost::json::parse(response.body).as_object();
  body["challenge_id"] = challenge_id;
  body["challenge_expires_at"] = expires_at;
  response.body = boost::json::serialize(body);
  // Not an invalid credential: the token is fine, the action wants more (RFC 6750 would say
  // insufficient_scope; the body says what to do).
  response.headers.set("WWW-Authenticate", "Bearer realm=\"payd\", error=\"insufficient_scope\"");
  return response;
}

http::Response mfa_enrollment_required(bool api_key, std::string_view request_id) {
  return http::ApiError{403,
                        http::ErrorType::permission,
                        "MFA_ENROLLMENT_REQUIRED",
                        api_key ? "This action needs an MFA step-up, which an API key cannot "
                                  "give on this payd (auth.mfa.api_keys_exempt is false): use a "
                                  "user's token."
                                : "This action needs an MFA step-up: enrol a TOTP factor first "
                                  "(POST /api/v1/auth/mfa/enroll, then /api/v1/auth/mfa/verify).",
                        {},
                        {}}
      .to_response(request_id);
}

boost::asio::awaitable<Result<security::Principal, http::Response>> AccessGate::admit(
    http::RequestContext& ctx) {
  if (rate_limits_) {
    if (auto refused = rate_limits_->admit_authentication(ctx)) co_return fail(std::move(*refused));
  }

  const auto& headers = ctx.request.headers;
  security::AuthError failure;
  bool several_credentials = false;
  bool several_tenants = false;
  auto authorization = single_header(headers, "Authorization", several_credentials);
  auto tenant = single_header(headers, "X-Tenant", several_tenants);
  if (several_credentials) {
    // Two credentials: refuse rather than guess which one counts.
    failure.kind = security::AuthError::Kind::invalid_key;
  } else {
    // Several X-Tenant values cannot all match one tenant: the empty value matches none.
    auto result = co_await authenticator_.authenticate(std::move(authorization), std::move(tenant));
    if (result) {
      auto who = std::move(result).value();
      if (usage_ && !who.key_id.empty()) usage_->note(who.key_id);
      if (rate_limits_) {
        if (auto refused = rate_limits_->admit_tenant(ctx, who.tenant_id)) {
          co_return fail(std::move(*refused));
        }
      }
      const auto& needed = ctx.route.options.permission;
      // Deny by default: a route without a permission, or with a name nobody can hold,
      // admits nobody (tests/integration/test_rbac.py walks the table for the first).
      if (needed.empty() || !who.permissions.has(needed)) {
        const std::string shown = needed.empty() ? "(undeclared)" : needed;
        obs::log_warn("permission denied")
            .str("request_id", ctx.request_id)
            .str("actor", who.actor)
            .str("route", ctx.route.pattern)
            .str("permission", shown);
        if (events_) {
          events_->record(
              ctx, SecurityEvent{who.tenant_id, who.actor, "permission.denied",
                                 "route:" + std::string(http::to_string(ctx.request.method)) + " " +
                                     ctx.route.pattern,
                                 "denied", shown});
        }
        co_return fail(insufficient_permissions(shown, ctx.request_id));
      }
      if (mfa_ && !ctx.route.options.mfa_action.empty()) {
        auto refused = co_await step_up(ctx, who);
        if (refused) co_return fail(std::move(*refused));
      }
      co_return who;
    }
    failure = std::move(result).error();
  }

  using Kind = security::AuthError::Kind;
  if (failure.kind != Kind::store) {
    // A request without credentials is routine; a wrong or revoked key is worth a warning
    // and spends from the client's budget of failed authentications.
    const bool routine = failure.kind == Kind::missing_credentials;
    obs::LogLine line(routine ? obs::Level::info : obs::Level::warn, "authentication failed");
    line.str("request_id", ctx.request_id).str("reason", security::to_string(failure.kind));
    if (!failure.display.empty()) line.str("key", failure.display);
    if (!failure.token_error.empty()) line.str("token_error", failure.token_error);
    if (!routine && failure.kind != Kind::tenant_mismatch &&
        failure.kind != Kind::tenant_required && rate_limits_)
      rate_limits_->record_authentication_failure(ctx);
  }
  co_return fail(authentication_failure(failure, ctx.request_id));
}

boost::asio::awaitable<std::optional<http::Response>> AccessGate::step_up(
    http::RequestContext& ctx, const security::Principal& who) {
  using Kind = security::StepUpDecision::Kind;
  const auto& action = ctx.route.options.mfa_action;
  auto decision = co_await mfa_->check(who, action);
  if (!decision) {
    co_return core::store_failure(decision.error(), ctx.request_id).to_response(ctx.request_id);
  }
  switch (decision->kind) {
    case Kind::allowed:
      co_return std::nullopt;
    case Kind::challenge:
      obs::log_info("mfa challenge issued")
          .str("request_id", ctx.request_id)
          .str("actor", who.actor)
          .str("action", action)
          .str("challenge_id", decision->challenge_id);
      co_return mfa_challenge_required(decision->challenge_id, decision->expires_at,
                                       ctx.request_id);
    case Kind::enroll_required:
    case Kind::keys_not_exempt:
      obs::log_warn("mfa step-up impossible")
          .str("request_id", ctx.request_id)
          .str("actor", who.actor)
          .str("action", action);
      co_return mfa_enrollment_required(decision->kind == Kind::keys_not_exempt, ctx.request_id);
  }
  co_return std::nullopt;
}

}  // namespace payd::api
