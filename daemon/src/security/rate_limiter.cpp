#include "security/rate_limiter.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace payd::security {
namespace {

constexpr std::size_t kShards = 16;

std::string bucket_key(config::RateClass c, std::string_view subject) {
  std::string key;
  key.reserve(subject.size() + 1);
  key.push_back(static_cast<char>(c));
  key.append(subject);
  return key;
}

}  // namespace

struct RateLimiter::Shard {
  mutable std::mutex mutex;
  std::unordered_map<std::string, TokenBucket> buckets;

  // Makes room for one more bucket when the shard is at `cap`.
  void make_room(std::size_t cap, Clock::time_point now) {
    if (buckets.size() < cap) return;
    std::erase_if(buckets, [now](const auto& kv) { return kv.second.full(now); });
    if (buckets.size() < cap) return;
    // Still at the cap (a flood of distinct clients): drop the least recently used half, so
    // the cost of this scan is shared by the next cap/2 insertions.
    std::vector<Clock::time_point> times;
    times.reserve(buckets.size());
    for (const auto& kv : buckets) times.push_back(kv.second.last_update());
    auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
    std::nth_element(times.begin(), middle, times.end());
    const auto cutoff = *middle;
    std::erase_if(buckets, [cutoff](const auto& kv) { return kv.second.last_update() <= cutoff; });
  }
};

RateLimiter::RateLimiter(const config::RateLimitConfig& config, Now now)
    : now_(std::move(now)), shards_(std::make_unique<Shard[]>(kShards)) {
  config_.store(std::make_shared<const Settings>(Settings{config, now_()}));
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Shard& RateLimiter::shard_for(std::string_view key) const {
  return shards_[std::hash<std::string_view>{}(key) % kShards];
}

BucketState RateLimiter::take(config::RateClass c, std::string_view subject) {
  const auto settings = config_.load();
  const auto* cfg = &settings->config;
  const auto limit = bucket_limit(cfg->of(c));
  const auto key = bucket_key(c, subject);
  auto& shard = shard_for(key);
  const auto now = now_();
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    shard.make_room(std::max<std::size_t>(1, cfg->max_buckets / kShards), now);
    it = shard.buckets.emplace(key, TokenBucket(limit, now)).first;
  } else if (it->second.limit() != limit) {
    it->second.change_limit(limit, settings->since);
  }
  return it->second.take(now);
}

BucketState RateLimiter::peek(config::RateClass c, std::string_view subject) const {
  const auto settings = config_.load();
  const auto limit = bucket_limit(settings->config.of(c));
  const auto key = bucket_key(c, subject);
  auto& shard = shard_for(key);
  const auto now = now_();
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) return TokenBucket(limit, now).peek(now);
  if (it->second.limit() == limit) return it->second.peek(now);
  auto converted = it->second;
  converted.change_limit(limit, settings->since);
  return converted.peek(now);
}

void RateLimiter::reconfigure(const config::RateLimitConfig& config) {
  config_.store(std::make_shared<const Settings>(Settings{config, now_()}));
}

config::RateLimitConfig RateLimiter::config() const {
  return config_.load()->config;
}

std::size_t RateLimiter::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    n += shards_[i].buckets.size();
  }
  return n;
}

BucketLimit bucket_limit(const config::RateLimit& limit) noexcept {
  return {limit.limit, std::chrono::duration_cast<std::chrono::microseconds>(limit.per),
          limit.burst};
}

std::string client_subject(std::string_view remote_address) {
  std::string text(remote_address);
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) {
    constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped.begin(), kMapped.end(), v6.begin())) {
      std::array<char, INET_ADDRSTRLEN> out{};
      inet_ntop(AF_INET, v6.data() + 12, out.data(), out.size());
      return out.data();
    }
    std::fill(v6.begin() + 8, v6.end(), 0);
    std::array<char, INET6_ADDRSTRLEN> out{};
    inet_ntop(AF_INET6, v6.data(), out.data(), out.size());
    return std::string(out.data()) + "/64";
  }
  return text;
}

}  // namespace payd::security
