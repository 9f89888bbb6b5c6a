#include "api/authenticated.hpp"

#include "core/store_failure.hpp"
#include "http/api_error.hpp"

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
    case Kind::invalid_token: {
      // RFC 6750 section 3: the error attribute tells a client to get a new token.
      auto response = unauthorized("INVALID_TOKEN",
                                   "The access token is not valid (malformed, expired, not for "
                                   "this payd, or its user or API key is gone).",
                                   request_id);
      response.headers.set("WWW-Authenticate", "Bearer realm=\"payd\", error=\"invalid_token\"");
      return response;
    }
    case Kind::tenant_required:
      return http::ApiError{403,
                            http::ErrorType::permission,
                            "TENANT_REQUIRED",
                            "This user belongs to several tenants: name one with X-Tenant.",
                            {},
                            {}}
          .to_response(request_id);
  }
  return http::ApiError::internal().to_response(request_id);
}

http::Handler authenticated(AccessGate& gate, AuthedHandler handler) {
  return [&gate, handler = std::move(handler)](
             http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
    auto admitted = co_await gate.admit(ctx);
    if (!admitted) co_return std::move(admitted).error();
    co_return co_await handler(ctx, admitted.value());
  };
}

}  // namespace payd::api
