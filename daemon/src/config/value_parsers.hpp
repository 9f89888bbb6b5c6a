#pragma once
// Pure text -> value parsers for config scalars, and the inverse formatting used in messages.
// They know nothing about YAML so they can be tested (and fuzzed) on plain strings.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace payd::config {

// Decimal integer with optional leading '-'; nullopt on anything else or on overflow.
std::optional<long long> parse_integer(std::string_view text);

// "true"/"True"/"TRUE" and the false spellings. YAML 1.1's yes/no/on/off are rejected on
// purpose: "off" meaning false surprises people.
std::optional<bool> parse_bool(std::string_view text);

// "<digits><unit>" with unit ms, s, m or h. A bare number is rejected: is 30 seconds or ms?
// A well-formed value too large to represent saturates at Millis::max() so that it fails the
// caller's range check rather than reading as a syntax error.
std::optional<Millis> parse_duration(std::string_view text);

// Bytes as "<digits>" or "<digits>KiB" / "<digits>MiB". Saturates like parse_duration.
std::optional<std::size_t> parse_size(std::string_view text);

// An IPv4 or IPv6 literal as inet_pton accepts it (no host names, no brackets, no zone ids).
bool is_ip_address(std::string_view text);

// Largest unit that represents the value exactly: 0s, 250ms, 10s, 2m, 1h.
std::string format_duration(Millis duration);

// Largest binary unit that represents the value exactly: 1536, 16KiB, 1MiB.
std::string format_size(std::size_t bytes);

}  // namespace payd::config
