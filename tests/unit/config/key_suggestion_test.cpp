#include "config/key_suggestion.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace payd::config {
namespace {

TEST(EditDistance, CountsInsertDeleteSubstituteAndSwap) {
  EXPECT_EQ(edit_distance("port", "port"), 0U);
  EXPECT_EQ(edit_distance("prot", "port"), 1U);  // adjacent swap
  EXPECT_EQ(edit_distance("max_body_byte", "max_body_bytes"), 1U);
  EXPECT_EQ(edit_distance("levl", "level"), 1U);
  EXPECT_EQ(edit_distance("lvel", "level"), 1U);
  EXPECT_EQ(edit_distance("adress", "address"), 1U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
}

TEST(NearestKey, SuggestsWithinTwoEdits) {
  const std::vector<std::string> keys = {"address", "port"};
  EXPECT_EQ(nearest_key("adres", keys), "address");
  EXPECT_EQ(nearest_key("prt", keys), "port");
  EXPECT_EQ(nearest_key("hostname", keys), std::nullopt);
}

TEST(NearestKey, PrefersTheClosestThenTheFirstListed) {
  const std::vector<std::string> keys = {"body_timeout", "idle_timeout", "write_timeout"};
  EXPECT_EQ(nearest_key("idle_timout", keys), "idle_timeout");
  const std::vector<std::string> tied = {"ab", "ba"};
  EXPECT_EQ(nearest_key("aa", tied), "ab");
}

}  // namespace
}  // namespace payd::config
