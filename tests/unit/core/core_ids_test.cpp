#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/ids.hpp"

namespace payd::core {
namespace {

TEST(NewId, HasThePrefixAnd24Base62Characters) {
  const std::string id = new_id("pay");
  ASSERT_EQ(id.size(), 4 + kIdRandomChars);
  EXPECT_EQ(id.substr(0, 4), "pay_");
  for (char c : id.substr(4)) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  }
  EXPECT_TRUE(looks_like_id(id, "pay"));
  EXPECT_EQ(kIdRandomChars, 24U);
}

TEST(NewId, IsUniqueAndUsesTheWholeAlphabet) {
  std::set<std::string> ids;
  std::map<char, int> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = new_id("re");
    ids.insert(id);
    for (char c : id.substr(3)) ++seen[c];
  }
  EXPECT_EQ(ids.size(), 2000U);
  // 48000 draws over 62 characters: each is expected ~774 times; a missing or
  // heavily favoured character would mean a broken mapping.
  EXPECT_EQ(seen.size(), 62U);
  for (const auto& [c, n] : seen) {
    EXPECT_GT(n, 500) << c;
    EXPECT_LT(n, 1100) << c;
  }
}

TEST(LooksLikeId, AcceptsOnlyTheExactShape) {
  const std::string good = "pay_" + std::string(24, 'a');
  EXPECT_TRUE(looks_like_id(good, "pay"));
  EXPECT_TRUE(looks_like_id("pay_0123456789ABCDEFGHIJklmn", "pay"));
  EXPECT_FALSE(looks_like_id(good, "re"));                            // other prefix
  EXPECT_FALSE(looks_like_id("pay_" + std::string(23, 'a'), "pay"));  // too short
  EXPECT_FALSE(looks_like_id("pay_" + std::string(25, 'a'), "pay"));  // too long
  EXPECT_FALSE(looks_like_id("pay-" + std::string(24, 'a'), "pay"));  // separator
  EXPECT_FALSE(looks_like_id("PAY_" + std::string(24, 'a'), "pay"));  // prefix case
  EXPECT_FALSE(looks_like_id("pay_" + std::string(23, 'a') + "-", "pay"));
  EXPECT_FALSE(looks_like_id("pay_" + std::string(23, 'a') + "_", "pay"));
  EXPECT_FALSE(looks_like_id("pay_" + std::string(23, 'a') + "%", "pay"));
  EXPECT_FALSE(looks_like_id("pay_" + std::string(23, 'a') + std::string(1, '\0'), "pay"));
  EXPECT_FALSE(looks_like_id("", "pay"));
  EXPECT_FALSE(looks_like_id("../../etc/passwd", "pay"));
}

}  // namespace
}  // namespace payd::core
