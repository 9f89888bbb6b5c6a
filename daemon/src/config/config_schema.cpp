#include "config/config_schema.hpp"

#include <array>
#include <set>

#include "config/auth_schema.hpp"
#include "config/rate_limit_schema.hpp"
#include "config/routing_schema.hpp"
#include "config/secret_resolver.hpp"
#include "config/value_parsers.hpp"
#include "config/yaml_to_json.hpp"

namespace payd::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;
constexpr Millis kMinTimeout{1};
constexpr Millis kMaxTimeout = hours{1};

constexpr std::array kLogLevels{LogLevel::trace, LogLevel::debug,    LogLevel::info, LogLevel::warn,
                                LogLevel::error, LogLevel::critical, LogLevel::off};
constexpr std::array kLogFormats{LogFormat::json, LogFormat::text};

bool is_absolute_url_path(std::string_view path) {
  return path.starts_with('/');
}

void read_listen(MappingReader& m, ListenConfig& out) {
  m.string("address", out.address, is_ip_address,
           "expected an IP address such as 127.0.0.1 or ::1");
  m.integer<std::uint16_t>("port", out.port, 1, 65535);
}

void read_server(MappingReader& m, ServerConfig& out) {
  m.integer("threads", out.threads, 0U, 256U);
  m.size("max_header_bytes", out.max_header_bytes, kKiB, kMiB);
  m.size("max_body_bytes", out.max_body_bytes, kKiB, 64 * kMiB);
  m.integer("max_json_depth", out.max_json_depth, 1U, 512U);
  m.duration("header_timeout", out.header_timeout, kMinTimeout, kMaxTimeout);
  m.duration("body_timeout", out.body_timeout, kMinTimeout, kMaxTimeout);
  m.duration("idle_timeout", out.idle_timeout, kMinTimeout, kMaxTimeout);
  m.duration("write_timeout", out.write_timeout, kMinTimeout, kMaxTimeout);
  // 0s is allowed: drop in-flight requests at once (useful in tests).
  m.duration("shutdown_grace", out.shutdown_grace, Millis{0}, minutes{10});
  m.integer("max_connections", out.max_connections, 1U, 1'000'000U);
  m.integer("max_in_flight", out.max_in_flight, 0U, 1'000'000U);
}

void read_log(MappingReader& m, LogConfig& out) {
  m.enumeration<LogLevel>("level", out.level, kLogLevels);
  m.enumeration<LogFormat>("format", out.format, kLogFormats);
  m.boolean("access_log", out.access_log);
}

void read_metrics(MappingReader& m, MetricsConfig& out) {
  m.boolean("enabled", out.enabled);
  m.string("path", out.path, is_absolute_url_path, "expected a path starting with /");
}

void read_database(MappingReader& m, DatabaseConfig& out, const SecretSources& sources) {
  read_secret(m, "url", out.url, sources);
  m.integer("pool_size", out.pool_size, 1U, 256U);
  m.duration("connect_timeout", out.connect_timeout, kMinTimeout, kMaxTimeout);
  m.boolean("migrate_on_start", out.migrate_on_start);
}

void read_payments(MappingReader& m, PaymentsConfig& out) {
  m.duration("idempotency_retention", out.idempotency_retention, minutes{1}, hours{24 * 30});
  m.duration("action_ttl", out.action_ttl, minutes{1}, hours{24 * 7});
  m.duration("in_flight_timeout", out.in_flight_timeout, seconds{1}, hours{1});
  m.duration("reconcile_interval", out.reconcile_interval, milliseconds{50}, minutes{10});
}

constexpr std::array kConnectorModes{ConnectorMode::test, ConnectorMode::live};

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

bool is_absolute_path(std::string_view p) {
  return p.empty() || p.starts_with('/');
}

bool is_nonempty(std::string_view p) {
  return !p.empty();
}

void read_plugins(MappingReader& m, PluginsConfig& out) {
  // Relative paths are resolved against the config file's folder by the loader.
  m.string("dir", out.dir, is_nonempty, "expected a directory path");
}

void read_connector(MappingReader& m, std::size_t index, Config& cfg,
                    const SecretSources& sources) {
  ConnectorConfig c;
  c.path = m.path();
  c.line = m.node().Mark().line + 1;
  constexpr std::string_view kIdRule = "expected 1-64 characters of a-z, 0-9, _ and -";
  if (!m.field("id")) m.error(m.node(), "id", "missing (every connector needs an id)");
  m.string("id", c.id, is_identifier, kIdRule);
  if (!m.field("plugin")) m.error(m.node(), "plugin", "missing (the plugin to load)");
  m.string("plugin", c.plugin, is_identifier, kIdRule);
  m.enumeration<ConnectorMode>("mode", c.mode, kConnectorModes);
  if (!m.field("mode")) m.error(m.node(), "mode", "missing: test or live must be explicit");
  m.string("tenant", c.tenant);
  m.boolean("required", c.required);
  m.section("http", [&](MappingReader& h) {
    h.duration("connect_timeout", c.http.connect_timeout, kMinTimeout, minutes{5});
    h.duration("total_timeout", c.http.total_timeout, kMinTimeout, minutes{10});
    h.size("max_response_bytes", c.http.max_response_bytes, kKiB, 64 * kMiB);
    h.string("ca_file", c.http.ca_file, is_absolute_path, "expected an absolute file path");
    h.boolean("allow_insecure_loopback_http", c.http.allow_insecure_loopback_http);
  });
  m.section("breaker", [&](MappingReader& b) {
    b.integer("failure_threshold", c.breaker.failure_threshold, 1U, 1000U);
    b.duration("cool_down", c.breaker.cool_down, kMinTimeout, hours{1});
  });
  if (auto settings = m.field("config")) {
    auto converted = yaml_to_json(*settings, m.path_of("config"), m.errors(), sources);
    c.settings = std::move(converted.json);
    c.settings_lines = std::move(converted.lines);
    cfg.connector_secrets.insert(cfg.connector_secrets.end(), converted.secrets.begin(),
                                 converted.secrets.end());
  }
  for (const auto& other : cfg.connectors) {
    if (!c.id.empty() && other.id == c.id) {
      m.error(*m.field("id"), "id",
              "duplicate connector id \"" + c.id + "\" (first at " + other.path + ")");
    }
  }
  (void)index;
  cfg.connectors.push_back(std::move(c));
}

}  // namespace

void read_config(MappingReader& root, Config& out, const SecretSources& sources) {
  root.section("listen", [&](MappingReader& m) { read_listen(m, out.listen); });
  root.section("server", [&](MappingReader& m) { read_server(m, out.server); });
  root.section("log", [&](MappingReader& m) { read_log(m, out.log); });
  root.section("metrics", [&](MappingReader& m) { read_metrics(m, out.metrics); });
  root.section("database", [&](MappingReader& m) { read_database(m, out.database, sources); });
  root.section("payments", [&](MappingReader& m) { read_payments(m, out.payments); });
  root.section("plugins", [&](MappingReader& m) { read_plugins(m, out.plugins); });
  root.sequence("connectors",
                [&](MappingReader& m, std::size_t i) { read_connector(m, i, out, sources); });
  // After connectors: rules may only name configured connectors.
  root.section("routing", [&](MappingReader& m) { read_routing(m, out); });
  root.section("rate_limits", [&](MappingReader& m) { read_rate_limits(m, out.rate_limits); });
  root.section("auth", [&](MappingReader& m) { read_auth(m, out.auth); });
}

}  // namespace payd::config
