#include "core/timestamps.hpp"

#include <chrono>
#include <cstdio>

namespace payd::core {
namespace {

using namespace std::chrono;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
  std::int64_t micros;  // 0..999999
};

Civil to_civil(std::int64_t unix_us) {
  // Floor division: -1 us is 1969-12-31T23:59:59.999999, not 1970-01-01T00:00:00.
  std::int64_t seconds = unix_us / kMicrosPerSecond;
  std::int64_t micros = unix_us % kMicrosPerSecond;
  if (micros < 0) {
    micros += kMicrosPerSecond;
    --seconds;
  }
  const sys_seconds tp{std::chrono::seconds{seconds}};
  const auto day_point = floor<days>(tp);
  const year_month_day ymd{day_point};
  const hh_mm_ss hms{tp - day_point};
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<unsigned>(hms.hours().count()),
          static_cast<unsigned>(hms.minutes().count()),
          static_cast<unsigned>(hms.seconds().count()),
          micros};
}

// Exactly `n` ASCII digits from the front of `s`, consumed; nullopt otherwise.
std::optional<int> take_digits(std::string_view& s, std::size_t n) noexcept {
  if (s.size() < n) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  s.remove_prefix(n);
  return value;
}

bool take_char(std::string_view& s, char lower_or_exact, char upper = '\0') noexcept {
  if (s.empty() || (s.front() != lower_or_exact && (upper == '\0' || s.front() != upper))) {
    return false;
  }
  s.remove_prefix(1);
  return true;
}

}  // namespace

std::string format_utc_seconds(std::int64_t unix_us) {
  const Civil c = to_civil(unix_us);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string format_utc_millis(std::int64_t unix_us) {
  const Civil c = to_civil(unix_us);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second, static_cast<unsigned>(c.micros / 1000));
  return buf;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) noexcept {
  const auto y = take_digits(s, 4);
  if (!y || !take_char(s, '-')) return std::nullopt;
  const auto mo = take_digits(s, 2);
  if (!mo || !take_char(s, '-')) return std::nullopt;
  const auto d = take_digits(s, 2);
  if (!d || !take_char(s, 'T', 't')) return std::nullopt;
  const auto h = take_digits(s, 2);
  if (!h || !take_char(s, ':')) return std::nullopt;
  const auto mi = take_digits(s, 2);
  if (!mi || !take_char(s, ':')) return std::nullopt;
  const auto sec = take_digits(s, 2);
  if (!sec) return std::nullopt;
  if (take_char(s, '.')) {
    // At least one digit; the fraction is dropped (truncation toward the past).
    std::size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
    if (n == 0) return std::nullopt;
    s.remove_prefix(n);
  }
  int offset_minutes = 0;
  if (!take_char(s, 'Z', 'z')) {
    if (s.empty() || (s.front() != '+' && s.front() != '-')) return std::nullopt;
    const int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    const auto oh = take_digits(s, 2);
    if (!oh || !take_char(s, ':')) return std::nullopt;
    const auto om = take_digits(s, 2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + *om);
  }
  if (!s.empty()) return std::nullopt;
  if (*h > 23 || *mi > 59 || *sec > 59) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t day_seconds = sys_days{ymd}.time_since_epoch().count() * std::int64_t{86400};
  // Local time minus its offset is UTC: 10:00+02:00 is 08:00Z.
  return day_seconds + *h * 3600 + *mi * 60 + *sec - std::int64_t{offset_minutes} * 60;
}

}  // namespace payd::core
