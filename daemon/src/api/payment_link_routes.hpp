#pragma once
// Payment links. The merchant's side, authenticated (POSTs idempotent):
//   POST /api/v1/payment_links, GET /api/v1/payment_links[/{id}],
//   POST /api/v1/payment_links/{id}/deactivate
// The customer's side, public (RouteOptions::is_public, no credentials, no Idempotency-Key):
//   GET /api/v1/links/{slug}, POST /api/v1/links/{slug}/checkout
// Parse -> PaymentLinkService -> render; no SQL, no plugin headers.

#include "api/authenticated.hpp"
#include "api/payments_routes.hpp"
#include "api/rate_limit_guard.hpp"
#include "http/route_table.hpp"

namespace payd::core {
class PaymentLinkService;
}

namespace payd::api {

void add_payment_link_routes(http::RouteTable& routes, AccessGate& gate,
                             core::PaymentLinkService& links, const PostWrapper& idempotent,
                             RateLimitGuard* public_limits = nullptr);

}  // namespace payd::api
