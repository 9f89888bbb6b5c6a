#pragma once
// The `routing:` section of payd.yaml: ordered rules that choose connectors for a payment,
// and an optional default route. Validated by read_routing (routing_schema.cpp), which also
// checks that every connector named here is configured; core::Router applies it.
//
// No file positions are kept: every check that needs one happens at load, and leaving them
// out lets a reload compare two trees without a moved line counting as a change.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace payd::config {

// What a payment must look like for a rule to apply. Every dimension given must hold; an
// absent dimension (empty list, no bound) accepts anything.
struct RouteMatch {
  std::vector<std::string> currencies;                       // ISO 4217, any of
  std::optional<std::int64_t> amount_gte;                    // minor units, inclusive
  std::optional<std::int64_t> amount_lte;                    // minor units, inclusive
  std::vector<std::string> payment_method_types;             // the payment asks for any of these
  std::vector<std::string> countries;                        // ISO 3166-1 alpha-2, any of
  std::map<std::string, std::string, std::less<>> metadata;  // every key must equal
  std::vector<std::string> tenants;                          // tenant names, any of

  bool operator==(const RouteMatch&) const = default;
};

struct WeightedConnector {
  std::string connector;
  std::uint32_t weight = 0;  // > 0

  bool operator==(const WeightedConnector&) const = default;
};

struct RoutingRule {
  std::string name;  // unique; shown as `rule` in the payment's attempts[].routing
  RouteMatch match;
  // Exactly one of these two is non-empty.
  std::vector<std::string> connectors;   // in order of preference (failover order)
  std::vector<WeightedConnector> split;  // one is drawn by weight, the rest follow
  bool failover_on_decline = false;      // try the next candidate after a decline too

  bool operator==(const RoutingRule&) const = default;
};

struct RoutingConfig {
  std::vector<RoutingRule> rules;  // first match decides
  // When no rule applies: these connectors in order; absent = every connector that can take
  // the payment, in configuration order (the behaviour without a routing section).
  std::optional<std::vector<std::string>> default_connectors;

  bool operator==(const RoutingConfig&) const = default;
};

}  // namespace payd::config
