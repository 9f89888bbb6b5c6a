// How a failed store call looks to the client, before and after the provider was called.
#include <gtest/gtest.h>

#include "core/store_failure.hpp"

namespace payd::core {
namespace {

using Kind = store::StoreError::Kind;

store::StoreError error(Kind kind) {
  return store::StoreError{kind, "08006: connection lost", {}};
}

TEST(StoreFailure, UnavailableBeforeTheCallChangedNothing) {
  auto e = store_failure(error(Kind::unavailable), "req_1");
  EXPECT_EQ(e.status, 503);
  EXPECT_EQ(e.retry_after, 2U);
  EXPECT_NE(e.message.find("nothing was changed"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("08006"), std::string::npos) << "details stay in the log";
}

TEST(StoreFailure, AfterTheCallTheMessageNamesTheObjectAndNeverClaimsNothingChanged) {
  for (auto kind : {Kind::unavailable, Kind::overloaded, Kind::in_doubt}) {
    auto e = store_failure_after_call(error(kind), "req_1", "/api/v1/payments/pay_1");
    EXPECT_EQ(e.status, 503);
    EXPECT_TRUE(e.retry_after.has_value());
    EXPECT_NE(e.message.find("GET /api/v1/payments/pay_1"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("nothing was changed"), std::string::npos) << e.message;
  }
}

TEST(StoreFailure, AnInternalErrorAfterTheCallStaysA500) {
  auto e = store_failure_after_call(error(Kind::internal), "req_1", "/api/v1/refunds/re_1");
  EXPECT_EQ(e.status, 500);
  EXPECT_EQ(e.message.find("08006"), std::string::npos);
}

}  // namespace
}  // namespace payd::core
