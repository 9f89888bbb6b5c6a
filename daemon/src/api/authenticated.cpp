#include "api/authenticated.hpp"

#include "core/store_failure.hpp"
#include "http/api_error.hpp"
#include "observability/log.hpp"

namespace payd::api {

namespace {

constexpr std::string_view kChallenge = "Bearer realm=\"payd\"";

http::Response unauthorized(std::string code, std::string message, std::string_view request_id) {
  auto response =
      http::ApiError{401, http::ErrorType::authentication, std::move(code), std::move(message), {},
                     {}}
          .to_response(request_id);
  response.headers.set("WWW-Authenticate", std::string(kChallenge));
  return response;
}

}  // namespace

http::Response authentication_failure(const security::AuthError& error,
                                      std::string_view request_id) {
  using Kind = security::AuthError::Kind;
  switch (error.kind) {
    case Kind::missing_credentials:
      return unauthorized("AUTHENTICATION_REQUIRED",
                          "This route requires an API key: send `Authorization: Bearer "
                          "sk_test_...` (or sk_live_...).",
                          request_id);
    case Kind::invalid_key:
      return unauthorized("INVALID_API_KEY", "The API key provided is not valid.", request_id);
    case Kind::revoked_key:
      return unauthorized("INVALID_API_KEY", "The API key provided has been revoked.", request_id);
    case Kind::tenant_mismatch:
      return http::ApiError{403,
                            http::ErrorType::permission,
                            "TENANT_MISMATCH",
                            "The X-Tenant header names a tenant other than the API key's.",
                            {},
                            {}}
          .to_response(request_id);
    case Kind::store:
      return core::store_failure(error.store_error, request_id).to_response(request_id);
  }
  return http::ApiError::internal().to_response(request_id);
}

http::Handler authenticated(security::Authenticator& authenticator, AuthedHandler handler) {
  return [&authenticator, handler = std::move(handler)](
             http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
    const auto& headers = ctx.request.headers;
    security::AuthError failure;
    if (headers.count("Authorization") > 1) {
      // Two credentials: refuse rather than guess which one counts.
      failure.kind = security::AuthError::Kind::invalid_key;
    } else {
      std::optional<std::string> authorization;
      std::optional<std::string> tenant;
      if (auto v = headers.get("Authorization")) authorization.emplace(*v);
      if (headers.count("X-Tenant") > 1) {
        tenant.emplace();  // several X-Tenant values cannot all match one tenant
      } else if (auto v = headers.get("X-Tenant")) {
        tenant.emplace(*v);
      }
      auto result =
          co_await authenticator.authenticate(std::move(authorization), std::move(tenant));
      if (result) co_return co_await handler(ctx, result.value());
      failure = std::move(result).error();
    }
    if (failure.kind != security::AuthError::Kind::store) {
      // A request without credentials is routine; a wrong or revoked key is worth a warning.
      const bool routine = failure.kind == security::AuthError::Kind::missing_credentials;
      obs::LogLine line(routine ? obs::Level::info : obs::Level::warn, "authentication failed");
      line.str("request_id", ctx.request_id).str("reason", security::to_string(failure.kind));
      if (!failure.display.empty()) line.str("key", failure.display);
    }
    co_return authentication_failure(failure, ctx.request_id);
  };
}

}  // namespace payd::api
