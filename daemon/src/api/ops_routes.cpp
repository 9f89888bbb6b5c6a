#include "api/ops_routes.hpp"

#include <boost/json/object.hpp>

#include "http/route_table.hpp"
#include "observability/metrics.hpp"
#include "observability/readiness.hpp"

namespace payd::api {

void add_ops_routes(http::RouteTable& routes, obs::Metrics& metrics, obs::Readiness& readiness,
                    const std::string& metrics_path) {
  const http::RouteOptions open{.is_public = true, .permission = {}};

  routes.add(
      http::Method::get, "/healthz",
      [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
        co_return http::Response::json(200, boost::json::object{{"status", "ok"}});
      },
      open);

  routes.add(
      http::Method::get, "/readyz",
      [&readiness](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
        const auto report = readiness.report();
        boost::json::object checks;
        for (const auto& [name, ok] : report.checks) checks[name] = ok ? "ok" : "failing";
        boost::json::object body{
            {"status", report.draining ? "draining" : (report.ready ? "ready" : "not_ready")}};
        if (!checks.empty()) body["checks"] = std::move(checks);
        co_return http::Response::json(report.ready ? 200 : 503, body);
      },
      open);

  if (!metrics_path.empty()) {
    routes.add(
        http::Method::get, metrics_path,
        [&metrics](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
          co_return http::Response::text(200, metrics.serialize(),
                                         "text/plain; version=0.0.4; charset=utf-8");
        },
        open);
  }
}

}  // namespace payd::api
