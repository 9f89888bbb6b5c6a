#pragma once
// The buckets of one daemon: one per (route class, subject), where the subject is a tenant id
// or a client address (its /64 for IPv6: one host usually owns a whole /64, so per-address
// buckets would let it rotate addresses for fresh budgets). Thread-safe, sharded by key.
//
// Memory is bounded by config.max_buckets: when a shard is at its share, full buckets are
// dropped (a full bucket means the same as no bucket), then the least recently used half.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config/rate_limit_config.hpp"
#include "security/token_bucket.hpp"

namespace payd::security {

class RateLimiter {
 public:
  using Now = std::function<Clock::time_point()>;

  explicit RateLimiter(const config::RateLimitConfig& config, Now now = &Clock::now);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Spends one token of `subject`'s bucket of class `c`.
  BucketState take(config::RateClass c, std::string_view subject);
  // Would take() succeed? Spends nothing and creates no bucket.
  [[nodiscard]] BucketState peek(config::RateClass c, std::string_view subject) const;

  // New limits from now on (SIGHUP). Existing buckets keep the fraction of their budget left
  // at this moment (converted lazily, when next touched, but as of now); none is dropped.
  void reconfigure(const config::RateLimitConfig& config);
  [[nodiscard]] config::RateLimitConfig config() const;

  // Buckets held, over all shards.
  [[nodiscard]] std::size_t size() const;

 private:
  struct Shard;
  struct Settings {
    config::RateLimitConfig config;
    Clock::time_point since;  // when it took effect: buckets convert as of this time
  };
  Shard& shard_for(std::string_view key) const;

  std::atomic<std::shared_ptr<const Settings>> config_;
  Now now_;
  std::unique_ptr<Shard[]> shards_;
};

// The bucket subject for a client address: an IPv4 address as is, an IPv4-mapped IPv6
// address as its IPv4, any other IPv6 address as its /64 ("2001:db8:1:2::/64"); text that is
// no address (a Unix socket, a test) is used verbatim.
[[nodiscard]] std::string client_subject(std::string_view remote_address);

[[nodiscard]] BucketLimit bucket_limit(const config::RateLimit& limit) noexcept;

}  // namespace payd::security
