#pragma once
// GET /api/v1/connectors: every configured connector with its plugin, mode,
// capabilities and health. Never shows configuration values (they hold credentials).
//
// With an AccessGate (payd has a database) it needs a credential holding connectors:read.
// Without one (a payd with no database, which serves no tenant data and has no keys: how
// plugin authors try a plugin) it is public.

namespace payd::http {
class RouteTable;
}
namespace payd::plugins {
class ConnectorRegistry;
}

namespace payd::api {

class AccessGate;

// `gate` may be null (see above); it and `registry` must outlive the routes.
void add_connectors_routes(http::RouteTable& routes, const plugins::ConnectorRegistry& registry,
                           AccessGate* gate);

}  // namespace payd::api
