#include "config/rate_limit_config.hpp"

namespace payd::config {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::array<std::string_view, kRateClassCount> kNames{
    "general",       "checkout_create", "session_status", "refunds", "key_management",
    "test_webhooks", "link_info",       "link_checkout",  "auth",    "auth_failures"};

}  // namespace

RateScope class_scope(RateClass c) noexcept {
  switch (c) {
    case RateClass::link_info:
    case RateClass::link_checkout:
    case RateClass::auth:
    case RateClass::auth_failures:
      return RateScope::ip;
    default:
      return RateScope::tenant;
  }
}

std::string_view to_string(RateClass c) noexcept {
  return kNames[static_cast<std::size_t>(c)];
}

std::string_view to_string(RateScope s) noexcept {
  return s == RateScope::tenant ? "tenant" : "ip";
}

std::optional<RateClass> rate_class_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<RateClass>(i);
  }
  return std::nullopt;
}

// The front-door spec's limits; `general`, `auth` and `auth_failures` are payd's own choice
// (docs/rate-limits.md explains them).
std::array<RateLimit, kRateClassCount> RateLimitConfig::default_classes() noexcept {
  std::array<RateLimit, kRateClassCount> c{};
  auto set = [&c](RateClass k, std::uint32_t limit, std::chrono::milliseconds per,
                  std::uint32_t burst) {
    c[static_cast<std::size_t>(k)] = {limit, per, burst};
  };
  set(RateClass::general, 100, seconds{1}, 200);
  set(RateClass::checkout_create, 10, minutes{1}, 10);
  set(RateClass::session_status, 30, minutes{1}, 30);
  set(RateClass::refunds, 5, minutes{1}, 5);
  set(RateClass::key_management, 10, minutes{1}, 10);
  set(RateClass::test_webhooks, 5, minutes{1}, 5);
  set(RateClass::link_info, 10, minutes{1}, 10);
  set(RateClass::link_checkout, 3, minutes{1}, 3);
  set(RateClass::auth, 20, minutes{1}, 20);
  set(RateClass::auth_failures, 10, minutes{1}, 10);
  return c;
}

}  // namespace payd::config
