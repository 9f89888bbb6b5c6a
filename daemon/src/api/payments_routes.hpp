#pragma once
// /api/v1/payments and /api/v1/refunds: parse and validate the request, call the
// PaymentService, render JSON. No SQL, no plugin headers.

#include <functional>

#include "api/authenticated.hpp"
#include "http/route_table.hpp"

namespace payd::core {
class PaymentService;
}

namespace payd::api {

// Wraps a POST handler with Idempotency-Key handling (identity when none is configured).

void add_payments_routes(http::RouteTable& routes, AccessGate& gate, core::PaymentService& payments,
                         const PostWrapper& idempotent);

}  // namespace payd::api
