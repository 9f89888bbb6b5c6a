#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "security/api_key.hpp"
#include "security/api_key_issue.hpp"
#include "core/random_text.hpp"

namespace payd::security {

using core::is_base62;
using core::random_base62;
namespace {

bool all_base62(std::string_view s) {
  for (char c : s) {
    if (!is_base62(c)) return false;
  }
  return true;
}

TEST(ApiKeyFormat, GeneratedKeysHaveTheDocumentedShape) {
  struct Case {
    sdk::Mode mode;
    KeyKind kind;
    std::string_view prefix;
  };
  for (const auto& c : {Case{sdk::Mode::test, KeyKind::secret, "sk_test_"},
                        Case{sdk::Mode::live, KeyKind::secret, "sk_live_"},
                        Case{sdk::Mode::test, KeyKind::restricted, "rk_test_"},
                        Case{sdk::Mode::live, KeyKind::restricted, "rk_live_"}}) {
    const auto k = generate_api_key(c.mode, c.kind);
    EXPECT_EQ(k.key.size(), 67U);
    EXPECT_EQ(k.key.size(), kApiKeyLength);
    EXPECT_TRUE(k.key.starts_with(c.prefix)) << k.key.substr(0, 8);
    EXPECT_EQ(k.lookup.size(), 16U);
    EXPECT_EQ(k.key.substr(8, 16), k.lookup);
    EXPECT_TRUE(all_base62(k.key.substr(8)));
    EXPECT_EQ(k.last4, k.key.substr(63));
    EXPECT_EQ(k.mode, c.mode);
    EXPECT_EQ(k.kind, c.kind);
    EXPECT_EQ(k.secret_hash, hash_api_key(k.key));
    EXPECT_EQ(key_prefix(c.kind, c.mode), c.prefix);
  }
}

TEST(ApiKeyFormat, SecretPartCarriesAtLeast256Bits) {
  EXPECT_GE(static_cast<double>(kKeySecretLength) * std::log2(62.0), 256.0);
}

TEST(ApiKeyFormat, ThousandKeysAreDistinctInKeyLookupAndHash) {
  std::set<std::string> keys;
  std::set<std::string> lookups;
  std::set<KeyHash> hashes;
  for (int i = 0; i < 1000; ++i) {
    auto k = generate_api_key(sdk::Mode::test);
    keys.insert(k.key);
    lookups.insert(k.lookup);
    hashes.insert(k.secret_hash);
  }
  EXPECT_EQ(keys.size(), 1000U);
  EXPECT_EQ(lookups.size(), 1000U);
  EXPECT_EQ(hashes.size(), 1000U);
}

TEST(ApiKeyFormat, Base62CharactersAreRoughlyUniform) {
  // 62,000 characters: every one of the 62 expected ~1000 times. A chi-square with 61
  // degrees of freedom is above 130 with probability < 1e-6; modulo bias without rejection
  // sampling (256 % 62 = 8) would push the first 8 characters ~25% above the rest.
  const auto text = random_base62(62'000);
  ASSERT_EQ(text.size(), 62'000U);
  std::map<char, int> counts;
  for (char c : text) ++counts[c];
  ASSERT_EQ(counts.size(), 62U);
  double chi2 = 0;
  for (const auto& [c, n] : counts) {
    const double d = n - 1000.0;
    chi2 += d * d / 1000.0;
  }
  EXPECT_LT(chi2, 130.0);
  EXPECT_EQ(random_base62(0), "");
}

TEST(ApiKeyParse, AcceptsEachPrefixAndReportsKindModeLookup) {
  for (auto mode : {sdk::Mode::test, sdk::Mode::live}) {
    for (auto kind : {KeyKind::secret, KeyKind::restricted}) {
      const auto k = generate_api_key(mode, kind);
      const auto p = parse_api_key(k.key);
      ASSERT_TRUE(p.has_value()) << k.key;
      EXPECT_EQ(p->mode, mode);
      EXPECT_EQ(p->kind, kind);
      EXPECT_EQ(p->lookup, k.lookup);
      EXPECT_EQ(p->last4, k.last4);
    }
  }
}

TEST(ApiKeyParse, RejectsAnythingElse) {
  const auto good = generate_api_key(sdk::Mode::test).key;
  ASSERT_TRUE(parse_api_key(good));
  std::vector<std::string> bad = {
      "",
      "sk_test_",
      good.substr(0, 66),           // one short
      good + "a",                   // one long
      "pk_test_" + good.substr(8),  // unknown kind
      "sk_prod_" + good.substr(8),  // unknown mode
      "SK_TEST_" + good.substr(8),  // prefixes are case-sensitive
      "sk-test_" + good.substr(8),
      "sk_test-" + good.substr(8),
  };
  for (char c : std::string("_-+/=.~ \t\r\n\"'%\\")) {
    std::string k = good;
    k[30] = c;
    bad.push_back(k);
  }
  {
    std::string k = good;
    k[10] = '\0';
    bad.push_back(k);
  }
  {
    std::string k = good;
    k[40] = static_cast<char>(0xC3);  // UTF-8 lead byte
    bad.push_back(k);
  }
  for (const auto& k : bad) EXPECT_FALSE(parse_api_key(k).has_value()) << k;
}

TEST(ApiKeyParse, PrefixCheckTellsKeysFromOtherTokens) {
  EXPECT_TRUE(has_api_key_prefix("sk_test_whatever"));
  EXPECT_TRUE(has_api_key_prefix("rk_live_"));
  EXPECT_FALSE(has_api_key_prefix("eyJhbGciOiJIUzI1NiJ9.e30.x"));
  EXPECT_FALSE(has_api_key_prefix("sk_tes"));
}

TEST(ApiKeyVerify, AcceptsTheKeyAndRejectsTamperedOnes) {
  const auto k = generate_api_key(sdk::Mode::live);
  const std::string stored(k.secret_hash.begin(), k.secret_hash.end());
  EXPECT_TRUE(verify_api_key(k.key, stored));

  // Every single-character change anywhere in the key (prefix, lookup, secret).
  for (std::size_t i = 0; i < k.key.size(); ++i) {
    std::string t = k.key;
    t[i] = t[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(verify_api_key(t, stored)) << "position " << i;
  }
  EXPECT_FALSE(verify_api_key(k.key.substr(0, 66), stored));
  EXPECT_FALSE(verify_api_key(k.key + "x", stored));
  EXPECT_FALSE(verify_api_key("", stored));

  // A stored hash of the wrong length or with one bit flipped.
  EXPECT_FALSE(verify_api_key(k.key, stored.substr(0, 31)));
  EXPECT_FALSE(verify_api_key(k.key, stored + '\0'));
  EXPECT_FALSE(verify_api_key(k.key, ""));
  for (std::size_t i = 0; i < stored.size(); ++i) {
    std::string h = stored;
    h[i] = static_cast<char>(h[i] ^ 0x01);
    EXPECT_FALSE(verify_api_key(k.key, h)) << "byte " << i;
  }
}

TEST(ApiKeyVerify, HashIsSha256OfTheWholeKey) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  const auto h = hash_api_key("abc");
  const std::array<unsigned char, 4> head{0xba, 0x78, 0x16, 0xbf};
  EXPECT_TRUE(std::equal(head.begin(), head.end(), h.begin()));
  EXPECT_EQ(h[31], 0xad);
}

TEST(ApiKeyDisplay, ShowsPrefixAndLastFourOnly) {
  EXPECT_EQ(display_key(KeyKind::secret, sdk::Mode::live, "abcd"), "sk_live_\u2026abcd");
  EXPECT_EQ(display_key(KeyKind::restricted, sdk::Mode::test, "WXYZ"), "rk_test_\u2026WXYZ");
  const auto k = generate_api_key(sdk::Mode::test);
  const auto shown = display_key(k.kind, k.mode, k.last4);
  EXPECT_EQ(shown.find(k.lookup), std::string::npos);
  EXPECT_EQ(shown.find(k.key.substr(24, 39)), std::string::npos);
}

TEST(ApiKeyKind, NamesRoundTrip) {
  for (auto kind : {KeyKind::secret, KeyKind::restricted}) {
    EXPECT_EQ(parse_key_kind(to_string(kind)), kind);
  }
  EXPECT_FALSE(parse_key_kind("Secret"));
  EXPECT_FALSE(parse_key_kind(""));
}

TEST(ApiKeyIssue, RowHoldsTheHashNotTheKey) {
  const auto issued = issue_api_key("ten_1", sdk::Mode::live, KeyKind::secret, "Production");
  const auto& row = issued.row;
  EXPECT_TRUE(row.id.starts_with("key_"));
  EXPECT_EQ(row.tenant_id, "ten_1");
  EXPECT_EQ(row.mode, "live");
  EXPECT_EQ(row.kind, "secret");
  EXPECT_EQ(row.name, "Production");
  EXPECT_EQ(row.lookup, issued.key.lookup);
  EXPECT_EQ(row.last4, issued.key.last4);
  ASSERT_EQ(row.secret_hash.size(), 32U);
  EXPECT_TRUE(verify_api_key(issued.key.key, row.secret_hash));
  EXPECT_EQ(row.secret_hash.find(issued.key.key.substr(24)), std::string::npos);
  EXPECT_TRUE(issued.key.key.starts_with("sk_live_"));
}

}  // namespace
}  // namespace payd::security
