#include "http/response_writer.hpp"

#include <gtest/gtest.h>

namespace payd::http {
namespace {

Response sample() {
  Response r;
  r.status = 404;
  r.headers.set("Content-Type", "application/json");
  r.headers.set("X-Request-Id", "abc");
  r.body = R"({"x":1})";
  return r;
}

TEST(ResponseWriter, KeepAliveHttp11) {
  std::string out;
  serialize_response(sample(), 11, true, false, out);
  EXPECT_EQ(out,
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nX-Request-Id: abc\r\n"
            "Content-Length: 7\r\n\r\n{\"x\":1}");
}

TEST(ResponseWriter, CloseAndHttp10KeepAlive) {
  std::string out;
  serialize_response(sample(), 11, false, false, out);
  EXPECT_NE(out.find("\r\nConnection: close\r\n"), std::string::npos);
  serialize_response(sample(), 10, true, false, out);
  EXPECT_EQ(out.rfind("HTTP/1.0 404 Not Found\r\n", 0), 0U);
  EXPECT_NE(out.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseWriter, NotModifiedHasNoLengthAndNoBody) {
  Response r;
  r.status = 304;
  r.headers.set("ETag", "\"abc\"");
  std::string out;
  serialize_response(r, 11, true, false, out);
  EXPECT_EQ(out, "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n");
}

TEST(ResponseWriter, HeadKeepsLengthButDropsBody) {
  std::string out;
  serialize_response(sample(), 11, true, true, out);
  EXPECT_NE(out.find("Content-Length: 7\r\n\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
}

TEST(ResponseWriter, HandlerSetFramingHeadersAreReplaced) {
  auto r = sample();
  r.headers.set("Content-Length", "999");
  r.headers.set("Connection", "upgrade");
  std::string out;
  serialize_response(r, 11, true, false, out);
  EXPECT_EQ(out.find("999"), std::string::npos);
  EXPECT_EQ(out.find("upgrade"), std::string::npos);
}

TEST(ResponseWriter, ReasonPhrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(299), "Unknown");
}

}  // namespace
}  // namespace payd::http
