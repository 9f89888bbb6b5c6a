#include "app/config_reload.hpp"

namespace payd::app {
namespace {

bool same_connector(const config::ConnectorConfig& a, const config::ConnectorConfig& b) {
  return a.id == b.id && a.plugin == b.plugin && a.mode == b.mode && a.tenant == b.tenant &&
         a.required == b.required && a.settings == b.settings &&
         a.http.connect_timeout == b.http.connect_timeout &&
         a.http.total_timeout == b.http.total_timeout &&
         a.http.max_response_bytes == b.http.max_response_bytes &&
         a.http.ca_file == b.http.ca_file &&
         a.http.allow_insecure_loopback_http == b.http.allow_insecure_loopback_http &&
         a.breaker.failure_threshold == b.breaker.failure_threshold &&
         a.breaker.cool_down == b.breaker.cool_down;
}

bool same_connectors(const std::vector<config::ConnectorConfig>& a,
                     const std::vector<config::ConnectorConfig>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_connector(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> restart_required_changes(const config::Config& a,
                                                  const config::Config& b) {
  std::vector<std::string> changed;
  auto check = [&changed](bool differs, const char* path) {
    if (differs) changed.emplace_back(path);
  };
  check(a.listen.address != b.listen.address, "listen.address");
  check(a.listen.port != b.listen.port, "listen.port");
  check(a.server.threads != b.server.threads, "server.threads");
  check(a.server.max_header_bytes != b.server.max_header_bytes, "server.max_header_bytes");
  check(a.server.max_body_bytes != b.server.max_body_bytes, "server.max_body_bytes");
  check(a.server.max_json_depth != b.server.max_json_depth, "server.max_json_depth");
  check(a.server.header_timeout != b.server.header_timeout, "server.header_timeout");
  check(a.server.body_timeout != b.server.body_timeout, "server.body_timeout");
  check(a.server.idle_timeout != b.server.idle_timeout, "server.idle_timeout");
  check(a.server.write_timeout != b.server.write_timeout, "server.write_timeout");
  check(a.server.shutdown_grace != b.server.shutdown_grace, "server.shutdown_grace");
  check(a.server.max_connections != b.server.max_connections, "server.max_connections");
  // Not listed, because applied live by the daemon's reload: server.max_in_flight and the
  // whole rate_limits section (buckets are kept; see docs/rate-limits.md).
  check(a.log.format != b.log.format, "log.format");
  check(a.metrics.enabled != b.metrics.enabled, "metrics.enabled");
  check(a.metrics.path != b.metrics.path, "metrics.path");
  check(a.database.url != b.database.url, "database.url");
  check(a.database.pool_size != b.database.pool_size, "database.pool_size");
  check(a.database.connect_timeout != b.database.connect_timeout, "database.connect_timeout");
  // Connectors are built once at start-up for now; re-creating them on reload is future work.
  check(a.plugins.dir != b.plugins.dir, "plugins.dir");
  check(!same_connectors(a.connectors, b.connectors), "connectors");
  // The router is built with the connectors and keeps its rules until a restart.
  check(a.routing != b.routing, "routing");
  return changed;
}

}  // namespace payd::app
