#include "payd/sdk/crypto.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace payd::sdk {
namespace {

TEST(SdkCrypto, Rfc4231TestCase1) {
  const std::string key(20, '\x0b');
  EXPECT_EQ(hmac_sha256_hex(key, "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha512_hex(key, "Hi There"),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
}

TEST(SdkCrypto, Rfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha512_hex("Jefe", "what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(SdkCrypto, RawDigestsMatchHex) {
  EXPECT_EQ(hmac_sha256_raw("k", "d").size(), 32U);
  EXPECT_EQ(hmac_sha512_raw("k", "d").size(), 64U);
  EXPECT_EQ(to_hex(hmac_sha256_raw("k", "d")), hmac_sha256_hex("k", "d"));
  EXPECT_EQ(to_hex(hmac_sha512_raw("k", "d")), hmac_sha512_hex("k", "d"));
  // Empty key and data are valid HMAC inputs.
  EXPECT_EQ(hmac_sha256_hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(SdkCrypto, Sha256) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SdkCrypto, StripeWebhookVector) {
  const std::string payload =
      R"({"id":"evt_test_1","object":"event","type":"payment_intent.succeeded",)"
      R"("data":{"object":{"id":"pi_123","object":"payment_intent","status":"succeeded"}}})";
  EXPECT_EQ(hmac_sha256_hex("whsec_test_secret", "1700000000." + payload),
            "c197a07d522fc380d0c62952100ac01495d514f6a293560f0d4d13cc26c82883");
}

TEST(SdkCrypto, StandardWebhooksVector) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const auto key = base64_decode(std::string_view(secret).substr(6));
  ASSERT_TRUE(key.ok()) << key.error();
  const std::string signed_content = std::string("msg_p5jXN8AQM9LWM0D4loKWxJek") + "." +
                                     "1674087231" + "." + R"({"test": 2432232314})";
  EXPECT_EQ("v1," + base64_encode(hmac_sha256_raw(*key, signed_content)),
            "v1,AQG81rX2n4rTN1fkXoqILSHO9gAOcwya9dP41rhrQDI=");
}

TEST(SdkCrypto, HexRoundTrip) {
  const std::string bytes("\x00\x01\x7f\x80\xfe\xff", 6);
  EXPECT_EQ(to_hex(bytes), "00017f80feff");
  EXPECT_EQ(*from_hex("00017f80feff"), bytes);
  EXPECT_EQ(*from_hex("00017F80FEFF"), bytes);
  EXPECT_EQ(*from_hex(""), "");
  for (const char* bad : {"0", "0g", "zz", "0x00", "00 "}) EXPECT_FALSE(from_hex(bad).ok()) << bad;
}

TEST(SdkCrypto, Base64Rfc4648Vectors) {
  struct Case {
    const char* plain;
    const char* encoded;
  };
  for (const auto& c :
       {Case{"", ""}, Case{"f", "Zg=="}, Case{"fo", "Zm8="}, Case{"foo", "Zm9v"},
        Case{"foob", "Zm9vYg=="}, Case{"fooba", "Zm9vYmE="}, Case{"foobar", "Zm9vYmFy"}}) {
    EXPECT_EQ(base64_encode(c.plain), c.encoded);
    const auto back = base64_decode(c.encoded);
    ASSERT_TRUE(back.ok()) << c.encoded << ": " << back.error();
    EXPECT_EQ(*back, c.plain);
  }
}

TEST(SdkCrypto, Base64RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= bytes.size(); len += 37) {
    const auto part = bytes.substr(0, len);
    EXPECT_EQ(*base64_decode(base64_encode(part)), part) << len;
  }
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(SdkCrypto, Base64RejectsInvalid) {
  for (const char* bad : {"Zg", "Zg=", "Zg===", "Z===", "====", "Zm9v\n", " Zm9v",
                          "Zm9v Yg==", "Zm-_", "Zg==Zg==", "Zm=v", "Zh==", "Zm9=", "Zm8=="}) {
    EXPECT_FALSE(base64_decode(bad).ok()) << bad;
  }
}

TEST(SdkCrypto, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_FALSE(constant_time_equals("", "a"));
  EXPECT_TRUE(constant_time_equals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(SdkCrypto, RandomTokens) {
  const auto hex = random_token(16);
  EXPECT_EQ(hex.size(), 32U);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  const auto b64 = random_token(32, TokenEncoding::base64url);
  EXPECT_EQ(b64.size(), 43U);
  EXPECT_EQ(
      b64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_token(16));
  EXPECT_EQ(seen.size(), 100U);
  EXPECT_EQ(random_token(0), "");
}

}  // namespace
}  // namespace payd::sdk
