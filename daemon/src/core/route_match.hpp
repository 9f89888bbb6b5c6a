#pragma once
// Whether a routing rule's `match:` holds for a payment. Pure: no registry, no I/O.

#include "config/routing_config.hpp"

namespace payd::core {

struct RouteQuery;

// True when every dimension the rule gives holds (an empty `match:` holds for every payment).
// A dimension the payment does not carry (no country, no payment_method_types, a metadata
// key it lacks) does not hold.
[[nodiscard]] bool route_matches(const config::RouteMatch& match, const RouteQuery& query);

}  // namespace payd::core
