#pragma once
// API key management (issue #5), permission api_keys.manage:
//   POST /api/v1/api_keys              {name, role | scopes}: 201 with `secret`, shown once
//   GET  /api/v1/api_keys              the tenant's keys of the caller's mode, never a secret
//   POST /api/v1/api_keys/{id}/revoke  effective on the next request, on every payd
// Rules: security/api_key_service.hpp. An idempotent replay of a creation answers the same
// key without its secret (`secret: null`): the secret is never stored, not even there.

#include "api/authenticated.hpp"
#include "api/payments_routes.hpp"
#include "http/route_table.hpp"

namespace payd::security {
class ApiKeyService;
}

namespace payd::api {

void add_api_key_routes(http::RouteTable& routes, AccessGate& gate, security::ApiKeyService& keys,
                        const PostWrapper& idempotent);

}  // namespace payd::api
