#pragma once
// Chooses the connectors a payment may be sent to, in order.
//
//   1. The caller's `connector` hint, if given: exactly that connector, or a 400.
//   2. Else the YAML routing rules (config::RoutingConfig), in order: the first rule whose
//      `match:` holds decides, with its connectors (an ordered list, or a weighted split
//      drawn here). Connectors that cannot take the payment are left out (and listed in
//      `skipped` with why); if none is left the rule is passed over (listed in
//      `fell_through`) and the next rule is tried.
//   3. Else `routing.default` (its connectors, in order), or, without one, every connector
//      the caller's mode and tenant may use that can do what the payment needs.
// Connectors whose breaker is open stay candidates, after the others. The decision is
// stored on the attempt and shown in the payment's `attempts[].routing`.

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "config/routing_config.hpp"
#include "core/weighted_split.hpp"
#include "http/api_error.hpp"
#include "payd/sdk/types.hpp"

namespace payd::plugins {
class ConnectorRegistry;
}

namespace payd::core {

struct RouteQuery {
  sdk::Mode mode = sdk::Mode::test;
  std::string tenant_name;  // connectors pinned to a tenant name it in YAML
  std::string country;      // ISO 3166-1 alpha-2 or empty
  boost::json::object metadata;
  std::int64_t amount = 0;
  std::string currency;
  std::vector<std::string> payment_method_types;
  sdk::CaptureMethod capture_method = sdk::CaptureMethod::automatic;
  std::string connector_hint;  // the caller's `connector`, or empty
};

// How a weighted split chose its first candidate.
struct SplitDraw {
  std::vector<config::WeightedConnector> weights;  // the connectors in the draw
  std::uint64_t total = 0;                         // sum of their weights
  std::uint64_t draw = 0;                          // in [0, total): picks the first candidate
  std::string picked;
};

struct RoutingDecision {
  std::string rule;                       // "default", "connector_hint", or a rule's name
  std::vector<std::string> candidates;    // in order of preference
  std::vector<std::string> skipped;       // "id: why" for connectors left out or put last
  std::vector<std::string> fell_through;  // rules that matched but had no connector left
  bool failover_on_decline = false;
  std::optional<SplitDraw> split;  // when the deciding rule is a weighted split
  // {rule, candidates, skipped, failover_on_decline} always; `fell_through` and `split`
  // ({weights: {id: weight}, total, draw, picked}) only when there is something to say.
  [[nodiscard]] boost::json::object to_json() const;
};

class Router {
 public:
  // `breaker_open(connector_id)` says whether the connector's circuit is open now.
  // `random` feeds weighted splits; empty = thread_random_source().
  Router(const plugins::ConnectorRegistry& registry,
         std::function<bool(std::string_view)> breaker_open, config::RoutingConfig routing = {},
         RandomSource random = {});

  // 400 CONNECTOR_UNKNOWN / CONNECTOR_UNAVAILABLE (param "connector") for a bad hint;
  // 400 NO_CONNECTOR_AVAILABLE when nothing can take the payment.
  [[nodiscard]] Result<RoutingDecision, http::ApiError> decide(const RouteQuery& query) const;

 private:
  enum class Fitness { unfit, breaker_open, fit };

  // Routes by the hint alone.
  [[nodiscard]] Result<RoutingDecision, http::ApiError> decide_by_hint(const RouteQuery& q) const;
  // Whether `id` can take the payment now; records in d.skipped why not, or that its
  // breaker is open.
  Fitness screen(const std::string& id, const RouteQuery& q, RoutingDecision& d) const;
  // Sets d.candidates to `ids` in order, open breakers last; false (and d.candidates left
  // empty) when none can take the payment.
  bool take_in_order(const std::vector<std::string>& ids, const RouteQuery& q,
                     RoutingDecision& d) const;
  // Likewise for a split: one drawn by weight, then the rest by descending weight, open
  // breakers last; sets d.split.
  bool take_split(const std::vector<config::WeightedConnector>& split, const RouteQuery& q,
                  RoutingDecision& d) const;

  const plugins::ConnectorRegistry& registry_;
  std::function<bool(std::string_view)> breaker_open_;
  config::RoutingConfig routing_;
  RandomSource random_;
};

}  // namespace payd::core
