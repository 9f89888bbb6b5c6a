// The connector's `config:` keys. Validate everything here, once, when payd creates the
// connector: a typo must stop start-up with a message naming the key, not fail a payment.
#include "example_provider.hpp"
#include "payd/sdk/plugin.hpp"  // sdk::ConfigError

namespace example {
namespace {

std::string text(const boost::json::value& v, const char* key) {
  if (!v.is_string()) throw sdk::ConfigError(key, "expected a string");
  return std::string(v.as_string());
}

}  // namespace

Settings parse_settings(const boost::json::object& config, sdk::Mode mode) {
  Settings s;
  for (const auto& [key, value] : config) {
    if (key == "api_key") {
      s.api_key = text(value, "api_key");
    } else if (key == "base_url") {
      s.base_url = text(value, "base_url");
      if (!s.base_url.starts_with("https://") && !s.base_url.starts_with("http://")) {
        throw sdk::ConfigError("base_url", "expected an http(s) URL");
      }
      while (s.base_url.ends_with('/')) s.base_url.pop_back();
    } else if (key == "webhook_secret") {
      s.webhook_secret = text(value, "webhook_secret");
      if (s.webhook_secret.size() < 16) {
        throw sdk::ConfigError("webhook_secret", "expected at least 16 characters");
      }
    } else if (key == "webhook_tolerance_seconds") {
      if (!value.is_int64() || value.as_int64() < 1 || value.as_int64() > 3600) {
        throw sdk::ConfigError("webhook_tolerance_seconds", "expected an integer 1-3600");
      }
      s.webhook_tolerance_seconds = value.as_int64();
    } else {
      throw sdk::ConfigError(std::string(key),
                             "unknown key (known: api_key, base_url, webhook_secret, "
                             "webhook_tolerance_seconds)");
    }
  }
  // Example Pay's keys say which mode they are for: refuse a live key on a test connector.
  const std::string prefix = mode == sdk::Mode::live ? "ek_live_" : "ek_test_";
  if (s.api_key.empty()) throw sdk::ConfigError("api_key", "required");
  if (!s.api_key.starts_with(prefix)) {
    throw sdk::ConfigError("api_key", "must start with " + prefix + " in this connector's mode");
  }
  return s;
}

}  // namespace example
