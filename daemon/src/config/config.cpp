#include "config/config.hpp"

#include <array>

namespace payd::config {

std::vector<std::string> Config::secret_values() const {
  std::vector<std::string> values;
  // Add each new secret field here so the logger scrubs it too.
  if (database.url && !database.url->empty()) values.push_back(database.url->reveal());
  values.insert(values.end(), connector_secrets.begin(), connector_secrets.end());
  return values;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::critical:
      return "critical";
    case LogLevel::off:
      return "off";
  }
  return "unknown";
}

std::string_view to_string(ConnectorMode mode) {
  return mode == ConnectorMode::live ? "live" : "test";
}

std::string_view to_string(LogFormat format) {
  switch (format) {
    case LogFormat::json:
      return "json";
    case LogFormat::text:
      return "text";
  }
  return "unknown";
}

}  // namespace payd::config
