#include "api/auth_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/authenticated.hpp"
#include "api/handler_support.hpp"
#include "api/rate_limit_guard.hpp"
#include "api/request_fields.hpp"
#include "config/auth_config.hpp"
#include "core/store_failure.hpp"
#include "http/json_body.hpp"
#include "observability/log.hpp"
#include "payd/sdk/names.hpp"
#include "security/audit_trail.hpp"
#include "security/mfa_service.hpp"
#include "security/user_service.hpp"

namespace payd::api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::Method;
using http::RequestContext;
using http::Response;
using security::Principal;

namespace {

constexpr std::string_view kSelf = "account:self";
constexpr std::int64_t kMinTokenSeconds = 60;
constexpr std::int64_t kMaxTokenSeconds = 24 * 3600;
constexpr std::size_t kMaxPasswordField = 1024;
constexpr std::size_t kMaxCodeChars = 32;

security::RequestFacts facts_of(const RequestContext& ctx) {
  security::RequestFacts f;
  f.request_id = ctx.request_id;
  f.client_ip = ctx.request.remote_address;
  if (auto ua = ctx.request.headers.get("User-Agent")) f.user_agent = std::string(*ua);
  return f;
}

Response not_configured(const RequestContext& ctx) {
  return ApiError::not_found(
             "Users and access tokens are not configured on this payd (no auth: section); "
             "authenticate with an API key.")
      .to_response(ctx.request_id);
}

// Token responses must not be cached (RFC 6749 section 5.1).
Response token_response(json::object body) {
  auto r = Response::json(200, body);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

// An empty body or an empty object, for the routes that take no fields.
std::optional<ApiError> expect_empty(const RequestContext& ctx) {
  if (ctx.request.body.empty()) return std::nullopt;
  auto body = http::parse_json_object(ctx);
  if (!body) return body.error();
  FieldReader r(*body);
  if (auto done = r.finish(); !done) return done.error();
  return std::nullopt;
}

Response user_required(const RequestContext& ctx) {
  return ApiError{400,
                  http::ErrorType::invalid_request,
                  "USER_REQUIRED",
                  "MFA belongs to users: call this route with a user's access token (POST "
                  "/api/v1/auth/login), not an API key.",
                  {},
                  {}}
      .to_response(ctx.request_id);
}

Response mfa_error(const security::MfaError& e, const RequestContext& ctx) {
  using Kind = security::MfaError::Kind;
  switch (e.kind) {
    case Kind::not_a_user:
      return user_required(ctx);
    case Kind::already_enrolled:
      return ApiError{409,
                      http::ErrorType::invalid_request,
                      "MFA_ALREADY_ENROLLED",
                      "A confirmed MFA factor exists; disable it first to enrol a new one.",
                      {},
                      {}}
          .to_response(ctx.request_id);
    case Kind::not_enrolled:
      return ApiError{409,
                      http::ErrorType::invalid_request,
                      "MFA_NOT_ENROLLED",
                      "No confirmed MFA factor: POST /api/v1/auth/mfa/enroll first.",
                      {},
                      {}}
          .to_response(ctx.request_id);
    case Kind::challenge_not_found:
      return ApiError::not_found(
                 "No such MFA challenge for this user (it may have expired or been answered).")
          .to_response(ctx.request_id);
    case Kind::invalid_code:
      return ApiError{400,
                      http::ErrorType::invalid_request,
                      "MFA_CODE_INVALID",
                      "The code is not valid (wrong, expired, or already used).",
                      "code",
                      {}}
          .to_response(ctx.request_id);
    case Kind::locked:
      return ApiError{403,
                      http::ErrorType::permission,
                      "MFA_LOCKED",
                      "Too many wrong codes in a row: MFA verification is locked for a while "
                      "(auth.mfa.lockout). Any code, right or wrong, is refused until then.",
                      {},
                      {}}
          .to_response(ctx.request_id);
    case Kind::store:
      return core::store_failure(e.store_error, ctx.request_id).to_response(ctx.request_id);
    case Kind::internal:
      break;
  }
  return ApiError::internal().to_response(ctx.request_id);
}

json::array tenants_json(const std::vector<store::MembershipRecord>& memberships) {
  json::array out;
  for (const auto& m : memberships) {
    out.emplace_back(json::object{{"id", m.tenant_id}, {"name", m.tenant_name}, {"role", m.role}});
  }
  return out;
}

asio::awaitable<Response> login(AuthServices s, RequestContext& ctx) {
  if (s.login == nullptr) co_return not_configured(ctx);
  // The IP's failed-authentication budget, before any lookup.
  if (s.rate_limits) {
    if (auto refused = s.rate_limits->admit_authentication(ctx)) co_return std::move(*refused);
  }
  auto body = http::parse_json_object(ctx);
  if (!body) co_return error_response(body.error(), ctx);
  FieldReader r(*body);
  auto email = r.required_string("email", 254);
  auto password = r.required_string("password", kMaxPasswordField);
  auto tenant = r.optional_string("tenant", 64);
  auto mode = r.optional_enum("mode", {"test", "live"});
  if (auto done = r.finish(); !done) co_return error_response(done.error(), ctx);

  security::LoginRequest request;
  request.email = std::move(*email);
  request.password = std::move(*password);
  request.tenant = std::move(tenant);
  request.mode = mode ? *sdk::parse_mode(*mode) : sdk::Mode::test;
  auto result = co_await s.login->login(std::move(request), facts_of(ctx));
  if (!result) {
    using Kind = security::LoginError::Kind;
    const auto& e = result.error();
    if (e.kind == Kind::store) {
      co_return core::store_failure(e.store_error, ctx.request_id).to_response(ctx.request_id);
    }
    if (e.kind == Kind::not_a_member) {
      co_return ApiError{403,
                         http::ErrorType::permission,
                         "TENANT_MISMATCH",
                         "This user is not a member of that tenant.",
                         "tenant",
                         {}}
          .to_response(ctx.request_id);
    }
    if (s.rate_limits) s.rate_limits->record_authentication_failure(ctx);
    obs::log_warn("login failed").str("request_id", ctx.request_id);
    // One answer for unknown address, wrong password, locked or disabled account.
    co_return ApiError{401,
                       http::ErrorType::authentication,
                       "INVALID_CREDENTIALS",
                       "The e-mail address or the password is not correct, or the account is "
                       "locked.",
                       {},
                       {}}
        .to_response(ctx.request_id);
  }
  const auto& ok = result.value();
  obs::log_info("login succeeded")
      .str("request_id", ctx.request_id)
      .str("actor", "user:" + ok.user_id)
      .str("jti", ok.token.jti);
  co_return token_response(json::object{
      {"object", "access_token"},
      {"access_token", ok.token.token},
      {"token_type", "Bearer"},
      {"expires_in", ok.token.expires_in},
      {"user", json::object{{"id", ok.user_id}, {"email", ok.email}}},
      {"tenants", tenants_json(ok.memberships)},
  });
}

asio::awaitable<Response> exchange(AuthServices s, RequestContext& ctx, const Principal& who) {
  if (s.settings == nullptr) co_return not_configured(ctx);
  if (who.via_token || who.is_user()) {
    co_return ApiError{400,
                       http::ErrorType::invalid_request,
                       "API_KEY_REQUIRED",
                       "Only an API key can be exchanged for a token; this request carries a "
                       "token.",
                       {},
                       {}}
        .to_response(ctx.request_id);
  }
  std::vector<std::string> scopes;
  std::int64_t ttl = 0;
  {
    json::object empty;
    auto body = ctx.request.body.empty() ? Result<json::object, ApiError>(empty)
                                         : http::parse_json_object(ctx);
    if (!body) co_return error_response(body.error(), ctx);
    FieldReader r(*body);
    auto requested = r.optional_string_list("scopes", security::kPermissionCount, 64);
    auto expires_in = r.optional_int64("expires_in");
    if (auto done = r.finish(); !done) co_return error_response(done.error(), ctx);
    const auto settings = s.settings->get();
    ttl = expires_in ? *expires_in
                     : std::chrono::duration_cast<std::chrono::seconds>(
                           settings->config.jwt.access_token_ttl)
                           .count();
    if (ttl < kMinTokenSeconds || ttl > kMaxTokenSeconds) {
      co_return error_response(ApiError{400,
                                        http::ErrorType::invalid_request,
                                        "PARAMETER_INVALID",
                                        "expires_in must be 60 to 86400 seconds.",
                                        "expires_in",
                                        {}},
                               ctx);
    }
    if (requested) {
      if (requested->empty()) {
        co_return error_response(
            ApiError{400,
                     http::ErrorType::invalid_request,
                     "PARAMETER_INVALID",
                     "scopes must name at least one permission (or be left out).",
                     "scopes",
                     {}},
            ctx);
      }
      security::PermissionSet wanted;
      for (std::size_t i = 0; i < requested->size(); ++i) {
        const auto p = security::parse_permission((*requested)[i]);
        if (!p) {
          co_return error_response(ApiError{400,
                                            http::ErrorType::invalid_request,
                                            "PARAMETER_INVALID",
                                            "'" + (*requested)[i] + "' is not a permission.",
                                            "scopes[" + std::to_string(i) + "]",
                                            {}},
                                   ctx);
        }
        wanted.add(*p);
      }
      // Never wider than the key.
      if (auto missing = who.permissions.first_missing(wanted)) {
        co_return insufficient_permissions(security::to_string(*missing), ctx.request_id);
      }
      scopes = wanted.names();
    } else {
      scopes = who.permissions.names();
    }
  }
  const auto settings = s.settings->get();
  security::AccessTokenClaims claims;
  claims.kind = security::AccessTokenClaims::Kind::key;
  claims.subject = who.key_id;
  claims.tenant_id = who.tenant_id;
  claims.mode = who.mode;
  claims.scopes = scopes;
  auto issued = security::issue_access_token(*settings, claims, security::unix_now(), ttl);
  // Recorded before the token is handed out: no audit row, no token.
  auto entry = security::audit_entry(facts_of(ctx), who.tenant_id, who.actor, "auth.token.issued",
                                     "api_key:" + who.key_id, core::AuditOutcome::success);
  entry.details["jti"] = issued.jti;
  entry.details["expires_in"] = ttl;
  json::array scope_list;
  for (const auto& sc : scopes) scope_list.emplace_back(sc);
  entry.details["scopes"] = scope_list;
  auto recorded = co_await s.audit->record(std::move(entry));
  if (!recorded) {
    co_return core::store_failure(recorded.error(), ctx.request_id).to_response(ctx.request_id);
  }
  co_return token_response(json::object{
      {"object", "access_token"},
      {"access_token", issued.token},
      {"token_type", "Bearer"},
      {"expires_in", ttl},
      {"scopes", scope_list},
      {"tenant_id", who.tenant_id},
      {"livemode", who.mode == sdk::Mode::live},
  });
}

asio::awaitable<Response> enroll(AuthServices s, RequestContext& ctx, const Principal& who) {
  if (s.mfa == nullptr) co_return not_configured(ctx);
  if (auto bad = expect_empty(ctx)) co_return error_response(*bad, ctx);
  auto result = co_await s.mfa->enroll(who, facts_of(ctx));
  if (!result) co_return mfa_error(result.error(), ctx);
  json::array codes;
  for (const auto& c : result->recovery_codes) codes.emplace_back(c);
  co_return token_response(json::object{
      {"object", "mfa_enrollment"},
      {"type", "totp"},
      {"otpauth_uri", result->otpauth_uri},
      {"secret", result->secret_base32},
      {"recovery_codes", std::move(codes)},
      {"confirmed", false},
  });
}

asio::awaitable<Response> verify(AuthServices s, RequestContext& ctx, const Principal& who) {
  if (s.mfa == nullptr) co_return not_configured(ctx);
  if (!who.is_user()) co_return user_required(ctx);
  auto body = http::parse_json_object(ctx);
  if (!body) co_return error_response(body.error(), ctx);
  FieldReader r(*body);
  auto code = r.required_string("code", kMaxCodeChars);
  auto challenge = r.optional_string("challenge_id", 64);
  if (auto done = r.finish(); !done) co_return error_response(done.error(), ctx);
  auto result = co_await s.mfa->verify(who, std::move(challenge), std::move(*code), facts_of(ctx));
  if (!result) {
    using Kind = security::MfaError::Kind;
    if (result.error().kind == Kind::invalid_code || result.error().kind == Kind::locked ||
        result.error().kind == Kind::challenge_not_found) {
      // Guessing codes (or challenge ids) spends from the IP's failed-authentication budget.
      if (s.rate_limits) s.rate_limits->record_authentication_failure(ctx);
      obs::log_warn("mfa verification failed")
          .str("request_id", ctx.request_id)
          .str("actor", who.actor);
    }
    co_return mfa_error(result.error(), ctx);
  }
  const auto& v = result.value();
  auto text = [](const std::string& x) {
    return x.empty() ? json::value(nullptr) : json::value(x);
  };
  co_return Response::json(
      200, json::object{
               {"object", "mfa_verification"},
               {"verified", true},
               {"enrolled", v.enrolled},
               {"challenge_id", v.challenge ? json::value(*v.challenge) : json::value(nullptr)},
               {"action", text(v.action)},
               {"step_up_expires_at", text(v.step_up_expires_at)},
               {"recovery_code_used", v.recovery_code_used},
           });
}

asio::awaitable<Response> disable(AuthServices s, RequestContext& ctx, const Principal& who) {
  if (s.mfa == nullptr) co_return not_configured(ctx);
  if (auto bad = expect_empty(ctx)) co_return error_response(*bad, ctx);
  auto result = co_await s.mfa->disable(who, facts_of(ctx));
  if (!result) co_return mfa_error(result.error(), ctx);
  co_return Response::json(200, json::object{{"object", "mfa_factor"}, {"disabled", true}});
}

}  // namespace

void add_auth_routes(http::RouteTable& routes, AccessGate& gate, AuthServices services) {
  const http::RouteOptions open{.is_public = true, .permission = {}};
  routes.add(Method::post, "/api/v1/auth/login",
             rate_limited_public(services.rate_limits,
                                 [services](RequestContext& ctx) -> asio::awaitable<Response> {
                                   co_return co_await login(services, ctx);
                                 }),
             open);
  auto authed = [&gate, services](auto fn) {
    return authenticated(
        gate,
        [services, fn](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
          co_return co_await fn(services, ctx, who);
        });
  };
  routes.add(Method::post, "/api/v1/auth/token", authed(&exchange),
             {.permission = std::string(kSelf)});
  routes.add(Method::post, "/api/v1/auth/mfa/enroll", authed(&enroll),
             {.permission = std::string(kSelf)});
  routes.add(Method::post, "/api/v1/auth/mfa/verify", authed(&verify),
             {.permission = std::string(kSelf)});
  routes.add(Method::post, "/api/v1/auth/mfa/disable", authed(&disable),
             {.permission = std::string(kSelf), .mfa_action = std::string(config::kMfaDisable)});
}

}  // namespace payd::api
