#include "http/head_scanner.hpp"

#include <gtest/gtest.h>

namespace payd::http {
namespace {

using Kind = HeadScan::Kind;

TEST(HeadScanner, FindsTheEndOfACompleteHead) {
  const std::string_view head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  auto s = scan_request_head(std::string(head) + "BODY");
  ASSERT_EQ(s.kind, Kind::complete);
  EXPECT_EQ(s.size, head.size());
}

TEST(HeadScanner, IncompleteUntilTheBlankLine) {
  EXPECT_EQ(scan_request_head("").kind, Kind::incomplete);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nHost: x\r\n").kind, Kind::incomplete);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nHost: x\r\n\r").kind, Kind::incomplete);
}

TEST(HeadScanner, RejectsBareLineFeeds) {
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\nHost: x\n\n").kind, Kind::malformed);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nHost: x\n\r\n").kind, Kind::malformed);
  EXPECT_EQ(scan_request_head("\n").kind, Kind::malformed);
}

TEST(HeadScanner, RejectsObsoleteLineFolding) {
  auto s = scan_request_head("GET / HTTP/1.1\r\nX-A: a\r\n  b\r\nHost: x\r\n\r\n");
  EXPECT_EQ(s.kind, Kind::malformed);
  EXPECT_NE(s.reason.find("folding"), std::string_view::npos);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nTransfer-Encoding:\r\n\tchunked\r\n\r\n").kind,
            Kind::malformed);
  // Detected before the head is complete, so a slow smuggler is cut off early.
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nX: a\r\n b").kind, Kind::malformed);
}

TEST(HeadScanner, BodyBytesAfterTheHeadAreNotScanned) {
  auto s = scan_request_head("POST / HTTP/1.1\r\nHost: x\r\n\r\nline\n\n  folded");
  EXPECT_EQ(s.kind, Kind::complete);
}

}  // namespace
}  // namespace payd::http
