#pragma once
// GET /api/v1/connectors: every configured connector with its plugin, mode,
// capabilities and health. Never shows configuration values (they hold credentials).

namespace payd::http {
class RouteTable;
}
namespace payd::plugins {
class ConnectorRegistry;
}

namespace payd::api {

void add_connectors_routes(http::RouteTable& routes, const plugins::ConnectorRegistry& registry);

}  // namespace payd::api
