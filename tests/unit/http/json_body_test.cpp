#include "http/json_body.hpp"

#include "http/route_table.hpp"

#include <gtest/gtest.h>

namespace payd::http {
namespace {

TEST(JsonBody, ParsesAnObject) {
  auto r = parse_json_object(R"({"amount": 100, "currency": "USD"})", 32);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("amount").as_int64(), 100);
}

TEST(JsonBody, RejectsMalformedJson) {
  for (const char* bad : {"{", "{\"a\":}", "{'a':1}", "{\"a\":1} trailing", "nul", "{\"a\":1,}"}) {
    auto r = parse_json_object(bad, 32);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "INVALID_JSON") << bad;
  }
}

TEST(JsonBody, RejectsEmptyBodyAndNonObjects) {
  EXPECT_EQ(parse_json_object("", 32).error().code, "INVALID_JSON");
  EXPECT_EQ(parse_json_object("[1,2]", 32).error().code, "INVALID_JSON");
  EXPECT_EQ(parse_json_object("42", 32).error().code, "INVALID_JSON");
}

TEST(JsonBody, EnforcesDepthLimit) {
  std::string deep;
  for (int i = 0; i < 10; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 10; ++i) deep += "}";
  EXPECT_TRUE(parse_json_object(deep, 10).ok());
  auto r = parse_json_object(deep, 9);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "JSON_TOO_DEEP");
  EXPECT_EQ(r.error().status, 400);
}

TEST(JsonBody, ChecksContentTypeOfARequest) {
  Request req;
  req.body = R"({"a":1})";
  req.headers.add("Content-Type", "text/plain");
  Route route{Method::post, "/x", {}, {}};
  RequestContext ctx{req, route, {}, "r", {}};
  EXPECT_EQ(parse_json_object(ctx).error().status, 415);
  req.headers.set("Content-Type", "application/json; charset=utf-8");
  EXPECT_TRUE(parse_json_object(ctx).ok());
}

}  // namespace
}  // namespace payd::http
