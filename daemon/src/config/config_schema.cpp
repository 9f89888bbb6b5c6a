#include "config/config_schema.hpp"

#include <array>

#include "config/secret_resolver.hpp"
#include "config/value_parsers.hpp"

namespace payd::config {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

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
}

}  // namespace

void read_config(MappingReader& root, Config& out, const SecretSources& sources) {
  root.section("listen", [&](MappingReader& m) { read_listen(m, out.listen); });
  root.section("server", [&](MappingReader& m) { read_server(m, out.server); });
  root.section("log", [&](MappingReader& m) { read_log(m, out.log); });
  root.section("metrics", [&](MappingReader& m) { read_metrics(m, out.metrics); });
  root.section("database", [&](MappingReader& m) { read_database(m, out.database, sources); });
}

}  // namespace payd::config
