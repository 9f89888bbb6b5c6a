#pragma once
// The API's JSON shapes of checkout sessions and payment links (snake_case, minor units,
// ISO 8601 UTC timestamps as payment_json renders them). `now` is unix seconds: statuses,
// remaining_seconds and is_expired are computed at rendering time.

#include <boost/json/object.hpp>
#include <cstdint>

#include "core/checkout_service.hpp"
#include "store/payment_link_store.hpp"

namespace payd::api {

// The merchant's view (POST/GET /api/v1/checkout/sessions).
[[nodiscard]] boost::json::object checkout_session_json(const core::CheckoutSession& s,
                                                        std::int64_t now);
// The customer's view of a session opened from a link (POST /api/v1/links/{slug}/checkout).
[[nodiscard]] boost::json::object link_checkout_json(const core::CheckoutSession& s,
                                                     std::int64_t now);
// The merchant's view (/api/v1/payment_links).
[[nodiscard]] boost::json::object payment_link_json(const store::PaymentLinkRecord& link,
                                                    std::int64_t now);
// The public view (GET /api/v1/links/{slug}): no ids, tenant, mode or usage counts.
[[nodiscard]] boost::json::object public_payment_link_json(const store::PaymentLinkRecord& link,
                                                           std::int64_t now);

}  // namespace payd::api
