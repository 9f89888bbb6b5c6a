#pragma once
// Timestamps as the API shows and accepts them: ISO 8601 / RFC 3339 in UTC. Pure integer
// calendar arithmetic (std::chrono's civil calendar): no locale, no time zone database, no
// std::get_time or strptime (which accept partial or out-of-range fields).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace payd::core {

// Unix microseconds -> "2026-11-23T10:30:00Z" (the fraction is dropped, rounding toward the
// past, so a time never prints later than it is).
[[nodiscard]] std::string format_utc_seconds(std::int64_t unix_us);
// Unix microseconds -> "2026-11-23T10:30:00.123Z" (always three fraction digits).
[[nodiscard]] std::string format_utc_millis(std::int64_t unix_us);

// Strict RFC 3339 date-time -> unix seconds (any fraction truncated toward the past), or
// std::nullopt. Accepted: "YYYY-MM-DDTHH:MM:SS[.digits](Z|+HH:MM|-HH:MM)" with 'T'/'Z' in
// either case (RFC 3339 section 5.6). Refused: anything else, including a missing offset,
// a space instead of 'T', "+0100", a date that does not exist (2025-02-29), hours above 23,
// leap second 60 (unix time cannot represent it) and surrounding whitespace.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339(std::string_view text) noexcept;

}  // namespace payd::core
