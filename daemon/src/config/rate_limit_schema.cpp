#include "config/rate_limit_schema.hpp"

namespace payd::config {
namespace {

constexpr std::uint32_t kMaxTokens = 1'000'000;
constexpr std::size_t kMaxBuckets = 100'000'000;

void read_limit(MappingReader& m, RateLimit& out) {
  const bool burst_given = m.field("burst").has_value();
  m.integer("limit", out.limit, 1U, kMaxTokens);
  // A period under 1 ms gains nothing; over a day, nobody would notice a refill. Both bounds
  // also keep TokenBucket's fixed point (burst x period in microseconds) inside 64 bits.
  m.duration("per", out.per, Millis{1}, std::chrono::hours{24});
  if (burst_given) {
    m.integer("burst", out.burst, 1U, kMaxTokens);
  } else {
    out.burst = out.limit;  // no burst above the steady rate unless asked for
  }
}

}  // namespace

void read_rate_limits(MappingReader& m, RateLimitConfig& out) {
  m.boolean("enabled", out.enabled);
  m.integer("max_buckets", out.max_buckets, std::size_t{16}, kMaxBuckets);
  m.section("classes", [&out](MappingReader& classes) {
    for (std::size_t i = 0; i < kRateClassCount; ++i) {
      const auto c = static_cast<RateClass>(i);
      classes.section(to_string(c),
                      [&out, i](MappingReader& limit) { read_limit(limit, out.classes[i]); });
    }
  });
}

}  // namespace payd::config
