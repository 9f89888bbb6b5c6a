#include "payd/sdk/signature.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "payd/sdk/crypto.hpp"

namespace payd::sdk {
namespace {

constexpr std::int64_t kT = 1700000000;
const std::string kSecret = "whsec_test_secret";
const std::string kPayload =
    R"({"id":"evt_test_1","object":"event","type":"payment_intent.succeeded",)"
    R"("data":{"object":{"id":"pi_123","object":"payment_intent","status":"succeeded"}}})";
const std::string kV1 = "c197a07d522fc380d0c62952100ac01495d514f6a293560f0d4d13cc26c82883";

TEST(SdkSignature, ParsesHeader) {
  const auto h = parse_signature_header("t=1700000000,v1=aa,v1=bb,v0=cc");
  ASSERT_TRUE(h.ok()) << h.error();
  EXPECT_EQ(h->timestamp, kT);
  EXPECT_EQ(h->of("v1"), (std::vector<std::string>{"aa", "bb"}));
  EXPECT_EQ(h->of("v0"), (std::vector<std::string>{"cc"}));
  EXPECT_TRUE(h->of("v2").empty());
}

TEST(SdkSignature, ParsesHeaderLeniently) {
  // Order does not matter, spaces around items are ignored, values may contain '='.
  const auto h = parse_signature_header(" v1=aa , t=12 ,\tv1=b=c= ");
  ASSERT_TRUE(h.ok()) << h.error();
  EXPECT_EQ(h->timestamp, 12);
  EXPECT_EQ(h->of("v1"), (std::vector<std::string>{"aa", "b=c="}));
  // A timestamp alone parses; it simply has no signatures to match.
  EXPECT_TRUE(parse_signature_header("t=1").ok());
}

TEST(SdkSignature, RejectsMalformedHeaders) {
  for (const char* bad : {"", "   ", "v1=aa", "t=,v1=aa", "t=abc,v1=aa", "t=-5,v1=aa", "t=+5,v1=aa",
                          "t=1.5,v1=aa", "t=1,t=2,v1=aa", "t=1,v1", "t=1,=aa", "t=1,v1=",
                          "t=1,,v1=aa", "t=1,v1=aa,", "garbage", "t=1234567890123456789,v1=aa"}) {
    EXPECT_FALSE(parse_signature_header(bad).ok()) << '"' << bad << '"';
  }
  std::string many = "t=1";
  for (int i = 0; i < 64; ++i) many += ",v1=aa";
  EXPECT_FALSE(parse_signature_header(many).ok());
  EXPECT_FALSE(parse_signature_header("t=1,v1=" + std::string(9000, 'a')).ok());
}

TEST(SdkSignature, TimestampTolerance) {
  struct Case {
    std::int64_t timestamp;
    std::int64_t now;
    std::int64_t tolerance;
    SignatureVerdict verdict;
  };
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  for (const auto& c : {
           Case{kT, kT, 300, SignatureVerdict::valid},
           Case{kT, kT + 300, 300, SignatureVerdict::valid},  // boundary: inclusive
           Case{kT, kT + 301, 300, SignatureVerdict::stale},
           Case{kT, kT - 300, 300, SignatureVerdict::valid},
           Case{kT, kT - 301, 300, SignatureVerdict::future},
           Case{kT, kT, 0, SignatureVerdict::valid},
           Case{kT, kT + 1, 0, SignatureVerdict::stale},
           Case{kT, kT + 1, -10, SignatureVerdict::stale},  // negative tolerance counts as 0
           Case{0, kT, 300, SignatureVerdict::stale},
           Case{kMin, kMax, 300, SignatureVerdict::stale},  // overflow-safe
           Case{kMax, kMin, 300, SignatureVerdict::future},
           Case{kMax, kMax, kMax, SignatureVerdict::valid},
       }) {
    EXPECT_EQ(check_timestamp(c.timestamp, c.now, c.tolerance), c.verdict)
        << c.timestamp << " at " << c.now << " +-" << c.tolerance;
  }
}

TEST(SdkSignature, AnySignatureMatches) {
  EXPECT_TRUE(any_signature_matches("abc", {"x", "abc"}));
  EXPECT_TRUE(any_signature_matches("abc", {"abc", "x"}));
  EXPECT_FALSE(any_signature_matches("abc", {"ABC", "ab", "abcd"}));
  EXPECT_FALSE(any_signature_matches("abc", {}));
}

TEST(SdkSignature, VerifiesStripeVector) {
  const auto header = "t=1700000000,v1=" + kV1;
  EXPECT_EQ(verify_timestamped_hmac_sha256(header, kPayload, kSecret, kT + 10, 300),
            SignatureVerdict::valid);
  // Secret rotation: a second v1 that matches is enough; v0 is never consulted for v1.
  EXPECT_EQ(verify_timestamped_hmac_sha256("t=1700000000,v1=" + std::string(64, '0') +
                                               ",v1=" + kV1 + ",v0=" + std::string(64, 'f'),
                                           kPayload, kSecret, kT, 300),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_timestamped_hmac_sha256("t=1700000000,v0=" + kV1, kPayload, kSecret, kT, 300),
            SignatureVerdict::bad_signature);
  EXPECT_EQ(
      verify_timestamped_hmac_sha256("t=1700000000,v0=" + kV1, kPayload, kSecret, kT, 300, "v0"),
      SignatureVerdict::valid);
}

TEST(SdkSignature, RefusesTamperingWrongSecretAndReplays) {
  const auto header = "t=1700000000,v1=" + kV1;
  auto tampered = kPayload;
  tampered[tampered.find("succeeded")] = 'S';
  EXPECT_EQ(verify_timestamped_hmac_sha256(header, tampered, kSecret, kT, 300),
            SignatureVerdict::bad_signature);
  EXPECT_EQ(verify_timestamped_hmac_sha256(header, kPayload, "whsec_other", kT, 300),
            SignatureVerdict::bad_signature);
  // The timestamp is signed: moving it breaks the signature, not just the freshness.
  EXPECT_EQ(verify_timestamped_hmac_sha256("t=1700000001,v1=" + kV1, kPayload, kSecret, kT, 300),
            SignatureVerdict::bad_signature);
  // Upper-case hex is not what Stripe sends: refused.
  std::string upper = kV1;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(verify_timestamped_hmac_sha256("t=1700000000,v1=" + upper, kPayload, kSecret, kT, 300),
            SignatureVerdict::bad_signature);
  EXPECT_EQ(verify_timestamped_hmac_sha256(header, kPayload, kSecret, kT + 301, 300),
            SignatureVerdict::stale);
  EXPECT_EQ(verify_timestamped_hmac_sha256(header, kPayload, kSecret, kT - 301, 300),
            SignatureVerdict::future);
  EXPECT_EQ(verify_timestamped_hmac_sha256("v1=" + kV1, kPayload, kSecret, kT, 300),
            SignatureVerdict::malformed);
  EXPECT_EQ(verify_timestamped_hmac_sha256("", kPayload, kSecret, kT, 300),
            SignatureVerdict::malformed);
}

TEST(SdkSignature, SignsWhatItVerifies) {
  const std::string payload = R"({"hello":"world"})";
  const auto sig = hmac_sha256_hex("s3cret", "42." + payload);
  EXPECT_EQ(verify_timestamped_hmac_sha256("t=42,v1=" + sig, payload, "s3cret", 42, 0),
            SignatureVerdict::valid);
}

TEST(SdkSignature, VerdictNames) {
  EXPECT_EQ(to_string(SignatureVerdict::valid), "valid");
  EXPECT_EQ(to_string(SignatureVerdict::bad_signature), "bad_signature");
  EXPECT_EQ(to_string(SignatureVerdict::stale), "stale");
  EXPECT_EQ(to_string(SignatureVerdict::future), "future");
  EXPECT_EQ(to_string(SignatureVerdict::malformed), "malformed");
}

}  // namespace
}  // namespace payd::sdk
