#include <gtest/gtest.h>

#include <stdexcept>

#include "api/cursor.hpp"

namespace payd::api {
namespace {

TEST(Cursor, RoundTrips) {
  for (std::int64_t t :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{1795429800123456}, INT64_MAX}) {
    for (const std::string& id :
         {std::string("pay_0123456789ABCDEFGHIJklmn"), std::string("x"), std::string(64, 'a')}) {
      const std::string text = encode_cursor(t, id);
      auto decoded = decode_cursor(text);
      ASSERT_TRUE(decoded.has_value()) << text;
      EXPECT_EQ(*decoded, (Cursor{t, id}));
    }
  }
}

TEST(Cursor, IsOpaqueBase64UrlWithoutPadding) {
  const std::string text = encode_cursor(1795429800123456, "pay_0123456789ABCDEFGHIJklmn");
  EXPECT_EQ(text.find("pay_"), std::string::npos);
  for (char c : text) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  }
}

TEST(Cursor, EncodeRefusesWhatDecodeWouldRefuse) {
  EXPECT_THROW((void)encode_cursor(-1, "pay_x"), std::invalid_argument);
  EXPECT_THROW((void)encode_cursor(0, ""), std::invalid_argument);
  EXPECT_THROW((void)encode_cursor(0, std::string(65, 'a')), std::invalid_argument);
  EXPECT_THROW((void)encode_cursor(0, "pay-x"), std::invalid_argument);
  EXPECT_THROW((void)encode_cursor(0, "pay x"), std::invalid_argument);
}

TEST(Cursor, DecodeRejectsAnythingElse) {
  const std::string good = encode_cursor(1795429800123456, "pay_abc");
  ASSERT_TRUE(decode_cursor(good).has_value());
  std::vector<std::string> bad = {
      "",
      "not a cursor",
      good + "=",  // padding
      good + "A",  // trailing garbage (length 1 mod 4 or wrong bytes)
      good.substr(0, good.size() - 1),
      "=" + good,
      std::string(500, 'A'),  // far too long
      "AAAAAAAAAAAAAA",       // version 0
  };
  // '+' and '/' belong to the other base64 alphabet.
  std::string plus = good;
  plus[3] = '+';
  bad.push_back(plus);
  std::string slash = good;
  slash[3] = '/';
  bad.push_back(slash);
  // Version 2, and an id with a character outside [A-Za-z0-9_], built by hand.
  bad.push_back("AgAAAAAAAAAAeA");  // 0x02, time 0, "x"
  bad.push_back("AQAAAAAAAAAALQ");  // 0x01, time 0, "-"
  bad.push_back("AQAAAAAAAAAA");    // 0x01, time 0, empty id
  bad.push_back("AYAAAAAAAAAAeA");  // 0x01, time with the sign bit set, "x"
  bad.push_back("AQAAAAAAAAAAeB");  // non-canonical: unused low bits set
  for (const auto& text : bad) {
    EXPECT_FALSE(decode_cursor(text).has_value()) << '"' << text << '"';
  }
  EXPECT_TRUE(decode_cursor("AQAAAAAAAAAAeA").has_value());  // the well-formed twin
  EXPECT_EQ(decode_cursor("AQAAAAAAAAAAeA")->id, "x");
}

TEST(ParseCursor, AbsentIsNoneAndGarbageIsA400) {
  auto none = parse_cursor(std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto some = parse_cursor(encode_cursor(5, "pay_a"));
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->value(), (Cursor{5, "pay_a"}));
  for (std::string_view bad : {std::string_view(""), std::string_view("junk!")}) {
    auto r = parse_cursor(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().type, http::ErrorType::invalid_request);
    EXPECT_EQ(r.error().code, "PARAMETER_INVALID");
    EXPECT_EQ(r.error().param, "cursor");
  }
}

TEST(ParseLimit, DefaultsBoundsAndStrictness) {
  EXPECT_EQ(*parse_limit(std::nullopt), 20);
  EXPECT_EQ(*parse_limit("1"), 1);
  EXPECT_EQ(*parse_limit("20"), 20);
  EXPECT_EQ(*parse_limit("100"), 100);
  for (const char* bad : {"", "0", "101", "1000", "-1", "+5", "5 ", " 5", "1.0", "1e2", "abc",
                          "0x10", "99999999999999999999", "٣"}) {
    auto r = parse_limit(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "PARAMETER_INVALID");
    EXPECT_EQ(r.error().param, "limit");
    EXPECT_NE(r.error().message.find("between 1 and 100"), std::string::npos);
  }
}

TEST(QueryParams, DecodesAndTracksKnownKeys) {
  auto q = QueryParams::parse("limit=10&cursor=ab-c_d&email=jane%2Bx%40example.com&q=a+b&flag");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->get("limit"), "10");
  EXPECT_EQ(q->get("cursor"), "ab-c_d");
  EXPECT_EQ(q->get("email"), "jane+x@example.com");
  EXPECT_EQ(q->get("q"), "a b");
  EXPECT_EQ(q->get("flag"), "");
  EXPECT_EQ(q->get("absent"), std::nullopt);
  EXPECT_TRUE(q->finish().ok());
}

TEST(QueryParams, EmptyQueryAndEmptySegments) {
  auto empty = QueryParams::parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->finish().ok());
  auto gaps = QueryParams::parse("&a=1&&b=2&");
  ASSERT_TRUE(gaps.ok());
  EXPECT_EQ(gaps->get("a"), "1");
  EXPECT_EQ(gaps->get("b"), "2");
  EXPECT_TRUE(gaps->finish().ok());
}

TEST(QueryParams, UnknownKeysAreReportedInQueryOrder) {
  auto q = QueryParams::parse("limit=5&lmit=6&other=1");
  ASSERT_TRUE(q.ok());
  (void)q->get("limit");
  auto done = q->finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().status, 400);
  EXPECT_EQ(done.error().code, "PARAMETER_UNKNOWN");
  EXPECT_EQ(done.error().param, "lmit");
  EXPECT_EQ(done.error().message, "Received unknown parameter: lmit");
}

TEST(QueryParams, RepeatedKeysAreRejected) {
  for (const char* query : {"limit=5&limit=6", "limit=5&limit=5", "a=1&limit=1&lim%69t=2"}) {
    auto q = QueryParams::parse(query);
    ASSERT_FALSE(q.ok()) << query;
    EXPECT_EQ(q.error().status, 400);
    EXPECT_EQ(q.error().code, "PARAMETER_INVALID");
    EXPECT_EQ(q.error().param, "limit");
    EXPECT_NE(q.error().message.find("at most once"), std::string::npos);
  }
}

TEST(QueryParams, MalformedEncodingIsRejected) {
  struct Case {
    const char* query;
    std::optional<std::string> param;
  };
  for (const Case& c : {
           Case{"limit=%", "limit"}, Case{"limit=%4", "limit"}, Case{"limit=%zz", "limit"},
           Case{"limit=%00", "limit"},        // NUL
           Case{"limit=%FF", "limit"},        // not UTF-8
           Case{"limit=%C0%AF", "limit"},     // overlong '/'
           Case{"limit=%ED%A0%80", "limit"},  // surrogate
           Case{"%=1", std::nullopt}, Case{"%FF=1", std::nullopt},
           Case{"=1", std::nullopt},  // empty key
       }) {
    auto q = QueryParams::parse(c.query);
    ASSERT_FALSE(q.ok()) << c.query;
    EXPECT_EQ(q.error().status, 400);
    EXPECT_EQ(q.error().code, "PARAMETER_INVALID") << c.query;
    EXPECT_EQ(q.error().param, c.param) << c.query;
  }
  // Valid multi-byte UTF-8 passes.
  auto q = QueryParams::parse("name=%E2%82%AC%F0%9F%98%80");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->get("name"), "\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(QueryParams, WorksWithParseLimitAndParseCursor) {
  auto q = QueryParams::parse("limit=50&cursor=" + encode_cursor(7, "pay_q"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*parse_limit(q->get("limit")), 50);
  EXPECT_EQ(parse_cursor(q->get("cursor"))->value().id, "pay_q");
  EXPECT_TRUE(q->finish().ok());
}

}  // namespace
}  // namespace payd::api
