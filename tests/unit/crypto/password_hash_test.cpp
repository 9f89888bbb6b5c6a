#include "security/password_hash.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace payd::security {
namespace {

// Cheap parameters for most tests: the format and logic are the same at any cost.
constexpr ScryptParams kCheap{10, 8, 1};

TEST(PasswordHash, FormatAndVerify) {
  const auto stored = hash_password("correct horse battery staple", kCheap);
  EXPECT_TRUE(stored.starts_with("$scrypt$ln=10,r=8,p=1$")) << stored;
  // 16-byte salt and 32-byte hash in unpadded base64: 22 and 43 characters.
  const auto salt_start = stored.find('$', 8) + 1;
  const auto hash_start = stored.find('$', salt_start) + 1;
  EXPECT_EQ(hash_start - salt_start - 1, 22U);
  EXPECT_EQ(stored.size() - hash_start, 43U);
  EXPECT_EQ(stored.find('=', salt_start), std::string::npos);

  EXPECT_TRUE(verify_password("correct horse battery staple", stored));
  EXPECT_FALSE(verify_password("correct horse battery stapl", stored));
  EXPECT_FALSE(verify_password("Correct horse battery staple", stored));
  EXPECT_FALSE(verify_password("", stored));
  // A fresh salt every time.
  EXPECT_NE(stored, hash_password("correct horse battery staple", kCheap));
}

// A known answer: RFC 7914 section 12's second parameter set (N=1024, r=8, p=16) with a 16-byte
// salt, computed with Python's hashlib.scrypt, whose output for the RFC's own salt "NaCl"
// matches the RFC (fdbabe1c...). Checks that parameters reach OpenSSL as meant and the PHC
// string is read as written.
TEST(PasswordHash, KnownAnswer) {
  const std::string stored =
      "$scrypt$ln=10,r=8,p=16$TmFDbE5hQ2xOYUNsTmFDbA$ruflYSr7JKwcyP4taFgPBJI7nqmwRVvjonthQb2MSCI";
  EXPECT_TRUE(verify_password("password", stored));
  EXPECT_FALSE(verify_password("passwore", stored));
}

TEST(PasswordHash, NeedsRehash) {
  const auto cheap = hash_password("correct horse battery staple", kCheap);
  EXPECT_TRUE(needs_rehash(cheap));
  EXPECT_FALSE(needs_rehash(cheap, kCheap));
  EXPECT_TRUE(needs_rehash("garbage"));
  auto params = parse_password_params(cheap);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->log2_n, 10);
  EXPECT_EQ(params->r, 8U);
  EXPECT_EQ(params->p, 1U);
}

TEST(PasswordHash, MalformedOrAbsurdStoredStringsRejectedWithoutHashing) {
  const auto good = hash_password("correct horse battery staple", kCheap);
  const auto tail = good.substr(good.find('$', 8));  // "$salt$hash"
  const char* bad_params[] = {
      "ln=30,r=8,p=1",   // 2^30: gigabytes
      "ln=21,r=8,p=1",   // above the cap
      "ln=17,r=64,p=1",  // r too large
      "ln=17,r=8,p=64",  // p too large
      "ln=17,r=8,p=8",   // total work over 4x the default
      "ln=0,r=8,p=1",   "ln=10,r=0,p=1",          "ln=10,r=8,p=0",  "ln=10,r=8",
      "r=8,ln=10,p=1",  "ln=010,r=8,p=1",         "ln=10,r=8,p=1,", "ln=-1,r=8,p=1",
      "ln=10,r=8,p=1x", "ln=99999999999,r=8,p=1",
  };
  const auto start = std::chrono::steady_clock::now();
  for (const char* p : bad_params) {
    const std::string stored = std::string("$scrypt$") + p + tail;
    EXPECT_FALSE(verify_password("correct horse battery staple", stored)) << p;
    EXPECT_FALSE(parse_password_params(stored)) << p;
  }
  // None of them hashed at a planted cost.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));

  const auto salt_start = good.find('$', 8) + 1;
  const auto hash_start = good.find('$', salt_start) + 1;
  const std::string head = good.substr(0, salt_start);
  const std::string salt = good.substr(salt_start, hash_start - salt_start - 1);
  const std::string hash = good.substr(hash_start);
  const std::string bad_strings[] = {
      "",
      "$scrypt$",
      "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + hash,
      head + salt + "$" + hash + "$",
      head + salt + "=$" + hash,
      head + salt + "$" + hash + "=",
      head + salt.substr(0, 10) + "$" + hash,  // salt under 16 bytes
      head + salt + "$" + hash.substr(0, 20),  // hash under 16 bytes
      head + salt + "$" + hash.substr(0, 42) + "!",
      head + salt + "$" + hash.substr(0, 42) + "B",  // non-canonical last character
      head + salt + "$" + hash.substr(0, 41),        // impossible length
  };
  for (const auto& s : bad_strings)
    EXPECT_FALSE(verify_password("correct horse battery staple", s)) << s;
}

TEST(PasswordHash, TamperedHashFails) {
  const auto stored = hash_password("correct horse battery staple", kCheap);
  std::string t = stored;
  t[t.size() - 5] = t[t.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password("correct horse battery staple", t));
}

TEST(PasswordHash, OverlongPasswordsRejected) {
  const std::string long_pw(kMaxPasswordBytes + 1, 'a');
  const auto stored = hash_password(long_pw, kCheap);  // hashing is not the policy's job
  EXPECT_FALSE(verify_password(long_pw, stored));
  EXPECT_FALSE(dummy_verify(long_pw));
}

TEST(PasswordHash, BadParametersThrowOnHash) {
  EXPECT_THROW(static_cast<void>(hash_password("x", ScryptParams{25, 8, 1})),
               std::invalid_argument);
  EXPECT_THROW(static_cast<void>(hash_password("x", ScryptParams{10, 0, 1})),
               std::invalid_argument);
}

// The one test at production cost: the default parameters, verify, and dummy_verify taking
// about as long as a wrong password (so an unknown user looks like a wrong password).
TEST(PasswordHash, DefaultCostAndDummyVerifyTiming) {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  const auto stored = hash_password("correct horse battery staple");
  const auto hash_time = clock::now() - t0;
  EXPECT_TRUE(stored.starts_with("$scrypt$ln=17,r=8,p=1$"));
  EXPECT_FALSE(needs_rehash(stored));

  t0 = clock::now();
  EXPECT_FALSE(verify_password("wrong password here", stored));
  const auto wrong_time = clock::now() - t0;
  t0 = clock::now();
  EXPECT_FALSE(dummy_verify("wrong password here"));
  const auto dummy_time = clock::now() - t0;

  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::cout << "[ cost     ] hash_password " << ms(hash_time) << " ms, wrong password "
            << ms(wrong_time) << " ms, dummy_verify " << ms(dummy_time) << " ms\n";
  // Same work: within a factor of two of each other even on a busy machine.
  EXPECT_LT(ms(dummy_time), 2 * ms(wrong_time) + 50);
  EXPECT_LT(ms(wrong_time), 2 * ms(dummy_time) + 50);
}

TEST(PasswordPolicy, LengthRules) {
  EXPECT_TRUE(check_password_policy("twelve chars"));
  EXPECT_FALSE(check_password_policy("eleven char"));
  EXPECT_FALSE(check_password_policy(""));
  // Counted in characters, not bytes: 12 two-byte characters pass, 11 do not.
  std::string umlauts;
  for (int i = 0; i < 11; ++i) umlauts += "\xC3\xA4";
  EXPECT_FALSE(check_password_policy(umlauts));
  umlauts += "\xC3\xA4";
  EXPECT_TRUE(check_password_policy(umlauts));
  EXPECT_TRUE(check_password_policy(std::string(kMaxPasswordBytes, 'a')));
  auto too_long = check_password_policy(std::string(kMaxPasswordBytes + 1, 'a'));
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().find("aaaa"), std::string::npos);
}

}  // namespace
}  // namespace payd::security
