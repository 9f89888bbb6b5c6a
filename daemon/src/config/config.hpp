#pragma once
// The typed configuration tree. Every field here is validated by ConfigLoader;
// code downstream never sees an unvalidated value.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/auth_config.hpp"
#include "config/rate_limit_config.hpp"
#include "config/routing_config.hpp"
#include "config/secret.hpp"

namespace payd::config {

using Millis = std::chrono::milliseconds;

enum class LogLevel { trace, debug, info, warn, error, critical, off };
enum class LogFormat { json, text };

struct ListenConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
};

struct ServerConfig {
  unsigned threads = 0;  // 0 = one per core
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  unsigned max_json_depth = 32;
  Millis header_timeout{10'000};  // whole request head must arrive in this time (slowloris)
  Millis body_timeout{30'000};    // whole body must arrive in this time
  Millis idle_timeout{60'000};    // keep-alive connection with no request
  Millis write_timeout{30'000};
  Millis shutdown_grace{10'000};  // in-flight requests get this long after SIGTERM
  unsigned max_connections = 10'000;
  // Requests being handled at once; beyond it payd answers 503 with Retry-After at once
  // (load shedding) instead of queuing. 0 = no cap. /healthz, /readyz and /metrics are exempt.
  unsigned max_in_flight = 1024;
};

struct LogConfig {
  LogLevel level = LogLevel::info;
  LogFormat format = LogFormat::json;
  bool access_log = true;
};

struct MetricsConfig {
  bool enabled = true;
  std::string path = "/metrics";
};

struct DatabaseConfig {
  std::optional<Secret> url;  // libpq connection string or URI
  unsigned pool_size = 4;
  Millis connect_timeout{5'000};
  // Apply pending migrations at start-up (otherwise `payd migrate` must run first).
  bool migrate_on_start = false;
};

struct PaymentsConfig {
  // Stored responses of Idempotency-Key requests are kept this long, then purged.
  Millis idempotency_retention{24LL * 3600 * 1000};
  // A payment waiting for the customer (requires_action) expires after this long.
  Millis action_ttl{3600LL * 1000};
  // How long a provider call may be in flight before the reconciler treats it as lost
  // (payd died between the call and the commit) and asks the provider what happened.
  // Longer than any connector's whole operation deadline.
  Millis in_flight_timeout{120LL * 1000};
  // How often each daemon looks for due reconciliation jobs.
  Millis reconcile_interval{1'000};
};

struct PluginsConfig {
  std::string dir = "/usr/lib/payd/plugins";  // every *.so here is loaded at start-up
};

enum class ConnectorMode { test, live };

// How the core's executor talks to this connector's provider.
struct ConnectorHttpConfig {
  Millis connect_timeout{5'000};
  Millis total_timeout{30'000};  // one exchange, request sent to response read
  std::size_t max_response_bytes = 1024 * 1024;
  std::string ca_file;  // PEM bundle; empty = the system trust store
  // Lets a connector speak plain http to 127.0.0.0/8 or ::1 (simulators in tests).
  // Named so that nobody turns it on by accident; never for production.
  bool allow_insecure_loopback_http = false;
};

struct BreakerConfig {
  unsigned failure_threshold = 5;  // consecutive transport/unknown failures that open it
  Millis cool_down{30'000};        // open -> half-open probe
};

struct ConnectorConfig {
  std::string id;      // [a-z0-9_-]{1,64}: used in URLs and metric labels
  std::string plugin;  // the plugin's declared name
  ConnectorMode mode = ConnectorMode::test;
  std::string tenant;  // empty: any tenant may route to it
  bool required = false;
  ConnectorHttpConfig http;
  BreakerConfig breaker;
  boost::json::object settings;                            // the plugin's own `config:`
  std::map<std::string, int, std::less<>> settings_lines;  // "connectors[0].config.x" -> line
  std::string path;                                        // "connectors[0]"
  int line = 0;
};

struct Config {
  std::string source_path;  // file this was loaded from
  ListenConfig listen;
  ServerConfig server;
  LogConfig log;
  MetricsConfig metrics;
  DatabaseConfig database;
  PaymentsConfig payments;
  PluginsConfig plugins;
  std::vector<ConnectorConfig> connectors;
  std::vector<std::string> connector_secrets;  // resolved secret values inside connector configs
  RoutingConfig routing;                       // which connectors a payment goes to
  RateLimitConfig rate_limits;                 // token buckets per route class (per daemon)
  std::optional<AuthConfig> auth;              // users, JWT, MFA; none: API keys only

  // Every resolved secret value, so the logger can scrub them.
  [[nodiscard]] std::vector<std::string> secret_values() const;
};

std::string_view to_string(LogLevel level);
std::string_view to_string(LogFormat format);
std::string_view to_string(ConnectorMode mode);

}  // namespace payd::config
