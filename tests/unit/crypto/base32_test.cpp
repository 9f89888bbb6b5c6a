#include "security/base32.hpp"

#include <gtest/gtest.h>

#include <string>

namespace payd::security {
namespace {

// RFC 4648 section 10 test vectors (padding dropped on encode).
TEST(Base32, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(base32_encode(plain), encoded);
    auto decoded = base32_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base32, DecodeAcceptsLowerCaseAndPadding) {
  EXPECT_EQ(*base32_decode("mzxw6ytboi"), "foobar");
  EXPECT_EQ(*base32_decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(*base32_decode("MY======"), "f");
}

TEST(Base32, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>((i * 37 + 11) & 0xFF));
    auto decoded = base32_decode(base32_encode(bytes));
    ASSERT_TRUE(decoded);
    ASSERT_EQ(*decoded, bytes);
  }
}

TEST(Base32, RejectsBadInput) {
  EXPECT_FALSE(base32_decode("MZXW6YT1"));   // '1' not in the alphabet
  EXPECT_FALSE(base32_decode("MZXW6YT8"));   // '8' neither
  EXPECT_FALSE(base32_decode("MZXW 6YTB"));  // whitespace
  EXPECT_FALSE(base32_decode("MZX="));       // padding not completing a block
  EXPECT_FALSE(base32_decode("M"));          // 1, 3, 6 leftover characters: impossible
  EXPECT_FALSE(base32_decode("MZX"));
  EXPECT_FALSE(base32_decode("MZXW6Y"));
  EXPECT_FALSE(base32_decode("MZ"));        // "MY" is "f"; "MZ" has a non-zero unused bit
  EXPECT_FALSE(base32_decode("MY=MY==="));  // '=' inside
  EXPECT_FALSE(base32_decode("========"));
  EXPECT_TRUE(base32_decode("MZXW6YQ="));  // 7 characters and one '=' is a whole block
}

}  // namespace
}  // namespace payd::security
