#include "security/token_bucket.hpp"

#include <algorithm>

namespace payd::security {
namespace {

using std::chrono::microseconds;

constexpr std::uint64_t kMicrosPerSecond = 1'000'000;
// level x capacity can exceed 64 bits during a change of limit; GCC's 128-bit integer keeps
// that product exact (__extension__: -Wpedantic knows it is not ISO C++).
__extension__ using Wide = unsigned __int128;

constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) noexcept {
  return a / b + (a % b != 0 ? 1 : 0);
}

// Whole microseconds from `from` to `to`; zero if the clock went backwards.
std::uint64_t micros_between(Clock::time_point from, Clock::time_point to) noexcept {
  if (to <= from) return 0;
  return static_cast<std::uint64_t>(std::chrono::duration_cast<microseconds>(to - from).count());
}

BucketLimit sane(BucketLimit l) noexcept {
  l.limit = std::max<std::uint64_t>(l.limit, 1);
  l.burst = std::max<std::uint64_t>(l.burst, 1);
  if (l.per.count() <= 0) l.per = microseconds{1};
  return l;
}

}  // namespace

TokenBucket::TokenBucket(BucketLimit limit, Clock::time_point now) noexcept
    : limit_(sane(limit)), level_(0), updated_(now) {
  level_ = capacity();
}

std::uint64_t TokenBucket::unit() const noexcept {
  return static_cast<std::uint64_t>(limit_.per.count());
}

std::uint64_t TokenBucket::capacity() const noexcept {
  return limit_.burst * unit();
}

std::uint64_t TokenBucket::level_at(Clock::time_point now) const noexcept {
  const std::uint64_t cap = capacity();
  const std::uint64_t missing = cap - level_;
  const std::uint64_t elapsed = micros_between(updated_, now);
  // Compare before multiplying: a bucket idle for days must not overflow.
  if (elapsed >= ceil_div(missing, limit_.limit)) return cap;
  return level_ + elapsed * limit_.limit;
}

BucketState TokenBucket::state(std::uint64_t level, bool allowed) const noexcept {
  BucketState s;
  s.allowed = allowed;
  s.limit = limit_.burst;
  s.remaining = level / unit();
  const std::uint64_t to_full = ceil_div(capacity() - level, limit_.limit);  // microseconds
  s.reset = ceil_div(to_full, kMicrosPerSecond);
  if (!allowed) {
    const std::uint64_t to_token = ceil_div(unit() - level, limit_.limit);
    s.retry_after = std::max<std::uint64_t>(1, ceil_div(to_token, kMicrosPerSecond));
  }
  return s;
}

BucketState TokenBucket::take(Clock::time_point now) noexcept {
  const std::uint64_t level = level_at(now);
  if (level == capacity()) {
    updated_ = std::max(updated_, now);
  } else {
    // Advance by the whole microseconds counted, so sub-microsecond remainders are not lost.
    updated_ += microseconds{static_cast<std::int64_t>((level - level_) / limit_.limit)};
  }
  level_ = level;
  if (level_ < unit()) return state(level_, false);
  level_ -= unit();
  return state(level_, true);
}

BucketState TokenBucket::peek(Clock::time_point now) const noexcept {
  const std::uint64_t level = level_at(now);
  return state(level, level >= unit());
}

void TokenBucket::change_limit(BucketLimit limit, Clock::time_point now) noexcept {
  limit = sane(limit);
  if (limit == limit_) return;
  // A bucket already used after `now` converts as of its last use instead.
  now = std::max(now, updated_);
  const std::uint64_t old_cap = capacity();
  const std::uint64_t level = level_at(now);
  limit_ = limit;
  const Wide scaled = static_cast<Wide>(level) * capacity() / old_cap;
  level_ = static_cast<std::uint64_t>(std::min<Wide>(scaled, capacity()));
  updated_ = now;
}

bool TokenBucket::full(Clock::time_point now) const noexcept {
  return level_at(now) == capacity();
}

}  // namespace payd::security
