#pragma once
// The `rate_limits:` section of payd.yaml (docs/rate-limits.md): one token bucket limit per
// route class. Validated by read_rate_limits (rate_limit_schema.cpp); applied by
// security::RateLimiter and reloaded on SIGHUP. Limits are per daemon process.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace payd::config {

// Route classes share a budget. A class is either per tenant (authenticated routes) or per
// client IP (public and authentication routes); see class_scope().
enum class RateClass : std::uint8_t {
  general,          // every limited route without a class of its own (per tenant)
  checkout_create,  // POST /api/v1/checkout/sessions
  session_status,   // GET /api/v1/checkout/sessions/{id}
  refunds,          // POST /api/v1/refunds, POST /api/v1/payments/{id}/refunds
  key_management,   // /api/v1/api_keys...
  test_webhooks,    // POST /api/v1/webhook.../test
  link_info,        // GET /api/v1/links/{slug} (public, per IP)
  link_checkout,    // POST /api/v1/links/{slug}/checkout (public, per IP)
  auth,             // /api/v1/auth/... (login, token exchange; per IP)
  auth_failures,    // failed authentications of any kind (per IP, before any lookup)
};
inline constexpr std::size_t kRateClassCount = 10;

enum class RateScope : std::uint8_t { tenant, ip };

[[nodiscard]] RateScope class_scope(RateClass c) noexcept;
// The YAML key and metric label: "general", "checkout_create", ...
[[nodiscard]] std::string_view to_string(RateClass c) noexcept;
[[nodiscard]] std::string_view to_string(RateScope s) noexcept;
[[nodiscard]] std::optional<RateClass> rate_class_named(std::string_view name) noexcept;

// `limit` requests per `per`, refilled continuously; up to `burst` at once.
struct RateLimit {
  std::uint32_t limit = 0;
  std::chrono::milliseconds per{0};
  std::uint32_t burst = 0;

  bool operator==(const RateLimit&) const = default;
};

struct RateLimitConfig {
  bool enabled = true;
  // Buckets kept at most (all classes, tenants and IPs together). Beyond it, full buckets
  // are dropped first, then the least recently used: memory stays bounded under a flood of
  // addresses, at the price of a fresh budget for an evicted client.
  std::size_t max_buckets = 100'000;
  std::array<RateLimit, kRateClassCount> classes = default_classes();

  bool operator==(const RateLimitConfig&) const = default;

  [[nodiscard]] const RateLimit& of(RateClass c) const noexcept {
    return classes[static_cast<std::size_t>(c)];
  }
  [[nodiscard]] static std::array<RateLimit, kRateClassCount> default_classes() noexcept;
};

}  // namespace payd::config
