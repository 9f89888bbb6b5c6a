#include "security/secret_box.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "payd/sdk/crypto.hpp"
#include "temp_dir.hpp"

namespace payd::security {
namespace {

using test::TempDir;

const std::string kKeyA(32, '\x11');
const std::string kKeyB(32, '\x22');

TEST(SecretBox, RoundTrip) {
  const Kek kek(kKeyA);
  const std::string seed = "12345678901234567890";
  const auto sealed = seal(kek, seed, "mfa_totp:user_1");
  EXPECT_EQ(sealed.size(), seed.size() + kSecretBoxOverhead);
  EXPECT_EQ(sealed[0], '\x01');
  EXPECT_EQ(sealed.find(seed), std::string::npos);
  auto opened = open(kek, sealed, "mfa_totp:user_1");
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, seed);
  EXPECT_EQ(sealed_kek_id_hex(sealed), kek.id_hex());
  // Empty plaintext and empty AAD work too.
  EXPECT_EQ(*open(kek, seal(kek, "", ""), ""), "");
}

TEST(SecretBox, FreshNonceEachTime) {
  const Kek kek(kKeyA);
  EXPECT_NE(seal(kek, "same", "aad"), seal(kek, "same", "aad"));
}

TEST(SecretBox, EveryTamperedByteFails) {
  const Kek kek(kKeyA);
  const auto sealed = seal(kek, "12345678901234567890", "user_1");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (unsigned char bit : {0x01, 0x80}) {
      std::string t = sealed;
      t[i] = static_cast<char>(static_cast<unsigned char>(t[i]) ^ bit);
      EXPECT_FALSE(open(kek, t, "user_1")) << "byte " << i;
    }
  }
  EXPECT_EQ(open(kek, sealed.substr(0, sealed.size() - 1), "user_1").error(),
            SecretBoxError::authentication_failed);
  EXPECT_EQ(open(kek, sealed + "x", "user_1").error(), SecretBoxError::authentication_failed);
  EXPECT_EQ(open(kek, sealed.substr(0, kSecretBoxOverhead - 1), "user_1").error(),
            SecretBoxError::malformed);
  EXPECT_EQ(open(kek, "", "user_1").error(), SecretBoxError::malformed);
  std::string v2 = sealed;
  v2[0] = '\x02';
  EXPECT_EQ(open(kek, v2, "user_1").error(), SecretBoxError::unknown_version);
}

TEST(SecretBox, WrongAadFails) {
  const Kek kek(kKeyA);
  const auto sealed = seal(kek, "seed", "mfa_totp:user_1");
  EXPECT_EQ(open(kek, sealed, "mfa_totp:user_2").error(), SecretBoxError::authentication_failed);
  EXPECT_EQ(open(kek, sealed, "").error(), SecretBoxError::authentication_failed);
  EXPECT_FALSE(open(kek, sealed, std::string("mfa_totp:user_1\0", 16)));
}

TEST(SecretBox, WrongKeyFails) {
  const auto sealed = seal(Kek(kKeyA), "seed", "aad");
  EXPECT_EQ(open(Kek(kKeyB), sealed, "aad").error(), SecretBoxError::wrong_key);
  // Same id forged onto a different key still fails authentication.
  std::string forged = sealed;
  const Kek b(kKeyB);
  std::copy(b.id().begin(), b.id().end(), forged.begin() + 1);
  EXPECT_EQ(open(b, forged, "aad").error(), SecretBoxError::authentication_failed);
}

TEST(SecretBox, KekMustBe32Bytes) {
  EXPECT_THROW(Kek(std::string(31, 'x')), std::invalid_argument);
  EXPECT_THROW(Kek(std::string(33, 'x')), std::invalid_argument);
}

TEST(LoadKek, RawHexAndBase64Files) {
  const TempDir dir;
  const std::string key = "\x01\x02\x03\n" + std::string(28, '\xEE');
  const Kek expected(key);
  for (const auto& content :
       {key, sdk::to_hex(key), sdk::to_hex(key) + "\n", sdk::base64_encode(key) + "\n"}) {
    auto kek = load_kek(dir.write("kek", content, 0400));
    ASSERT_TRUE(kek) << kek.error();
    EXPECT_EQ(kek->id(), expected.id());
    // Sealing with one opens with the other: the same key.
    EXPECT_EQ(*open(expected, seal(*kek, "x", "a"), "a"), "x");
  }
}

TEST(LoadKek, BadFilesFailNamingTheFileNotTheKey) {
  const TempDir dir;
  const std::string key(32, 'k');
  const std::string hex = sdk::to_hex(key);

  auto missing = load_kek(dir.path() + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find(dir.path() + "/nope"), std::string::npos);

  const auto group_readable = dir.write("g", hex, 0640);
  auto g = load_kek(group_readable);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().find(group_readable), std::string::npos) << g.error();
  EXPECT_NE(g.error().find("0640"), std::string::npos) << g.error();
  EXPECT_EQ(g.error().find(hex), std::string::npos);
  EXPECT_FALSE(load_kek(dir.write("w", hex, 0604)));
  EXPECT_FALSE(load_kek(dir.write("x", hex, 0620)));

  for (const auto& bad :
       {std::string(31, 'k'), std::string(33, 'k'), hex.substr(0, 62), hex.substr(0, 63) + "g",
        sdk::base64_encode(std::string(31, 'k')), std::string()}) {
    const auto path = dir.write("bad", bad, 0600);
    auto r = load_kek(path);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().find(path), std::string::npos) << r.error();
    if (!bad.empty()) {
      EXPECT_EQ(r.error().find(bad), std::string::npos) << r.error();
    }
  }
  EXPECT_FALSE(load_kek(dir.path()));  // a directory
}

TEST(LoadKek, SystemdCredential) {
  const TempDir dir;
  dir.write("payd-kek", std::string(32, 'c'), 0400);
  ::setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
  auto kek = load_kek_credential("payd-kek");
  ASSERT_TRUE(kek) << kek.error();
  EXPECT_EQ(kek->id(), Kek(std::string(32, 'c')).id());
  EXPECT_FALSE(load_kek_credential("../payd-kek"));
  EXPECT_FALSE(load_kek_credential(".."));
  EXPECT_FALSE(load_kek_credential("absent"));
  ::unsetenv("CREDENTIALS_DIRECTORY");
  auto unset = load_kek_credential("payd-kek");
  ASSERT_FALSE(unset);
  EXPECT_NE(unset.error().find("CREDENTIALS_DIRECTORY"), std::string::npos);
}

}  // namespace
}  // namespace payd::security
