#include "payd/sdk/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

namespace payd::sdk {
namespace {

Result<int> half(int n) {
  if (n % 2 != 0) return fail("odd: " + std::to_string(n));
  return n / 2;
}

Result<std::string> greeting(bool ok) {
  if (!ok) return fail("no greeting");
  return "hello";  // converts from const char*
}

Result<void> check(bool ok) {
  if (!ok) return fail("check failed");
  return {};
}

TEST(SdkResult, CarriesValueOrError) {
  const auto a = half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(static_cast<bool>(a));
  EXPECT_EQ(*a, 2);
  const auto b = half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error(), "odd: 3");
  EXPECT_EQ(b.value_or(-1), -1);
  EXPECT_EQ(a.value_or(-1), 2);
}

TEST(SdkResult, ConvertsFromConvertibleValues) {
  EXPECT_EQ(*greeting(true), "hello");
  EXPECT_EQ(greeting(true)->size(), 5U);
  EXPECT_EQ(greeting(false).error(), "no greeting");
  const Result<std::optional<std::string>> none = std::nullopt;
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(SdkResult, VoidResult) {
  EXPECT_TRUE(check(true).ok());
  const auto r = check(false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "check failed");
}

TEST(SdkResult, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  const auto p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace payd::sdk
