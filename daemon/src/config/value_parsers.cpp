#include "config/value_parsers.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace payd::config {
namespace {

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kSecondMs = 1000;
constexpr std::uint64_t kMinuteMs = 60 * kSecondMs;
constexpr std::uint64_t kHourMs = 60 * kMinuteMs;

// Digits only (no sign, no spaces); nullopt when empty or not all digits; saturates on overflow.
std::optional<std::uint64_t> parse_unsigned_saturating(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (end != digits.data() + digits.size()) return std::nullopt;
  if (error == std::errc::result_out_of_range) return std::numeric_limits<std::uint64_t>::max();
  if (error != std::errc{}) return std::nullopt;
  return value;
}

std::uint64_t multiply_saturating(std::uint64_t value, std::uint64_t factor) {
  if (value > std::numeric_limits<std::uint64_t>::max() / factor) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return value * factor;
}

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Splits "<digits><suffix>" for the first suffix that matches; order matters ("ms" before "s").
template <std::size_t N>
std::optional<std::uint64_t> parse_with_units(std::string_view text,
                                              const std::array<Unit, N>& units) {
  for (const Unit& unit : units) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      const auto digits =
          parse_unsigned_saturating(text.substr(0, text.size() - unit.suffix.size()));
      if (!digits) return std::nullopt;
      return multiply_saturating(*digits, unit.factor);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<long long> parse_integer(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

std::optional<Millis> parse_duration(std::string_view text) {
  static constexpr std::array<Unit, 4> kUnits{{
      {"ms", 1},
      {"s", kSecondMs},
      {"m", kMinuteMs},
      {"h", kHourMs},
  }};
  const auto millis = parse_with_units(text, kUnits);
  if (!millis) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<Millis::rep>::max());
  return Millis{static_cast<Millis::rep>(*millis > kMax ? kMax : *millis)};
}

std::optional<std::size_t> parse_size(std::string_view text) {
  static constexpr std::array<Unit, 2> kUnits{{{"KiB", kKiB}, {"MiB", kMiB}}};
  auto bytes = parse_with_units(text, kUnits);
  if (!bytes) bytes = parse_unsigned_saturating(text);
  if (!bytes) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::size_t>::max());
  return static_cast<std::size_t>(*bytes > kMax ? kMax : *bytes);
}

bool is_ip_address(std::string_view text) {
  const std::string address(text);  // inet_pton needs a NUL-terminated string
  std::array<unsigned char, sizeof(in6_addr)> storage{};
  return ::inet_pton(AF_INET, address.c_str(), storage.data()) == 1 ||
         ::inet_pton(AF_INET6, address.c_str(), storage.data()) == 1;
}

std::string format_duration(Millis duration) {
  const auto ms = duration.count();
  if (ms == 0) return "0s";
  if (ms < 0) return std::to_string(ms) + "ms";  // no schema range goes negative; exact anyway
  const auto positive = static_cast<std::uint64_t>(ms);
  if (positive % kHourMs == 0) return std::to_string(positive / kHourMs) + "h";
  if (positive % kMinuteMs == 0) return std::to_string(positive / kMinuteMs) + "m";
  if (positive % kSecondMs == 0) return std::to_string(positive / kSecondMs) + "s";
  return std::to_string(positive) + "ms";
}

std::string format_size(std::size_t bytes) {
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + "MiB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + "KiB";
  return std::to_string(bytes);
}

}  // namespace payd::config
