#include "sandbox_settings.hpp"

#include "payd/sdk/plugin.hpp"

namespace payd::sandbox {
namespace {

std::int64_t integer(const boost::json::value& v, const char* key, std::int64_t min,
                     std::int64_t max) {
  if (!v.is_int64()) throw sdk::ConfigError(key, "expected an integer");
  const auto n = v.as_int64();
  if (n < min || n > max) {
    throw sdk::ConfigError(key, "expected an integer " + std::to_string(min) + "-" +
                                    std::to_string(max));
  }
  return n;
}

std::string text(const boost::json::value& v, const char* key) {
  if (!v.is_string()) throw sdk::ConfigError(key, "expected a string");
  return std::string(v.as_string());
}

}  // namespace

SandboxSettings parse_settings(const boost::json::object& config) {
  SandboxSettings s;
  for (const auto& [k, v] : config) {
    if (k == "webhook_secret") {
      s.webhook_secret = text(v, "webhook_secret");
      if (s.webhook_secret.size() < 16) {
        throw sdk::ConfigError("webhook_secret", "expected at least 16 characters");
      }
    } else if (k == "latency_ms") {
      s.latency = std::chrono::milliseconds(integer(v, "latency_ms", 0, 60'000));
    } else if (k == "redirect_base_url") {
      s.redirect_base_url = text(v, "redirect_base_url");
      if (!s.redirect_base_url.starts_with("https://") &&
          !s.redirect_base_url.starts_with("http://")) {
        throw sdk::ConfigError("redirect_base_url", "expected an http(s) URL");
      }
    } else if (k == "webhook_tolerance_seconds") {
      s.webhook_tolerance_seconds = integer(v, "webhook_tolerance_seconds", 1, 3600);
    } else {
      throw sdk::ConfigError(std::string(k),
                             "unknown key (known: webhook_secret, latency_ms, redirect_base_url, "
                             "webhook_tolerance_seconds)");
    }
  }
  return s;
}

}  // namespace payd::sandbox
