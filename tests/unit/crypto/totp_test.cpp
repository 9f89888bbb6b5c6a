#include "security/totp.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "security/base32.hpp"

namespace payd::security {
namespace {

// RFC 6238 Appendix B: the seeds are ASCII digits repeated to the hash's output size.
const std::string kSeed1 = "12345678901234567890";
const std::string kSeed256 = "12345678901234567890123456789012";
const std::string kSeed512 = "1234567890123456789012345678901234567890123456789012345678901234";

struct Vector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

constexpr Vector kVectors[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

TEST(Totp, Rfc6238AppendixB) {
  for (const auto& v : kVectors) {
    EXPECT_EQ(totp_code(kSeed1, v.time, 8, 30, TotpAlgorithm::sha1), v.sha1) << v.time;
    EXPECT_EQ(totp_code(kSeed256, v.time, 8, 30, TotpAlgorithm::sha256), v.sha256) << v.time;
    EXPECT_EQ(totp_code(kSeed512, v.time, 8, 30, TotpAlgorithm::sha512), v.sha512) << v.time;
    // And verify accepts each, returning the step.
    const TotpParams p8{8, 30, TotpAlgorithm::sha512};
    EXPECT_EQ(totp_verify(kSeed512, v.sha512, v.time, 0, p8), v.time / 30);
  }
}

// RFC 4226 Appendix D: HOTP values for counters 0..9 (6 digits).
TEST(Totp, Rfc4226AppendixD) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t c = 0; c < 10; ++c) EXPECT_EQ(hotp_code(kSeed1, c), expected[c]);
}

TEST(Totp, SixDigitsIsTheLastSixOfEight) {
  EXPECT_EQ(totp_code(kSeed1, 59), "287082");
}

TEST(Totp, WindowOfOneStepEitherSide) {
  const std::int64_t now = 1'700'000'000;
  const std::int64_t step = now / 30;
  for (int d = -1; d <= 1; ++d) {
    const auto code = totp_code(kSeed1, now + d * 30);
    EXPECT_EQ(totp_verify(kSeed1, code, now), step + d) << d;
  }
  for (int d : {-2, 2, -3, 3}) {
    const auto code = totp_code(kSeed1, now + d * 30);
    // A code from two steps away only matches by chance (1e-6); this seed and time do not.
    EXPECT_EQ(totp_verify(kSeed1, code, now), std::nullopt) << d;
  }
  // window 0: only the current step.
  EXPECT_EQ(totp_verify(kSeed1, totp_code(kSeed1, now - 30), now, 0), std::nullopt);
  EXPECT_EQ(totp_verify(kSeed1, totp_code(kSeed1, now), now, 0), step);
}

TEST(Totp, StepBoundaries) {
  // 59 is the last second of step 1, 60 the first of step 2.
  EXPECT_EQ(totp_verify(kSeed1, totp_code(kSeed1, 59), 59, 0), 1);
  EXPECT_EQ(totp_verify(kSeed1, totp_code(kSeed1, 60), 60, 0), 2);
  EXPECT_EQ(totp_verify(kSeed1, totp_code(kSeed1, 59), 60, 0), std::nullopt);
  // Near the epoch, steps below zero are skipped rather than wrapping.
  EXPECT_EQ(totp_verify(kSeed1, totp_code(kSeed1, 0), 0), 0);
}

TEST(Totp, MalformedCodesRejected) {
  const std::int64_t now = 1'700'000'000;
  const auto good = totp_code(kSeed1, now);
  EXPECT_TRUE(totp_verify(kSeed1, good, now));
  EXPECT_FALSE(totp_verify(kSeed1, "", now));
  EXPECT_FALSE(totp_verify(kSeed1, good.substr(0, 5), now));
  EXPECT_FALSE(totp_verify(kSeed1, good + "0", now));
  EXPECT_FALSE(totp_verify(kSeed1, " " + good.substr(1), now));
  EXPECT_FALSE(totp_verify(kSeed1, "12345a", now));
  EXPECT_FALSE(totp_verify(kSeed1, "+12345", now));
  EXPECT_FALSE(totp_verify(kSeed1, "-12345", now));
  EXPECT_FALSE(totp_verify(kSeed1, std::string("12345\0", 6), now));
  EXPECT_FALSE(totp_verify(kSeed1, "١٢٣٤٥٦", now));  // non-ASCII digits
  EXPECT_FALSE(totp_verify("", good, now));          // no secret
  EXPECT_FALSE(totp_verify(kSeed1, good, -1));
  EXPECT_FALSE(totp_verify(kSeed1, good, now, -1));
}

TEST(Totp, WrongSecretRejected) {
  const std::int64_t now = 1'700'000'000;
  EXPECT_FALSE(totp_verify(kSeed256, totp_code(kSeed1, now), now));
}

TEST(Totp, BadArgumentsThrow) {
  EXPECT_THROW(static_cast<void>(totp_code(kSeed1, -1)), std::invalid_argument);
  EXPECT_THROW(static_cast<void>(totp_code(kSeed1, 0, 5)), std::invalid_argument);
  EXPECT_THROW(static_cast<void>(totp_code(kSeed1, 0, 9)), std::invalid_argument);
  EXPECT_THROW(static_cast<void>(totp_code(kSeed1, 0, 6, 0)), std::invalid_argument);
  EXPECT_THROW(static_cast<void>(totp_code("", 0)), std::invalid_argument);
}

TEST(Totp, GeneratedSecretsAreRandom) {
  const auto a = generate_totp_secret();
  const auto b = generate_totp_secret();
  EXPECT_EQ(a.size(), kTotpSecretBytes);
  EXPECT_NE(a, b);
}

TEST(Totp, OtpauthUri) {
  EXPECT_EQ(otpauth_uri("ACME Co", "john@example.com", kSeed1),
            "otpauth://totp/ACME%20Co:john%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
  // Separators and non-ASCII are escaped, so a crafted account cannot add parameters.
  EXPECT_EQ(otpauth_uri("payd", "a:b&secret=X?#/", "x"),
            "otpauth://totp/payd:a%3Ab%26secret%3DX%3F%23%2F?secret=PA&issuer=payd"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_NE(otpauth_uri("p\xC3\xA4yd", "u", "x").find("p%C3%A4yd:u"), std::string::npos);
}

TEST(RecoveryCodes, FormatAndEntropy) {
  const auto codes = generate_recovery_codes(10);
  ASSERT_EQ(codes.size(), 10U);
  std::set<std::string> unique(codes.begin(), codes.end());
  EXPECT_EQ(unique.size(), codes.size());
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 14U) << c;  // xxxx-xxxx-xxxx
    EXPECT_EQ(c[4], '-');
    EXPECT_EQ(c[9], '-');
    EXPECT_EQ(normalize_recovery_code(c).value().size(), kRecoveryCodeChars);
  }
  // 12 characters of 5 bits each.
  EXPECT_GE(kRecoveryCodeChars * 5, 50U);
}

TEST(RecoveryCodes, HashAndVerify) {
  const auto code = generate_recovery_codes(1).front();
  const auto hash = hash_recovery_code(code);
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->size(), 32U);
  EXPECT_TRUE(verify_recovery_code(code, *hash));
  // What users type: upper case, spaces, no dashes.
  std::string typed;
  for (char c : code) {
    if (c == '-') {
      typed.push_back(' ');
    } else {
      typed.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  EXPECT_TRUE(verify_recovery_code(typed, *hash));
  std::string other = code;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(verify_recovery_code(other, *hash));
  EXPECT_FALSE(verify_recovery_code(code.substr(0, 13), *hash));
  EXPECT_FALSE(verify_recovery_code(code + "a", *hash));
  EXPECT_FALSE(verify_recovery_code("0000-0000-0000", *hash));  // '0' not in the alphabet
  EXPECT_FALSE(verify_recovery_code(code, hash->substr(1)));
  EXPECT_FALSE(hash_recovery_code(""));
}

}  // namespace
}  // namespace payd::security
