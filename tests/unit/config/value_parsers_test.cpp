#include "config/value_parsers.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace payd::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseInteger, AcceptsPlainDecimal) {
  EXPECT_EQ(parse_integer("0"), 0);
  EXPECT_EQ(parse_integer("8080"), 8080);
  EXPECT_EQ(parse_integer("-1"), -1);
  EXPECT_EQ(parse_integer("007"), 7);
}

TEST(ParseInteger, RejectsEverythingElse) {
  for (const char* text :
       {"", "+5", "0x10", "1e3", "1.0", " 1", "1 ", "9223372036854775808", "eighty"}) {
    EXPECT_EQ(parse_integer(text), std::nullopt) << text;
  }
}

TEST(ParseBool, AcceptsTrueAndFalseOnly) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("True"), true);
  EXPECT_EQ(parse_bool("TRUE"), true);
  EXPECT_EQ(parse_bool("false"), false);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_EQ(parse_bool("FALSE"), false);
  for (const char* text : {"yes", "no", "on", "off", "1", "0", "", "tRuE"}) {
    EXPECT_EQ(parse_bool(text), std::nullopt) << text;
  }
}

TEST(ParseDuration, AcceptsEachUnit) {
  EXPECT_EQ(parse_duration("1500ms"), milliseconds{1500});
  EXPECT_EQ(parse_duration("10s"), seconds{10});
  EXPECT_EQ(parse_duration("2m"), minutes{2});
  EXPECT_EQ(parse_duration("1h"), hours{1});
  EXPECT_EQ(parse_duration("0s"), milliseconds{0});
  EXPECT_EQ(parse_duration("0ms"), milliseconds{0});
}

TEST(ParseDuration, RejectsBareNumbersAndOtherShapes) {
  for (const char* text : {"", "10", "s", "ms", "-1s", "1.5s", "10 s", "10S", "1d", "1m30s", "1hs",
                           "+5s", "ten seconds"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(ParseDuration, SaturatesHugeValuesSoTheyFailTheRangeCheck) {
  EXPECT_EQ(parse_duration("99999999999999999999h"), milliseconds::max());
  EXPECT_EQ(parse_duration("9999999999999999h"), milliseconds::max());
}

TEST(ParseSize, AcceptsBytesKiBAndMiB) {
  EXPECT_EQ(parse_size("65536"), 65536U);
  EXPECT_EQ(parse_size("64KiB"), 64U * 1024);
  EXPECT_EQ(parse_size("1MiB"), 1024U * 1024);
  EXPECT_EQ(parse_size("0"), 0U);
}

TEST(ParseSize, RejectsOtherShapes) {
  for (const char* text : {"", "KiB", "1KB", "1kib", "1GiB", "1.5MiB", "-1", "1 MiB", "0x10"}) {
    EXPECT_EQ(parse_size(text), std::nullopt) << text;
  }
}

TEST(ParseSize, SaturatesHugeValues) {
  EXPECT_EQ(parse_size("99999999999999999999MiB"), std::numeric_limits<std::size_t>::max());
}

TEST(IsIpAddress, AcceptsIpv4AndIpv6Literals) {
  for (const char* text :
       {"127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "2001:db8::8:800:200c:417a"}) {
    EXPECT_TRUE(is_ip_address(text)) << text;
  }
  for (const char* text :
       {"", "localhost", "[::1]", "127.0.0.1:80", "256.0.0.1", "fe80::1%eth0", " 127.0.0.1"}) {
    EXPECT_FALSE(is_ip_address(text)) << text;
  }
}

TEST(FormatDuration, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_duration(milliseconds{0}), "0s");
  EXPECT_EQ(format_duration(milliseconds{1}), "1ms");
  EXPECT_EQ(format_duration(milliseconds{1500}), "1500ms");
  EXPECT_EQ(format_duration(seconds{10}), "10s");
  EXPECT_EQ(format_duration(seconds{90}), "90s");
  EXPECT_EQ(format_duration(minutes{10}), "10m");
  EXPECT_EQ(format_duration(hours{1}), "1h");
}

TEST(FormatSize, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_size(0), "0");
  EXPECT_EQ(format_size(1536), "1536");
  EXPECT_EQ(format_size(1024), "1KiB");
  EXPECT_EQ(format_size(64 * 1024), "64KiB");
  EXPECT_EQ(format_size(64 * 1024 * 1024), "64MiB");
}

}  // namespace
}  // namespace payd::config
