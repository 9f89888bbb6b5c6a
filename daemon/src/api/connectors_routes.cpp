#include "api/connectors_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/authenticated.hpp"
#include "http/route_table.hpp"
#include "payd/sdk/names.hpp"
#include "plugins/connector_registry.hpp"

namespace payd::api {
namespace {

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

boost::json::object render_capabilities(const sdk::Capabilities& c) {
  boost::json::array ops;
  for (const auto op : c.operations) ops.emplace_back(sdk::to_string(op));
  return {{"operations", std::move(ops)},
          {"manual_capture", c.manual_capture},
          {"partial_capture", c.partial_capture},
          {"partial_refunds", c.partial_refunds},
          {"multiple_refunds", c.multiple_refunds},
          {"currencies", strings(c.currencies)},
          {"payment_method_types", strings(c.payment_method_types)},
          {"webhooks", c.webhooks},
          {"sync", c.sync}};
}

boost::json::object render(const plugins::Connector& c) {
  boost::json::object o{{"id", c.id()},
                        {"object", "connector"},
                        {"plugin", c.config().plugin},
                        {"plugin_version", c.plugin_version()},
                        {"mode", sdk::to_string(c.mode())},
                        {"required", c.config().required},
                        {"available", c.available()},
                        {"healthy", c.healthy()}};
  o["tenant"] = c.config().tenant.empty() ? boost::json::value(nullptr)
                                          : boost::json::value(c.config().tenant);
  const auto problem = c.problem();
  o["problem"] = problem.empty() ? boost::json::value(nullptr) : boost::json::value(problem);
  o["capabilities"] = c.available() ? boost::json::value(render_capabilities(c.info().capabilities))
                                    : boost::json::value(nullptr);
  return o;
}

}  // namespace

void add_connectors_routes(http::RouteTable& routes, const plugins::ConnectorRegistry& registry,
                           AccessGate* gate) {
  auto list = [&registry]() {
    boost::json::array data;
    for (const auto* c : registry.all()) data.emplace_back(render(*c));
    return http::Response::json(
        200,
        boost::json::object{{"object", "list"}, {"data", std::move(data)}, {"has_more", false}});
  };
  if (gate == nullptr) {
    routes.add(http::Method::get, "/api/v1/connectors",
               [list](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
                 co_return list();
               },
               {.is_public = true, .permission = {}});
    return;
  }
  routes.add(http::Method::get, "/api/v1/connectors",
             authenticated(*gate,
                           [list](http::RequestContext&, const security::Principal&)
                               -> boost::asio::awaitable<http::Response> { co_return list(); }),
             {.is_public = false, .permission = "connectors:read"});
}

}  // namespace payd::api
