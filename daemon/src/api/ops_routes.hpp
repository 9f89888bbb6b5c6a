#pragma once
// Operations endpoints: /healthz (alive), /readyz (ready to serve), /metrics.

#include <string>

namespace payd::http {
class RouteTable;
}
namespace payd::obs {
class Metrics;
class Readiness;
}  // namespace payd::obs

namespace payd::api {

void add_ops_routes(http::RouteTable& routes, obs::Metrics& metrics, obs::Readiness& readiness,
                    const std::string& metrics_path);

}  // namespace payd::api
