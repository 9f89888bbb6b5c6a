#include "core/router.hpp"

#include <algorithm>
#include <boost/json/array.hpp>

#include "core/route_match.hpp"
#include "payd/sdk/names.hpp"
#include "plugins/connector_registry.hpp"

namespace payd::core {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Adds `line` unless already there: two rules naming the same unfit connector say it once.
void note(std::vector<std::string>& lines, std::string line) {
  if (!contains(lines, line)) lines.push_back(std::move(line));
}

boost::json::array strings(const std::vector<std::string>& list) {
  boost::json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
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
  o["candidates"] = strings(candidates);
  o["skipped"] = strings(skipped);
  o["failover_on_decline"] = failover_on_decline;
  if (!fell_through.empty()) o["fell_through"] = strings(fell_through);
  if (split) {
    boost::json::object weights;
    for (const auto& w : split->weights) weights[w.connector] = w.weight;
    o["split"] = boost::json::object{{"weights", std::move(weights)},
                                     {"total", split->total},
                                     {"draw", split->draw},
                                     {"picked", split->picked}};
  }
  return o;
}

Router::Router(const plugins::ConnectorRegistry& registry,
               std::function<bool(std::string_view)> breaker_open, config::RoutingConfig routing,
               RandomSource random)
    : registry_(registry),
      breaker_open_(std::move(breaker_open)),
      routing_(std::move(routing)),
      random_(random ? std::move(random) : thread_random_source()) {}

Result<RoutingDecision, http::ApiError> Router::decide(const RouteQuery& q) const {
  if (!q.connector_hint.empty()) return decide_by_hint(q);
  RoutingDecision d;
  for (const auto& rule : routing_.rules) {
    if (!route_matches(rule.match, q)) continue;
    const bool taken =
        rule.split.empty() ? take_in_order(rule.connectors, q, d) : take_split(rule.split, q, d);
    if (taken) {
      d.rule = rule.name;
      d.failover_on_decline = rule.failover_on_decline;
      return d;
    }
    // A rule whose connectors all cannot take this payment (wrong mode, currency ...) is
    // passed over rather than failing the payment: later rules and the default may serve it.
    d.fell_through.push_back(rule.name);
  }
  d.rule = "default";
  std::vector<std::string> ids;
  if (routing_.default_connectors) {
    ids = *routing_.default_connectors;
  } else {
    for (const auto* c : registry_.all()) ids.push_back(c->id());
  }
  if (!take_in_order(ids, q, d)) {
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

Result<RoutingDecision, http::ApiError> Router::decide_by_hint(const RouteQuery& q) const {
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
  RoutingDecision d;
  d.rule = "connector_hint";
  d.candidates.push_back(c->id());
  return d;
}

Router::Fitness Router::screen(const std::string& id, const RouteQuery& q,
                               RoutingDecision& d) const {
  const auto* c = registry_.find(id);
  if (c == nullptr) {  // the config loader refuses this; kept for a hand-built Router
    note(d.skipped, id + ": not configured");
    return Fitness::unfit;
  }
  if (auto why = unfit(*c, q); !why.empty()) {
    // Connectors of the other mode are not mentioned: test keys learn nothing about live ones.
    if (c->mode() == q.mode) note(d.skipped, id + ": " + why);
    return Fitness::unfit;
  }
  if (breaker_open_ && breaker_open_(id)) {
    note(d.skipped, id + ": circuit open (kept as last resort)");
    return Fitness::breaker_open;
  }
  return Fitness::fit;
}

bool Router::take_in_order(const std::vector<std::string>& ids, const RouteQuery& q,
                           RoutingDecision& d) const {
  std::vector<std::string> fit;
  std::vector<std::string> open;
  for (const auto& id : ids) {
    switch (screen(id, q, d)) {
      case Fitness::fit:
        fit.push_back(id);
        break;
      case Fitness::breaker_open:
        open.push_back(id);
        break;
      case Fitness::unfit:
        break;
    }
  }
  if (fit.empty() && open.empty()) return false;
  d.candidates = std::move(fit);
  d.candidates.insert(d.candidates.end(), open.begin(), open.end());
  return true;
}

bool Router::take_split(const std::vector<config::WeightedConnector>& split, const RouteQuery& q,
                        RoutingDecision& d) const {
  std::vector<config::WeightedConnector> fit;
  std::vector<config::WeightedConnector> open;
  for (const auto& entry : split) {
    switch (screen(entry.connector, q, d)) {
      case Fitness::fit:
        fit.push_back(entry);
        break;
      case Fitness::breaker_open:
        open.push_back(entry);
        break;
      case Fitness::unfit:
        break;
    }
  }
  if (fit.empty() && open.empty()) return false;
  // The draw is among the connectors that can take the payment now; only when every one of
  // them has an open breaker is it among those.
  auto& drawn = fit.empty() ? open : fit;
  const auto order = order_by_draw(drawn, random_());
  d.candidates = order.order;
  d.split = SplitDraw{drawn, order.total, order.draw, order.order.front()};
  if (!fit.empty()) {
    std::stable_sort(open.begin(), open.end(),
                     [](const auto& a, const auto& b) { return a.weight > b.weight; });
    for (const auto& entry : open) d.candidates.push_back(entry.connector);
  }
  return true;
}

}  // namespace payd::core
