#pragma once
// Chooses the connectors a payment may be sent to, in order. Today: every connector the
// caller's mode and tenant may use that can do what the payment needs (currency,
// payment-method type, manual capture), or exactly the one the caller named; connectors
// whose breaker is open go last. The YAML routing rules of issue #4 (amount ranges,
// country, metadata, weighted splits) plug in here as rules evaluated before this default.
// The decision is stored on the attempt and shown in the payment's `attempts`.

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "http/api_error.hpp"
#include "payd/sdk/types.hpp"

namespace payd::plugins {
class ConnectorRegistry;
}

namespace payd::core {

struct RouteQuery {
  sdk::Mode mode = sdk::Mode::test;
  std::string tenant_name;  // connectors pinned to a tenant name it in YAML
  std::int64_t amount = 0;
  std::string currency;
  std::vector<std::string> payment_method_types;
  sdk::CaptureMethod capture_method = sdk::CaptureMethod::automatic;
  std::string connector_hint;  // the caller's `connector`, or empty
};

struct RoutingDecision {
  std::string rule;                     // "default", "connector_hint", or a rule's name
  std::vector<std::string> candidates;  // in order of preference
  std::vector<std::string> skipped;     // "id: why" for connectors left out
  bool failover_on_decline = false;
  [[nodiscard]] boost::json::object to_json() const;
};

class Router {
 public:
  // `breaker_open(connector_id)` says whether the connector's circuit is open now.
  Router(const plugins::ConnectorRegistry& registry,
         std::function<bool(std::string_view)> breaker_open);

  // 400 CONNECTOR_UNKNOWN / CONNECTOR_UNAVAILABLE (param "connector") for a bad hint;
  // 400 NO_CONNECTOR_AVAILABLE when nothing can take the payment.
  [[nodiscard]] Result<RoutingDecision, http::ApiError> decide(const RouteQuery& query) const;

 private:
  const plugins::ConnectorRegistry& registry_;
  std::function<bool(std::string_view)> breaker_open_;
};

}  // namespace payd::core
