#include <gtest/gtest.h>

#include "core/money.hpp"

namespace payd::core {
namespace {

TEST(FindCurrency, KnowsExponentsOfTheTable) {
  EXPECT_EQ(find_currency("JPY")->exponent, 0);
  EXPECT_EQ(find_currency("KRW")->exponent, 0);
  EXPECT_EQ(find_currency("USD")->exponent, 2);
  EXPECT_EQ(find_currency("EUR")->exponent, 2);
  for (const char* code : {"KWD", "BHD", "JOD", "OMR", "TND", "IQD", "LYD"}) {
    ASSERT_TRUE(find_currency(code).has_value()) << code;
    EXPECT_EQ(find_currency(code)->exponent, 3) << code;
  }
}

TEST(FindCurrency, IsCaseInsensitiveAndReturnsUpperCase) {
  for (const char* code : {"usd", "Usd", "uSD", "USD"}) {
    auto c = find_currency(code);
    ASSERT_TRUE(c.has_value()) << code;
    EXPECT_EQ(c->code, "USD");
    EXPECT_EQ(c->exponent, 2);
  }
}

TEST(FindCurrency, RejectsUnknownAndMalformedCodes) {
  for (const char* code : {"XXX", "US", "", "USDD", "U$D", " USD", "XAU", "BTC", "usd "}) {
    EXPECT_FALSE(find_currency(code).has_value()) << '"' << code << '"';
  }
}

TEST(ValidateMoney, AcceptsTheBoundsAndReturnsTheCurrency) {
  auto low = validate_money(kMinAmount, "usd");
  ASSERT_TRUE(low.ok());
  EXPECT_EQ(low->code, "USD");
  EXPECT_TRUE(validate_money(kMaxAmount, "JPY").ok());
  EXPECT_EQ(validate_money(1000, "KWD")->exponent, 3);
  EXPECT_EQ(kMinAmount, 1);
  EXPECT_EQ(kMaxAmount, 99'999'999'999);
}

TEST(ValidateMoney, UnknownCurrencyIsInvalidCurrencyNamingTheParam) {
  for (const char* code : {"XXX", "US", ""}) {
    auto r = validate_money(1000, code, "amount", "currency");
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().type, http::ErrorType::invalid_request);
    EXPECT_EQ(r.error().code, "INVALID_CURRENCY");
    EXPECT_EQ(r.error().param, "currency");
  }
  auto nested = validate_money(1000, "ZZZ", "line_items[0].unit_amount", "price.currency");
  EXPECT_EQ(nested.error().param, "price.currency");
  EXPECT_NE(nested.error().message.find("\"ZZZ\""), std::string::npos);
}

TEST(ValidateMoney, CurrencyIsCheckedBeforeAmount) {
  EXPECT_EQ(validate_money(-1, "XXX").error().code, "INVALID_CURRENCY");
}

TEST(ValidateMoney, NonPositiveAmountIsInvalidAmount) {
  for (std::int64_t amount : {std::int64_t{0}, std::int64_t{-1}, INT64_MIN}) {
    auto r = validate_money(amount, "USD", "amount", "currency");
    ASSERT_FALSE(r.ok()) << amount;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "INVALID_AMOUNT");
    EXPECT_EQ(r.error().param, "amount");
    EXPECT_NE(r.error().message.find("positive integer in minor units"), std::string::npos);
  }
}

TEST(ValidateMoney, AmountAboveTheMaximumIsInvalidAmount) {
  for (std::int64_t amount : {kMaxAmount + 1, INT64_MAX}) {
    auto r = validate_money(amount, "USD", "refund_amount", "currency");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "INVALID_AMOUNT");
    EXPECT_EQ(r.error().param, "refund_amount");
    EXPECT_NE(r.error().message.find("999999999.99 USD"), std::string::npos) << r.error().message;
  }
}

TEST(FormatMinor, IsExactForEveryExponent) {
  EXPECT_EQ(format_minor(1000, *find_currency("USD")), "10.00 USD");
  EXPECT_EQ(format_minor(5, *find_currency("usd")), "0.05 USD");
  EXPECT_EQ(format_minor(500, *find_currency("JPY")), "500 JPY");
  EXPECT_EQ(format_minor(1234, *find_currency("KWD")), "1.234 KWD");
  EXPECT_EQ(format_minor(-5, *find_currency("EUR")), "-0.05 EUR");
  EXPECT_EQ(format_minor(kMaxAmount, *find_currency("USD")), "999999999.99 USD");
  // No double could print this exactly.
  EXPECT_EQ(format_minor(INT64_MAX, *find_currency("USD")), "92233720368547758.07 USD");
}

}  // namespace
}  // namespace payd::core
