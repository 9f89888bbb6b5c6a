#include <gtest/gtest.h>

#include "core/timestamps.hpp"

namespace payd::core {
namespace {

constexpr std::int64_t kUs = 1'000'000;

TEST(FormatUtc, Seconds) {
  EXPECT_EQ(format_utc_seconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc_seconds(1795429800 * kUs), "2026-11-23T10:30:00Z");
  EXPECT_EQ(format_utc_seconds(1795429800 * kUs + 999'999), "2026-11-23T10:30:00Z");
  EXPECT_EQ(format_utc_seconds(951782400 * kUs), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(format_utc_seconds(253402300799 * kUs), "9999-12-31T23:59:59Z");
  // Before the epoch rounds toward the past, never forward.
  EXPECT_EQ(format_utc_seconds(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc_seconds(-kUs), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc_seconds(-kUs - 1), "1969-12-31T23:59:58Z");
}

TEST(FormatUtc, Millis) {
  EXPECT_EQ(format_utc_millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_millis(1795429800 * kUs + 123'999), "2026-11-23T10:30:00.123Z");
  EXPECT_EQ(format_utc_millis(1795429800 * kUs + 5'000), "2026-11-23T10:30:00.005Z");
  EXPECT_EQ(format_utc_millis(-1), "1969-12-31T23:59:59.999Z");
}

TEST(ParseRfc3339, AcceptsZuluOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:30:00Z"), 1795429800);
  EXPECT_EQ(parse_rfc3339("2026-11-23t10:30:00z"), 1795429800);
  EXPECT_EQ(parse_rfc3339("2026-11-23T12:30:00+02:00"), 1795429800);
  EXPECT_EQ(parse_rfc3339("2026-11-23T05:00:00-05:30"), 1795429800);
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:30:00-00:00"), 1795429800);
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:30:00.999999999Z"), 1795429800);
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:30:00.5+00:00"), 1795429800);
  EXPECT_EQ(parse_rfc3339("2000-02-29T00:00:00Z"), 951782400);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59.5Z"), -1);
  EXPECT_EQ(parse_rfc3339("0000-01-01T00:00:00Z"), -62167219200);
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59Z"), 253402300799);
}

TEST(ParseRfc3339, RoundTripsFormatting) {
  for (std::int64_t s : {std::int64_t{0}, std::int64_t{1795429800}, std::int64_t{-86401},
                         std::int64_t{4102444799}}) {
    EXPECT_EQ(parse_rfc3339(format_utc_seconds(s * kUs)), s);
    EXPECT_EQ(parse_rfc3339(format_utc_millis(s * kUs)), s);
  }
}

TEST(ParseRfc3339, RejectsEverythingElse) {
  for (const char* bad : {
           "",
           "2026-11-23",
           "2026-11-23T10:30:00",        // no offset
           "2026-11-23 10:30:00Z",       // space separator
           "2026-11-23T10:30Z",          // no seconds
           "2026-11-23T10:30:00+0200",   // offset without colon
           "2026-11-23T10:30:00+02",     // offset without minutes
           "2026-11-23T10:30:00.Z",      // empty fraction
           "2026-11-23T10:30:00,5Z",     // comma fraction
           "2026-13-01T00:00:00Z",       // month 13
           "2026-00-01T00:00:00Z",       // month 0
           "2026-11-00T00:00:00Z",       // day 0
           "2026-11-31T00:00:00Z",       // November 31
           "2025-02-29T00:00:00Z",       // not a leap year
           "1900-02-29T00:00:00Z",       // not a leap year either
           "2026-11-23T24:00:00Z",       // hour 24
           "2026-11-23T10:60:00Z",       // minute 60
           "2026-11-23T23:59:60Z",       // leap second
           "2026-11-23T10:30:00+24:00",  // offset hour 24
           "2026-11-23T10:30:00+02:60",  // offset minute 60
           " 2026-11-23T10:30:00Z",      // leading space
           "2026-11-23T10:30:00Z ",      // trailing space
           "2026-11-23T10:30:00Zjunk",   // trailing junk
           "26-11-23T10:30:00Z",         // two-digit year
           "+2026-11-23T10:30:00Z",      // signed year
           "2026-1-23T10:30:00Z",        // one-digit month
           "2026-11-23T1:30:00Z",        // one-digit hour
           "2026-11-23T10:30:00ZZ",      // doubled zone
           "２０２６-11-23T10:30:00Z",   // non-ASCII digits
           "1795429800",                 // unix time
       }) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace payd::core
