// core::order_by_draw: which connector a draw picks, and the failover order after it.

#include "core/weighted_split.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace payd::core {
namespace {

using Entries = std::vector<config::WeightedConnector>;
using Strings = std::vector<std::string>;

TEST(WeightedSplit, EachEntryOwnsASpanAsWideAsItsWeight) {
  const Entries e{{"a", 2}, {"b", 3}, {"c", 5}};
  EXPECT_EQ(order_by_draw(e, 0).order.front(), "a");
  EXPECT_EQ(order_by_draw(e, 1).order.front(), "a");
  EXPECT_EQ(order_by_draw(e, 2).order.front(), "b");
  EXPECT_EQ(order_by_draw(e, 4).order.front(), "b");
  EXPECT_EQ(order_by_draw(e, 5).order.front(), "c");
  EXPECT_EQ(order_by_draw(e, 9).order.front(), "c");
  EXPECT_EQ(order_by_draw(e, 10).order.front(), "a");  // taken mod the total
}

TEST(WeightedSplit, RecordsTotalAndDraw) {
  const auto s = order_by_draw(Entries{{"a", 70}, {"b", 30}}, 12'345);
  EXPECT_EQ(s.total, 100U);
  EXPECT_EQ(s.draw, 45U);
}

TEST(WeightedSplit, TheRestFollowInDescendingWeightTiesInListedOrder) {
  const Entries e{{"a", 1}, {"b", 5}, {"c", 3}, {"d", 5}};
  EXPECT_EQ(order_by_draw(e, 0).order, (Strings{"a", "b", "d", "c"}));
  EXPECT_EQ(order_by_draw(e, 1).order, (Strings{"b", "d", "c", "a"}));
  EXPECT_EQ(order_by_draw(e, 13).order, (Strings{"d", "b", "c", "a"}));
}

TEST(WeightedSplit, OneEntryAlwaysWins) {
  EXPECT_EQ(order_by_draw(Entries{{"only", 7}}, ~0ULL).order, Strings{"only"});
}

TEST(WeightedSplit, HugeRandomValuesStayInRange) {
  const auto s = order_by_draw(Entries{{"a", 1'000'000}, {"b", 1'000'000}}, ~0ULL);
  EXPECT_LT(s.draw, s.total);
}

TEST(WeightedSplit, ZeroWeightIsNeverDrawnAndOnlyZerosKeepTheListedOrder) {
  const Entries some{{"zero", 0}, {"one", 1}};
  for (std::uint64_t r = 0; r < 4; ++r) EXPECT_EQ(order_by_draw(some, r).order.front(), "one");
  EXPECT_EQ(order_by_draw(Entries{{"a", 0}, {"b", 0}}, 7).order, (Strings{"a", "b"}));
  EXPECT_TRUE(order_by_draw(Entries{}, 7).order.empty());
}

TEST(WeightedSplit, ThreadRandomSourceVaries) {
  const auto random = thread_random_source();
  const auto first = random();
  bool differs = false;
  for (int i = 0; i < 8 && !differs; ++i) differs = random() != first;
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace payd::core
