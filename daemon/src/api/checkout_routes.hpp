#pragma once
// /api/v1/checkout/sessions: create a hosted checkout session (authenticated, idempotent)
// and read it back. Parse -> CheckoutService -> render; no SQL, no plugin headers.

#include "api/authenticated.hpp"
#include "api/payments_routes.hpp"
#include "http/route_table.hpp"

namespace payd::core {
class CheckoutService;
}

namespace payd::api {

void add_checkout_routes(http::RouteTable& routes, AccessGate& gate,
                         core::CheckoutService& checkout, const PostWrapper& idempotent);

}  // namespace payd::api
