#pragma once
// The sandbox connector's `config:` keys, validated by the factory.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace payd::sandbox {

struct SandboxSettings {
  std::string webhook_secret;                // empty: webhooks off
  std::chrono::milliseconds latency{0};      // simulated provider latency per operation
  std::string redirect_base_url = "https://sandbox.payd.invalid/authenticate";
  std::int64_t webhook_tolerance_seconds = 300;
};

// Throws sdk::ConfigError naming the key on any unknown key, wrong type or bad value.
[[nodiscard]] SandboxSettings parse_settings(const boost::json::object& config);

}  // namespace payd::sandbox
