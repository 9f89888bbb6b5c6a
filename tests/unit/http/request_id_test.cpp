#include "http/request_id.hpp"

#include <gtest/gtest.h>

#include <set>

namespace payd::http {
namespace {

TEST(RequestId, AcceptsWellFormedIds) {
  EXPECT_TRUE(is_acceptable_request_id("abc"));
  EXPECT_TRUE(is_acceptable_request_id("4bf92f3577b34da6a3ce929d0e0e4736"));
  EXPECT_TRUE(is_acceptable_request_id("trace:span.1_2-3"));
  EXPECT_TRUE(is_acceptable_request_id(std::string(128, 'a')));
}

TEST(RequestId, RejectsIdsUnsafeToEcho) {
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_acceptable_request_id("has space"));
  EXPECT_FALSE(is_acceptable_request_id("quote\""));
  EXPECT_FALSE(is_acceptable_request_id("new\r\nline"));
  EXPECT_FALSE(is_acceptable_request_id("caf\xc3\xa9"));
  EXPECT_FALSE(is_acceptable_request_id("{json}"));
}

TEST(RequestId, GeneratedIdsHaveTheDocumentedShapeAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = generate_request_id();
    ASSERT_EQ(id.size(), 36U);
    ASSERT_EQ(id.substr(0, 4), "req_");
    for (char c : id.substr(4)) ASSERT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

TEST(RequestId, ChooseHonoursOrReplaces) {
  EXPECT_EQ(choose_request_id("client-id-1"), "client-id-1");
  auto replaced = choose_request_id("bad id");
  EXPECT_NE(replaced, "bad id");
  EXPECT_EQ(replaced.substr(0, 4), "req_");
}

}  // namespace
}  // namespace payd::http
