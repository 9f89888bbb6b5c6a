#include "payd/sdk/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace payd::sdk {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(SdkMoney, CurrencyExponents) {
  struct Case {
    const char* code;
    int exponent;
  };
  for (const auto& c :
       {Case{"USD", 2},  Case{"EUR", 2},  Case{"GBP", 2},   Case{"JPY", 0}, Case{"KRW", 0},
        Case{"VND", 0},  Case{"CLP", 0},  Case{"ISK", 0},   Case{"XAF", 0}, Case{"XOF", 0},
        Case{"UGX", 0},  Case{"PYG", 0},  Case{"BHD", 3},   Case{"JOD", 3}, Case{"KWD", 3},
        Case{"OMR", 3},  Case{"TND", 3},  Case{"IQD", 3},   Case{"LYD", 3}, Case{"CLF", 4},
        Case{"UYW", 4},  Case{"THB", 2},  Case{"INR", 2},   Case{"BRL", 2}, Case{"CHF", 2},
        Case{"AED", 2},  Case{"ZWL", 2},  Case{"usd", 2},   Case{"jPy", 0}, Case{"XAU", -1},
        Case{"XDR", -1}, Case{"XXX", -1}, Case{"USDT", -1}, Case{"US", -1}, Case{"", -1},
        Case{"U$D", -1}, Case{"ABC", -1}}) {
    EXPECT_EQ(currency_exponent(c.code), c.exponent) << c.code;
    EXPECT_EQ(is_known_currency(c.code), c.exponent >= 0) << c.code;
  }
}

TEST(SdkMoney, ExponentOfNamesUnknownCode) {
  EXPECT_EQ(*exponent_of("KWD"), 3);
  const auto r = exponent_of("BTC");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("BTC"), std::string::npos);
}

struct DecimalCase {
  const char* text;
  int exponent;
  std::int64_t minor;
};

TEST(SdkMoney, DecimalToMinorAccepts) {
  for (const auto& c : {
           DecimalCase{"99.99", 2, 9999},
           DecimalCase{"100", 2, 10000},
           DecimalCase{"0.5", 2, 50},
           DecimalCase{"0.05", 2, 5},
           DecimalCase{"25.0", 2, 2500},
           DecimalCase{"25.10", 2, 2510},
           DecimalCase{"25.100", 2, 2510},
           DecimalCase{"0", 2, 0},
           DecimalCase{"0.00", 2, 0},
           DecimalCase{"007.50", 2, 750},
           DecimalCase{"1000", 0, 1000},    // JPY
           DecimalCase{"1000.0", 0, 1000},  // JPY, trailing zero is exact
           DecimalCase{"1.234", 3, 1234},   // KWD
           DecimalCase{"0.001", 3, 1},      // KWD
           DecimalCase{"12.5", 3, 12500},   // KWD
           DecimalCase{"1", 18, 1000000000000000000},
           DecimalCase{"0.000000000000000001", 18, 1},
           DecimalCase{"9.223372036854775807", 18, kMax},
           DecimalCase{"9223372036854775807", 0, kMax},
           DecimalCase{"92233720368547758.07", 2, kMax},
           DecimalCase{"0.1", 1, 1},
       }) {
    const auto r = decimal_to_minor(c.text, c.exponent);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.error();
    EXPECT_EQ(*r, c.minor) << c.text;
  }
}

TEST(SdkMoney, DecimalToMinorRejects) {
  struct Case {
    const char* text;
    int exponent;
    const char* why;  // a fragment of the error
  };
  for (const auto& c : {
           Case{"1.234", 2, "decimal places"},  // would need rounding
           Case{"0.001", 2, "decimal places"},
           Case{"1.5", 0, "decimal places"},  // JPY has no minor unit
           Case{"0.0000000000000000001", 18, "decimal places"},
           Case{"1e3", 2, "not a decimal"},
           Case{"", 2, "not a decimal"},
           Case{".", 2, "not a decimal"},
           Case{"1.", 2, "not a decimal"},
           Case{".5", 2, "not a decimal"},
           Case{" 1", 2, "not a decimal"},
           Case{"1 ", 2, "not a decimal"},
           Case{"1,00", 2, "not a decimal"},
           Case{"+1", 2, "not a decimal"},
           Case{"0x10", 2, "not a decimal"},
           Case{"1.2.3", 2, "not a decimal"},
           Case{"NaN", 2, "not a decimal"},
           Case{"inf", 2, "not a decimal"},
           Case{"١", 2, "not a decimal"},  // Arabic-Indic digit one
           Case{"-1.25", 2, "negative"},
           Case{"-0", 2, "negative"},
           Case{"92233720368547758.08", 2, "out of range"},
           Case{"9223372036854775808", 0, "out of range"},
           Case{"10", 18, "out of range"},
           Case{"99999999999999999999999999", 0, "out of range"},
           Case{"1", 19, "exponent"},
           Case{"1", -1, "exponent"},
       }) {
    const auto r = decimal_to_minor(c.text, c.exponent);
    ASSERT_FALSE(r.ok()) << c.text << " exponent " << c.exponent << " gave " << *r;
    EXPECT_NE(r.error().find(c.why), std::string::npos) << c.text << ": " << r.error();
  }
}

TEST(SdkMoney, NegativesOnlyWhenAllowed) {
  EXPECT_EQ(*decimal_to_minor("-1.25", 2, Negatives::allow), -125);
  EXPECT_EQ(*decimal_to_minor("-0", 2, Negatives::allow), 0);
  EXPECT_EQ(*decimal_to_minor("-92233720368547758.08", 2, Negatives::allow), kMin);
  EXPECT_FALSE(decimal_to_minor("-92233720368547758.09", 2, Negatives::allow).ok());
  EXPECT_FALSE(decimal_to_minor("--1", 2, Negatives::allow).ok());
  EXPECT_FALSE(decimal_to_minor("-", 2, Negatives::allow).ok());
}

TEST(SdkMoney, ErrorMessagesTruncateHugeInput) {
  const std::string huge(10000, '9');
  const auto r = decimal_to_minor(huge, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.error().size(), 100U);
}

TEST(SdkMoney, JsonNumberToMinor) {
  for (const auto& c : {
           DecimalCase{"16.49", 2, 1649},
           DecimalCase{"25.0", 2, 2500},
           DecimalCase{"25", 2, 2500},
           DecimalCase{"0", 2, 0},
           DecimalCase{"0.30000000000000004e0", 17, 30000000000000004},
           DecimalCase{"1e2", 2, 10000},
           DecimalCase{"1E2", 0, 100},
           DecimalCase{"1e+2", 0, 100},
           DecimalCase{"1.649e1", 2, 1649},
           DecimalCase{"1649e-2", 2, 1649},
           DecimalCase{"164900e-4", 2, 1649},
           DecimalCase{"0e999999999", 2, 0},
           DecimalCase{"0.0e-999999999", 2, 0},
           DecimalCase{"1e-18", 18, 1},
           DecimalCase{"9.223372036854775807e18", 0, kMax},
       }) {
    const auto r = json_number_to_minor(c.text, c.exponent);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.error();
    EXPECT_EQ(*r, c.minor) << c.text;
  }
  EXPECT_EQ(*json_number_to_minor("-16.49", 2, Negatives::allow), -1649);
  for (const char* bad : {"1e-3", "1.234", "1e19", "1e999999999", "01", "00.5", "1.", ".5", "1e",
                          "1e+", "+1", "-16.49", "1.5e", "e2", "1f", "", "\"1\""}) {
    EXPECT_FALSE(json_number_to_minor(bad, 2).ok()) << bad;
  }
}

TEST(SdkMoney, MinorToDecimal) {
  struct Case {
    std::int64_t minor;
    int exponent;
    const char* text;
    const char* trimmed;
  };
  for (const auto& c : {
           Case{9999, 2, "99.99", "99.99"},
           Case{5, 2, "0.05", "0.05"},
           Case{0, 2, "0.00", "0"},
           Case{100, 0, "100", "100"},
           Case{2500, 2, "25.00", "25"},
           Case{2510, 2, "25.10", "25.1"},
           Case{-125, 2, "-1.25", "-1.25"},
           Case{-5, 2, "-0.05", "-0.05"},
           Case{1234, 3, "1.234", "1.234"},
           Case{1, 18, "0.000000000000000001", "0.000000000000000001"},
           Case{1000000000000000000, 18, "1.000000000000000000", "1"},
           Case{kMax, 2, "92233720368547758.07", "92233720368547758.07"},
           Case{kMin, 2, "-92233720368547758.08", "-92233720368547758.08"},
           Case{kMin, 0, "-9223372036854775808", "-9223372036854775808"},
           Case{kMax, 18, "9.223372036854775807", "9.223372036854775807"},
       }) {
    EXPECT_EQ(minor_to_decimal(c.minor, c.exponent), c.text);
    EXPECT_EQ(minor_to_decimal(c.minor, c.exponent, true), c.trimmed);
  }
  EXPECT_THROW((void)minor_to_decimal(1, 19), std::invalid_argument);
  EXPECT_THROW((void)minor_to_decimal(1, -1), std::invalid_argument);
}

TEST(SdkMoney, RoundTripsWithoutLoss) {
  for (int exponent = 0; exponent <= kMaxExponent; ++exponent) {
    for (const std::int64_t minor :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{7}, std::int64_t{1649},
          std::int64_t{100000}, kMax, kMin, std::int64_t{-42}}) {
      const auto text = minor_to_decimal(minor, exponent);
      const auto back = decimal_to_minor(text, exponent, Negatives::allow);
      ASSERT_TRUE(back.ok()) << text << ": " << back.error();
      EXPECT_EQ(*back, minor) << text;
      const auto trimmed = minor_to_decimal(minor, exponent, true);
      EXPECT_EQ(*decimal_to_minor(trimmed, exponent, Negatives::allow), minor) << trimmed;
    }
  }
}

}  // namespace
}  // namespace payd::sdk
