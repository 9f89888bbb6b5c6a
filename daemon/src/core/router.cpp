#include "core/router.hpp"

#include <algorithm>
#include <boost/json/array.hpp>

#include "payd/sdk/names.hpp"
#include "plugins/connector_registry.hpp"

namespace payd::core {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Why `c` cannot take the payment, or "" when it can.
std::string unfit(const plugins::Connector& c, const RouteQuery& q) {
  if (!c.available()) return "unavailable: " + c.problem();
  if (!c.healthy()) return "unhealthy: " + c.problem();
  if (c.mode() != q.mode)
    return std::string("serves ") + std::string(sdk::to_string(c.mode())) + " mode";
  if (!c.config().tenant.empty() && c.config().tenant != q.tenant_name) {
    return "reserved for another tenant";
  }
  const auto& caps = c.info().capabilities;
  if (!caps.supports(sdk::Operation::authorize)) return "cannot authorize";
  if (!caps.currencies.empty() && !contains(caps.currencies, q.currency)) {
    return "does not support " + q.currency;
  }
  if (q.capture_method == sdk::CaptureMethod::manual && !caps.manual_capture) {
    return "does not support manual capture";
  }
  if (!q.payment_method_types.empty() && !caps.payment_method_types.empty()) {
    const bool any =
        std::any_of(q.payment_method_types.begin(), q.payment_method_types.end(),
                    [&](const std::string& t) { return contains(caps.payment_method_types, t); });
    if (!any) return "supports none of the requested payment method types";
  }
  return {};
}

}  // namespace

boost::json::object RoutingDecision::to_json() const {
  boost::json::object o;
  o["rule"] = rule;
  boost::json::array cands;
  for (const auto& c : candidates) cands.emplace_back(c);
  o["candidates"] = std::move(cands);
  boost::json::array skip;
  for (const auto& s : skipped) skip.emplace_back(s);
  o["skipped"] = std::move(skip);
  o["failover_on_decline"] = failover_on_decline;
  return o;
}

Router::Router(const plugins::ConnectorRegistry& registry,
               std::function<bool(std::string_view)> breaker_open)
    : registry_(registry), breaker_open_(std::move(breaker_open)) {}

Result<RoutingDecision, http::ApiError> Router::decide(const RouteQuery& q) const {
  RoutingDecision d;
  if (!q.connector_hint.empty()) {
    const auto* c = registry_.find(q.connector_hint);
    // A connector of the other mode is reported as unknown: test keys learn nothing
    // about live configuration.
    if (c == nullptr || c->mode() != q.mode) {
      return fail(http::ApiError{400, http::ErrorType::invalid_request, "CONNECTOR_UNKNOWN",
                                 "No connector named '" + q.connector_hint + "' serves " +
                                     std::string(sdk::to_string(q.mode)) + " mode.",
                                 std::string("connector")});
    }
    if (auto why = unfit(*c, q); !why.empty()) {
      return fail(http::ApiError{
          400, http::ErrorType::invalid_request, "CONNECTOR_UNAVAILABLE",
          "Connector '" + q.connector_hint + "' cannot take this payment: " + why + ".",
          std::string("connector")});
    }
    d.rule = "connector_hint";
    d.candidates.push_back(c->id());
    return d;
  }
  d.rule = "default";
  std::vector<std::string> open;
  for (const auto* c : registry_.all()) {
    if (auto why = unfit(*c, q); !why.empty()) {
      if (c->mode() == q.mode) d.skipped.push_back(c->id() + ": " + why);
      continue;
    }
    if (breaker_open_ && breaker_open_(c->id())) {
      open.push_back(c->id());
      d.skipped.push_back(c->id() + ": circuit open (kept as last resort)");
      continue;
    }
    d.candidates.push_back(c->id());
  }
  d.candidates.insert(d.candidates.end(), open.begin(), open.end());
  if (d.candidates.empty()) {
    return fail(http::ApiError{400,
                               http::ErrorType::invalid_request,
                               "NO_CONNECTOR_AVAILABLE",
                               "No " + std::string(sdk::to_string(q.mode)) +
                                   "-mode connector can take a " + q.currency +
                                   " payment with these payment method types and capture method.",
                               {}});
  }
  return d;
}

}  // namespace payd::core
