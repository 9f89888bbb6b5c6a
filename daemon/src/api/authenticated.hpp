#pragma once
// The middleware of every non-public route: wraps a handler that needs a caller so that it
// runs only once the AccessGate admitted the request (authentication, rate limit,
// permission), and receives the Principal the credential stands for.
//
//   routes.add(Method::get, "/api/v1/payments/{id}",
//              api::authenticated(gate, [](http::RequestContext& ctx,
//                                                   const security::Principal& who)
//                                                    -> awaitable<http::Response> { ... }),
//              {.permission = "payments:read"});
//
// Answers (error envelope of http/api_error.hpp):
//   401 authentication_error AUTHENTICATION_REQUIRED  no Authorization header
//   401 authentication_error INVALID_API_KEY          malformed, unknown, wrong secret, revoked,
//                                                     or several Authorization headers
//   401 authentication_error INVALID_TOKEN            a JWT that does not verify, or whose user or
//                                                     key is gone (error="invalid_token")
//   403 permission_error     TENANT_MISMATCH          X-Tenant names another tenant
//   403 permission_error     TENANT_REQUIRED          a user of several tenants sent no X-Tenant
//   403 permission_error     INSUFFICIENT_PERMISSIONS the route's permission is not held
//   429 rate_limit_error     RATE_LIMIT_EXCEEDED      see api/rate_limit_guard.hpp
//   503 api_error            SERVICE_UNAVAILABLE      key store unavailable (Retry-After)
//   500 api_error            INTERNAL_ERROR           any other store failure
// Every 401 carries `WWW-Authenticate: Bearer realm="payd"` (RFC 6750). Failures are
// logged with the request id, the reason and the key's display form; never the key.

#include <boost/asio/awaitable.hpp>
#include <functional>

#include "api/access_gate.hpp"
#include "http/handler.hpp"
#include "http/request_context.hpp"
#include "http/response.hpp"
#include "security/authenticator.hpp"

namespace payd::api {

using AuthedHandler = std::function<boost::asio::awaitable<http::Response>(
    http::RequestContext&, const security::Principal&)>;
// Decorates the handler of a POST (in practice: api::idempotent_posts).
using PostWrapper = std::function<AuthedHandler(AuthedHandler)>;

// `gate` must outlive the returned handler.
[[nodiscard]] http::Handler authenticated(AccessGate& gate, AuthedHandler handler);

// The response for a failed authentication (exposed for tests and other middleware).
[[nodiscard]] http::Response authentication_failure(const security::AuthError& error,
                                                    std::string_view request_id);

}  // namespace payd::api
