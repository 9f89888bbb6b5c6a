#include "http/route_table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace payd::http {
namespace {

Handler noop() {
  return [](RequestContext&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

class RouteTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table.add(Method::get, "/healthz", noop(), {.is_public = true, .permission = {}});
    table.add(Method::get, "/api/v1/payments", noop(), {.is_public = false, .permission = "payments:read"});
    table.add(Method::post, "/api/v1/payments", noop(), {.is_public = false, .permission = "payments:create"});
    table.add(Method::get, "/api/v1/payments/{id}", noop());
    table.add(Method::post, "/api/v1/payments/{id}/capture", noop());
    table.add(Method::get, "/api/v1/payments/search", noop());
    table.add(Method::get, "/api/v1/links/{slug}", noop());
  }
  RouteTable table;
};

TEST_F(RouteTableTest, MatchesLiteralRoute) {
  auto m = table.match(Method::get, "/healthz");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.route->pattern, "/healthz");
  EXPECT_TRUE(m.route->options.is_public);
  EXPECT_EQ(m.params.size(), 0U);
}

TEST_F(RouteTableTest, ExtractsPathParameters) {
  auto m = table.match(Method::post, "/api/v1/payments/pay_123/capture");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.route->pattern, "/api/v1/payments/{id}/capture");
  EXPECT_EQ(m.params.get("id"), "pay_123");
}

TEST_F(RouteTableTest, LiteralSegmentWinsOverParameter) {
  auto m = table.match(Method::get, "/api/v1/payments/search");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.route->pattern, "/api/v1/payments/search");
  EXPECT_EQ(table.match(Method::get, "/api/v1/payments/other").route->pattern,
            "/api/v1/payments/{id}");
}

TEST_F(RouteTableTest, FallsBackToParameterWhenLiteralBranchDeadEnds) {
  // "search" is a literal with no /capture child; the {id} branch must still be tried.
  auto m = table.match(Method::post, "/api/v1/payments/search/capture");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.params.get("id"), "search");
}

TEST_F(RouteTableTest, UnknownPathIsNotFound) {
  EXPECT_EQ(table.match(Method::get, "/nope").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "/api/v1/payments/x/y/z").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "healthz").kind, RouteMatch::Kind::not_found);
}

TEST_F(RouteTableTest, TrailingSlashAndEmptySegmentsDoNotMatch) {
  EXPECT_EQ(table.match(Method::get, "/healthz/").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "/api/v1/payments//capture").kind,
            RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "/api//v1/payments").kind, RouteMatch::Kind::not_found);
}

TEST_F(RouteTableTest, WrongMethodIsMethodNotAllowedWithAllowList) {
  auto m = table.match(Method::del, "/api/v1/payments");
  ASSERT_EQ(m.kind, RouteMatch::Kind::method_not_allowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/payments");
  EXPECT_EQ(table.match(Method::post, "/healthz").allow, "GET, HEAD");
}

TEST_F(RouteTableTest, HeadIsServedByGetRoute) {
  auto m = table.match(Method::head, "/healthz");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.route->method, Method::get);
  EXPECT_EQ(table.match(Method::head, "/api/v1/payments/x/capture").kind,
            RouteMatch::Kind::method_not_allowed);
}

TEST_F(RouteTableTest, UnknownMethodIsMethodNotAllowed) {
  EXPECT_EQ(table.match(Method::other, "/healthz").kind, RouteMatch::Kind::method_not_allowed);
}

TEST_F(RouteTableTest, ParametersArePercentDecoded) {
  auto m = table.match(Method::get, "/api/v1/links/summer%20promo");
  ASSERT_EQ(m.kind, RouteMatch::Kind::found);
  EXPECT_EQ(m.params.get("slug"), "summer promo");
}

TEST_F(RouteTableTest, EncodedSlashOrNulOrBadEscapeInParameterDoesNotMatch) {
  EXPECT_EQ(table.match(Method::get, "/api/v1/links/a%2Fb").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "/api/v1/links/a%00b").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "/api/v1/links/a%zz").kind, RouteMatch::Kind::not_found);
  EXPECT_EQ(table.match(Method::get, "/api/v1/links/a%4").kind, RouteMatch::Kind::not_found);
}

TEST_F(RouteTableTest, ListsEveryRouteOnce) {
  EXPECT_EQ(table.routes().size(), 7U);
}

TEST(RouteTableAdd, RejectsDuplicatesAndMalformedPatterns) {
  RouteTable t;
  t.add(Method::get, "/a/{id}", noop());
  EXPECT_THROW(t.add(Method::get, "/a/{id}", noop()), std::invalid_argument);
  EXPECT_THROW(t.add(Method::get, "/a/{other}/x", noop()), std::invalid_argument);
  EXPECT_THROW(t.add(Method::get, "no-slash", noop()), std::invalid_argument);
  EXPECT_THROW(t.add(Method::get, "/a//b", noop()), std::invalid_argument);
  EXPECT_THROW(t.add(Method::get, "/a/x{y}", noop()), std::invalid_argument);
  EXPECT_THROW(t.add(Method::head, "/h", noop()), std::invalid_argument);
  EXPECT_NO_THROW(t.add(Method::post, "/a/{id}", noop()));
}

TEST(PercentDecode, DecodesValidEscapes) {
  std::string out;
  EXPECT_TRUE(percent_decode_segment("a%41%62c", out));
  EXPECT_EQ(out, "aAbc");
  EXPECT_TRUE(percent_decode_segment("", out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(percent_decode_segment("%", out));
  EXPECT_FALSE(percent_decode_segment("%2", out));
  EXPECT_FALSE(percent_decode_segment("%2f", out));
}

}  // namespace
}  // namespace payd::http
