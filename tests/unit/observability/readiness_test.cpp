#include "observability/readiness.hpp"

#include <gtest/gtest.h>

namespace payd::obs {
namespace {

TEST(Readiness, ReadyUntilACheckFailsOrDraining) {
  Readiness r;
  EXPECT_TRUE(r.report().ready);
  bool db_up = true;
  r.add_check("database", [&] { return db_up; });
  EXPECT_TRUE(r.report().ready);
  db_up = false;
  auto rep = r.report();
  EXPECT_FALSE(rep.ready);
  ASSERT_EQ(rep.checks.size(), 1U);
  EXPECT_FALSE(rep.checks[0].second);
  db_up = true;
  r.set_draining();
  rep = r.report();
  EXPECT_FALSE(rep.ready);
  EXPECT_TRUE(rep.draining);
}

}  // namespace
}  // namespace payd::obs
