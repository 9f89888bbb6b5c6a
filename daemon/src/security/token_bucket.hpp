#pragma once
// One token bucket, as pure integer arithmetic on times the caller supplies (so tests drive
// it with a fake clock). `limit` tokens per `per` flow in continuously up to `burst`.
//
// Exact fixed point: the level is kept in units of 1/P token, P = `per` in microseconds,
// so one microsecond adds exactly `limit` units and no rounding ever accumulates.

#include <chrono>
#include <cstdint>

namespace payd::security {

using Clock = std::chrono::steady_clock;

struct BucketLimit {
  std::uint64_t limit = 1;                   // tokens per `per`, >= 1
  std::chrono::microseconds per{1'000'000};  // > 0
  std::uint64_t burst = 1;                   // capacity, >= 1

  bool operator==(const BucketLimit&) const = default;
};

// What the RateLimit-* headers and Retry-After say after a take() or peek().
struct BucketState {
  bool allowed = true;
  std::uint64_t limit = 0;        // RateLimit-Limit: the capacity
  std::uint64_t remaining = 0;    // RateLimit-Remaining: whole tokens left
  std::uint64_t reset = 0;        // RateLimit-Reset: seconds until the bucket is full again
  std::uint64_t retry_after = 0;  // denied only: seconds until one token is there (>= 1)
};

class TokenBucket {
 public:
  // A new bucket is full.
  TokenBucket(BucketLimit limit, Clock::time_point now) noexcept;

  // Spends one token if there is one.
  BucketState take(Clock::time_point now) noexcept;
  // Would take() succeed? Spends nothing.
  [[nodiscard]] BucketState peek(Clock::time_point now) const noexcept;
  // Keeps the fraction of the budget left across a change of limit (SIGHUP), capped at the
  // new burst, so a reload neither forgives nor punishes a client. `now` is when the new
  // limit took effect; a bucket updated later than that converts as of its last update.
  void change_limit(BucketLimit limit, Clock::time_point now) noexcept;

  [[nodiscard]] bool full(Clock::time_point now) const noexcept;
  [[nodiscard]] const BucketLimit& limit() const noexcept { return limit_; }
  [[nodiscard]] Clock::time_point last_update() const noexcept { return updated_; }

 private:
  [[nodiscard]] std::uint64_t level_at(Clock::time_point now) const noexcept;
  [[nodiscard]] std::uint64_t capacity() const noexcept;
  [[nodiscard]] std::uint64_t unit() const noexcept;  // units per token
  [[nodiscard]] BucketState state(std::uint64_t level, bool allowed) const noexcept;

  BucketLimit limit_;
  std::uint64_t level_;  // in 1/P token
  Clock::time_point updated_;
};

}  // namespace payd::security
