#include "observability/json_escape.hpp"

#include <gtest/gtest.h>

namespace payd::obs {
namespace {

std::string esc(std::string_view s) {
  std::string out;
  append_json_escaped(out, s);
  return out;
}

TEST(JsonEscape, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(esc("plain"), "plain");
  EXPECT_EQ(esc("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(esc("\n\r\t"), "\\n\\r\\t");
  EXPECT_EQ(esc(std::string_view("\x01\x1f\x7f", 3)), "\\u0001\\u001f\\u007f");
}

TEST(JsonEscape, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(esc("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(esc("\xe2\x82\xac"), "\xe2\x82\xac");
  EXPECT_EQ(esc("bad\xff"), "bad\\ufffd");
  EXPECT_EQ(esc("trunc\xe2\x82"), "trunc\\ufffd\\ufffd");
  EXPECT_EQ(esc("\xc0\xaf"), "\\ufffd\\ufffd");  // overlong '/'
}

}  // namespace
}  // namespace payd::obs
