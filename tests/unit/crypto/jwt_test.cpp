#include "security/jwt.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "payd/sdk/crypto.hpp"
#include "temp_dir.hpp"

namespace payd::security {
namespace {

using boost::json::object;

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kSecret = "0123456789abcdef0123456789abcdef";  // 32 bytes

JwtExpectations expect(std::int64_t now = kNow, std::int64_t leeway = 0) {
  return {"https://payd.example", "payd-api", "at+jwt", now, leeway};
}

object claims(std::int64_t iat = kNow, std::int64_t ttl = 300) {
  return object{{"iss", "https://payd.example"},
                {"aud", "payd-api"},
                {"sub", "user_1"},
                {"iat", iat},
                {"nbf", iat},
                {"exp", iat + ttl}};
}

std::string b64(std::string_view s) {
  return sdk::base64url_encode(s);
}

// A token with an arbitrary header and payload, signed by `sign` over the signing input.
template <typename Sign>
std::string forge(const object& header, const object& payload, Sign sign) {
  std::string input =
      b64(boost::json::serialize(header)) + "." + b64(boost::json::serialize(payload));
  return input + "." + b64(sign(input));
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ed_pem_ = generate_ed25519_private_pem();
    auto hs = JwtKey::hs256("hs-1", kSecret);
    auto ed = JwtKey::eddsa_pem("ed-1", ed_pem_);
    ASSERT_TRUE(hs);
    ASSERT_TRUE(ed) << ed.error();
    hs_ = std::make_unique<JwtKey>(*hs);
    ed_ = std::make_unique<JwtKey>(*ed);
    ASSERT_TRUE(ring_.add(*hs_));
    ASSERT_TRUE(ring_.add(*ed_));
    ASSERT_TRUE(ring_.set_signer("ed-1"));
  }

  JwtErrorCode rejected(const std::string& token, const JwtExpectations& e = expect()) {
    auto r = jwt_verify(token, ring_, e);
    EXPECT_FALSE(r) << token;
    return r ? JwtErrorCode::malformed : r.error().code;
  }

  std::string ed_pem_;
  std::unique_ptr<JwtKey> hs_;
  std::unique_ptr<JwtKey> ed_;
  JwtKeyRing ring_;
};

TEST_F(JwtTest, SignAndVerifyBothAlgorithms) {
  for (const JwtKey* key : {hs_.get(), ed_.get()}) {
    const auto token = jwt_sign(*key, claims(), "at+jwt");
    auto r = jwt_verify(token, ring_, expect());
    ASSERT_TRUE(r) << to_string(r.error().code) << " " << r.error().detail;
    EXPECT_EQ(r->kid, key->kid());
    EXPECT_EQ(r->claims.at("sub").as_string(), "user_1");
    const auto header =
        boost::json::parse(*base64url_decode_strict(token.substr(0, token.find('.'))));
    EXPECT_EQ(header.at("alg").as_string(), to_string(key->alg()));
    EXPECT_EQ(header.at("kid").as_string(), key->kid());
    EXPECT_EQ(header.at("typ").as_string(), "at+jwt");
  }
  // The ring signs with its current signer.
  auto r = jwt_verify(jwt_sign(ring_, claims(), "at+jwt"), ring_, expect());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kid, "ed-1");
}

TEST_F(JwtTest, AudienceArrayAndTypVariants) {
  auto c = claims();
  c["aud"] = boost::json::array{"other", "payd-api"};
  EXPECT_TRUE(jwt_verify(jwt_sign(*hs_, c, "at+jwt"), ring_, expect()));
  EXPECT_TRUE(jwt_verify(jwt_sign(*hs_, claims(), "application/AT+JWT"), ring_, expect()));
  c["aud"] = boost::json::array{"other"};
  EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::wrong_audience);
  c["aud"] = boost::json::array{};
  EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::wrong_audience);
  c["aud"] = boost::json::array{1};
  EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::invalid_claim);
  c["aud"] = 5;
  EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::invalid_claim);
}

TEST_F(JwtTest, AlgNone) {
  for (const char* alg : {"none", "None", "NONE", ""}) {
    const auto header = object{{"alg", alg}, {"kid", "hs-1"}, {"typ", "at+jwt"}};
    const auto unsigned_token =
        b64(boost::json::serialize(header)) + "." + b64(boost::json::serialize(claims())) + ".";
    EXPECT_EQ(rejected(unsigned_token), JwtErrorCode::malformed);  // empty signature
    // Even with some signature bytes attached.
    EXPECT_EQ(rejected(forge(header, claims(), [](auto) { return std::string("x"); })),
              JwtErrorCode::unsupported_alg);
  }
  const auto no_alg = object{{"kid", "hs-1"}, {"typ", "at+jwt"}};
  EXPECT_EQ(rejected(forge(no_alg, claims(), [&](auto in) { return hs_->sign(in); })),
            JwtErrorCode::unsupported_alg);
}

// The classic confusion: the verifier's public key used as an HMAC secret.
TEST_F(JwtTest, Hs256SignedWithThePublicKeyAgainstAnEdDsaKey) {
  const std::string public_pem = ed_->public_pem();
  ASSERT_NE(public_pem.find("PUBLIC KEY"), std::string::npos);
  const auto header = object{{"alg", "HS256"}, {"kid", "ed-1"}, {"typ", "at+jwt"}};
  for (const std::string& secret : {public_pem, ed_pem_}) {
    const auto token =
        forge(header, claims(), [&](auto in) { return sdk::hmac_sha256_raw(secret, in); });
    EXPECT_EQ(rejected(token), JwtErrorCode::alg_mismatch);
  }
  // And the reverse: EdDSA claimed for the HS256 kid.
  const auto eddsa_on_hs = object{{"alg", "EdDSA"}, {"kid", "hs-1"}, {"typ", "at+jwt"}};
  EXPECT_EQ(rejected(forge(eddsa_on_hs, claims(), [&](auto in) { return ed_->sign(in); })),
            JwtErrorCode::alg_mismatch);
}

TEST_F(JwtTest, OtherAlgorithmsUnsupported) {
  for (const char* alg : {"RS256", "ES256", "PS256", "HS512", "HS384", "hs256", "Ed25519"}) {
    const auto header = object{{"alg", alg}, {"kid", "hs-1"}, {"typ", "at+jwt"}};
    EXPECT_EQ(rejected(forge(header, claims(), [&](auto in) { return hs_->sign(in); })),
              JwtErrorCode::unsupported_alg)
        << alg;
  }
  const auto numeric = object{{"alg", 1}, {"kid", "hs-1"}, {"typ", "at+jwt"}};
  EXPECT_EQ(rejected(forge(numeric, claims(), [&](auto in) { return hs_->sign(in); })),
            JwtErrorCode::unsupported_alg);
}

TEST_F(JwtTest, WrongKeyAndUnknownKid) {
  auto other_hs = JwtKey::hs256("hs-1", std::string(32, 'z'));
  EXPECT_EQ(rejected(jwt_sign(*other_hs, claims(), "at+jwt")), JwtErrorCode::bad_signature);
  auto other_ed = JwtKey::eddsa_pem("ed-1", generate_ed25519_private_pem());
  EXPECT_EQ(rejected(jwt_sign(*other_ed, claims(), "at+jwt")), JwtErrorCode::bad_signature);
  auto stranger = JwtKey::hs256("hs-9", kSecret);
  EXPECT_EQ(rejected(jwt_sign(*stranger, claims(), "at+jwt")), JwtErrorCode::unknown_kid);
  const auto no_kid = object{{"alg", "HS256"}, {"typ", "at+jwt"}};
  EXPECT_EQ(rejected(forge(no_kid, claims(), [&](auto in) { return hs_->sign(in); })),
            JwtErrorCode::unknown_kid);
  const auto numeric_kid = object{{"alg", "HS256"}, {"kid", 1}, {"typ", "at+jwt"}};
  EXPECT_EQ(rejected(forge(numeric_kid, claims(), [&](auto in) { return hs_->sign(in); })),
            JwtErrorCode::unknown_kid);
}

TEST_F(JwtTest, TimeClaimsAndLeeway) {
  // exp: valid strictly before exp (+ leeway).
  const auto token = jwt_sign(*ed_, claims(kNow, 300), "at+jwt");
  EXPECT_TRUE(jwt_verify(token, ring_, expect(kNow + 299)));
  EXPECT_EQ(rejected(token, expect(kNow + 300)), JwtErrorCode::expired);
  EXPECT_TRUE(jwt_verify(token, ring_, expect(kNow + 359, 60)));
  EXPECT_EQ(rejected(token, expect(kNow + 360, 60)), JwtErrorCode::expired);
  // Leeway is clamped to 60 s.
  EXPECT_EQ(rejected(token, expect(kNow + 360, 3600)), JwtErrorCode::expired);
  EXPECT_EQ(rejected(token, expect(kNow + 300, -5)), JwtErrorCode::expired);

  // nbf (and iat) in the future.
  const auto future = jwt_sign(*ed_, claims(kNow + 100), "at+jwt");
  EXPECT_EQ(rejected(future), JwtErrorCode::not_yet_valid);
  EXPECT_EQ(rejected(future, expect(kNow, 60)), JwtErrorCode::not_yet_valid);
  EXPECT_TRUE(jwt_verify(future, ring_, expect(kNow + 40, 60)));
  EXPECT_TRUE(jwt_verify(future, ring_, expect(kNow + 100)));
  EXPECT_EQ(rejected(future, expect(kNow + 39, 60)), JwtErrorCode::not_yet_valid);
  EXPECT_EQ(rejected(future, expect(kNow + 39, 600)), JwtErrorCode::not_yet_valid);

  auto c = claims();
  c["nbf"] = kNow - 10;
  c["iat"] = kNow + 10;  // issued in the future, nbf fine
  EXPECT_EQ(rejected(jwt_sign(*ed_, c, "at+jwt")), JwtErrorCode::not_yet_valid);

  c = claims();
  c["exp"] = static_cast<double>(kNow) + 10.5;  // fractional NumericDate
  EXPECT_TRUE(jwt_verify(jwt_sign(*ed_, c, "at+jwt"), ring_, expect()));
  c["exp"] = "soon";
  EXPECT_EQ(rejected(jwt_sign(*ed_, c, "at+jwt")), JwtErrorCode::invalid_claim);
  c["exp"] = INT64_MAX;
  EXPECT_EQ(rejected(jwt_sign(*ed_, c, "at+jwt")), JwtErrorCode::invalid_claim);
}

TEST_F(JwtTest, EveryRequiredClaim) {
  for (const char* name : {"exp", "nbf", "iat", "iss", "aud"}) {
    auto c = claims();
    c.erase(name);
    EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::missing_claim) << name;
  }
  const auto no_typ = object{{"alg", "HS256"}, {"kid", "hs-1"}};
  EXPECT_EQ(rejected(forge(no_typ, claims(), [&](auto in) { return hs_->sign(in); })),
            JwtErrorCode::missing_claim);
}

TEST_F(JwtTest, WrongIssuerAudienceType) {
  auto c = claims();
  c["iss"] = "https://evil.example";
  EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::wrong_issuer);
  c = claims();
  c["iss"] = 7;
  EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::invalid_claim);
  c = claims();
  c["aud"] = "other-api";
  EXPECT_EQ(rejected(jwt_sign(*hs_, c, "at+jwt")), JwtErrorCode::wrong_audience);
  EXPECT_EQ(rejected(jwt_sign(*hs_, claims(), "JWT")), JwtErrorCode::wrong_type);
  EXPECT_EQ(rejected(jwt_sign(*hs_, claims(), "id+jwt")), JwtErrorCode::wrong_type);
  EXPECT_EQ(rejected(jwt_sign(*hs_, claims(), "application/")), JwtErrorCode::wrong_type);
}

TEST_F(JwtTest, TamperedHeaderPayloadSignature) {
  const auto token = jwt_sign(*ed_, claims(), "at+jwt");
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  // Re-encoded payload with a different subject, original signature.
  auto c = claims();
  c["sub"] = "admin";
  const auto swapped =
      token.substr(0, dot1 + 1) + b64(boost::json::serialize(c)) + token.substr(dot2);
  EXPECT_EQ(rejected(swapped), JwtErrorCode::bad_signature);
  // Header with an extra member, original signature.
  const auto h2 = object{{"alg", "EdDSA"}, {"kid", "ed-1"}, {"typ", "at+jwt"}, {"x", 1}};
  EXPECT_EQ(rejected(b64(boost::json::serialize(h2)) + token.substr(dot1)),
            JwtErrorCode::bad_signature);
  // Every single character changed, anywhere, is rejected.
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(jwt_verify(t, ring_, expect())) << i;
  }
}

TEST_F(JwtTest, StructureAndEncoding) {
  const auto token = jwt_sign(*hs_, claims(), "at+jwt");
  EXPECT_TRUE(jwt_verify(token, ring_, expect()));
  EXPECT_EQ(rejected(""), JwtErrorCode::malformed);
  EXPECT_EQ(rejected(token.substr(0, token.rfind('.'))), JwtErrorCode::malformed);  // 2 segments
  EXPECT_EQ(rejected(token.substr(0, token.size() - 3)), JwtErrorCode::bad_signature);
  EXPECT_EQ(rejected(token + ".x"), JwtErrorCode::malformed);  // extra segment
  EXPECT_EQ(rejected(token + "."), JwtErrorCode::malformed);
  EXPECT_EQ(rejected("." + token), JwtErrorCode::malformed);
  EXPECT_EQ(rejected(token + "="), JwtErrorCode::malformed);  // padding
  EXPECT_EQ(rejected(token + "=="), JwtErrorCode::malformed);
  EXPECT_EQ(rejected(" " + token), JwtErrorCode::malformed);
  EXPECT_EQ(rejected(token + "\n"), JwtErrorCode::malformed);
  std::string plus = token;
  plus[plus.size() - 2] = '+';  // standard-alphabet character
  EXPECT_EQ(rejected(plus), JwtErrorCode::malformed);
  // Non-canonical: the HS256 signature is 43 characters, whose last one has 2 spare bits.
  std::string spare = token;
  char& last = spare.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  last = alphabet[alphabet.find(last) ^ 1U];
  EXPECT_EQ(rejected(spare), JwtErrorCode::malformed);

  // Too large, even if validly signed.
  auto big = claims();
  big["pad"] = std::string(kMaxJwtBytes, 'x');
  EXPECT_EQ(rejected(jwt_sign(*hs_, big, "at+jwt")), JwtErrorCode::malformed);

  // Header or payload not a JSON object.
  const auto sign_raw = [&](const std::string& h, const std::string& p) {
    const auto input = b64(h) + "." + b64(p);
    return input + "." + b64(hs_->sign(input));
  };
  const std::string good_header = R"({"alg":"HS256","kid":"hs-1","typ":"at+jwt"})";
  const std::string good_payload = boost::json::serialize(claims());
  EXPECT_TRUE(jwt_verify(sign_raw(good_header, good_payload), ring_, expect()));
  EXPECT_EQ(rejected(sign_raw("[1]", good_payload)), JwtErrorCode::malformed);
  EXPECT_EQ(rejected(sign_raw(good_header, "\"x\"")), JwtErrorCode::malformed);
  EXPECT_EQ(rejected(sign_raw(good_header, good_payload + "x")), JwtErrorCode::malformed);
  // Insignificant whitespace is valid JSON.
  EXPECT_TRUE(jwt_verify(sign_raw(good_header + " ", " " + good_payload), ring_, expect()));
}

TEST_F(JwtTest, DuplicateKeysRejected) {
  const auto sign_raw = [&](const std::string& h, const std::string& p) {
    const auto input = b64(h) + "." + b64(p);
    return input + "." + b64(hs_->sign(input));
  };
  const std::string header = R"({"alg":"HS256","kid":"hs-1","typ":"at+jwt"})";
  std::string payload = boost::json::serialize(claims());
  payload.pop_back();
  EXPECT_EQ(rejected(sign_raw(header, payload + R"(,"sub":"admin"})")), JwtErrorCode::malformed);
  EXPECT_EQ(rejected(sign_raw(payload + R"(,"x":{"a":1,"a":2}})", payload + "}")),
            JwtErrorCode::malformed);
  EXPECT_EQ(rejected(sign_raw(R"({"alg":"HS256","alg":"none","kid":"hs-1","typ":"at+jwt"})",
                              payload + "}")),
            JwtErrorCode::malformed);
  // Keys equal only after unescaping are duplicates too.
  EXPECT_EQ(rejected(sign_raw(header, payload + R"(,"s\u0075b":"admin"})")),
            JwtErrorCode::malformed);
  // The same key in sibling objects is fine.
  EXPECT_TRUE(
      jwt_verify(sign_raw(header, payload + R"(,"x":{"a":1},"y":{"a":2}})"), ring_, expect()));
}

TEST_F(JwtTest, CritRejected) {
  const auto header = object{
      {"alg", "HS256"}, {"kid", "hs-1"}, {"typ", "at+jwt"}, {"crit", boost::json::array{"exp"}}};
  EXPECT_EQ(rejected(forge(header, claims(), [&](auto in) { return hs_->sign(in); })),
            JwtErrorCode::crit_unsupported);
  EXPECT_THROW(static_cast<void>(jwt_sign(*hs_, claims(), "at+jwt", object{{"crit", 1}})),
               std::invalid_argument);
  EXPECT_THROW(static_cast<void>(jwt_sign(*hs_, claims(), "at+jwt", object{{"alg", "none"}})),
               std::invalid_argument);
}

TEST_F(JwtTest, RotationOldKeyVerifiesUntilRemoved) {
  auto old_key = JwtKey::eddsa_pem("ed-old", generate_ed25519_private_pem());
  ASSERT_TRUE(old_key);
  JwtKeyRing ring;
  ASSERT_TRUE(ring.add(*old_key));
  ASSERT_TRUE(ring.set_signer("ed-old"));
  const auto old_token = jwt_sign(ring, claims(), "at+jwt");

  // Rotate: a new signer; the old key stays for verification (public half only).
  ASSERT_TRUE(ring.add(*ed_));
  ASSERT_TRUE(ring.set_signer("ed-1"));
  ASSERT_TRUE(ring.remove("ed-old"));
  auto public_only = JwtKey::eddsa_pem("ed-old", old_key->public_pem());
  ASSERT_TRUE(public_only);
  EXPECT_FALSE(public_only->can_sign());
  ASSERT_TRUE(ring.add(*public_only));
  EXPECT_FALSE(ring.set_signer("ed-old"));  // verify-only
  EXPECT_EQ(ring.signer()->kid(), "ed-1");

  const auto new_token = jwt_sign(ring, claims(), "at+jwt");
  EXPECT_TRUE(jwt_verify(old_token, ring, expect()));
  EXPECT_TRUE(jwt_verify(new_token, ring, expect()));
  ASSERT_TRUE(ring.remove("ed-old"));
  auto r = jwt_verify(old_token, ring, expect());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, JwtErrorCode::unknown_kid);
  EXPECT_TRUE(jwt_verify(new_token, ring, expect()));
  EXPECT_FALSE(ring.add(*ed_));  // duplicate kid
  EXPECT_FALSE(ring.remove("ed-old"));
  EXPECT_THROW(static_cast<void>(public_only->sign("x")), std::logic_error);
}

TEST_F(JwtTest, EmptyExpectationsAreABug) {
  const auto token = jwt_sign(*hs_, claims(), "at+jwt");
  auto e = expect();
  e.audience.clear();
  EXPECT_THROW(static_cast<void>(jwt_verify(token, ring_, e)), std::invalid_argument);
}

TEST(JwtKeys, Hs256SecretLength) {
  EXPECT_FALSE(JwtKey::hs256("k", std::string(31, 'x')));
  EXPECT_TRUE(JwtKey::hs256("k", std::string(32, 'x')));
}

TEST(JwtKeys, RejectsNonEd25519AndBadPem) {
  EXPECT_FALSE(JwtKey::eddsa_pem("k", "not a pem"));
  EXPECT_FALSE(
      JwtKey::eddsa_pem("k", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
  // An EC P-256 key (PKCS#8) is refused.
  const char* ec_pem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2\n"
      "OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r\n"
      "1RTwjmYSi9R/zpBnuQ4EiMnCqfMPWiZqB4QdbAd0E7oH50VpuZ1P087G\n"
      "-----END PRIVATE KEY-----\n";
  auto r = JwtKey::eddsa_pem("k", ec_pem);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("Ed25519"), std::string::npos);
}

TEST(JwtKeys, LoadFromFiles) {
  const test::TempDir dir;
  const std::string secret(40, 's');
  // Raw and base64 secrets.
  auto raw = load_jwt_key("a", JwtAlg::hs256, dir.write("raw", secret));
  ASSERT_TRUE(raw) << raw.error();
  auto b64file =
      load_jwt_key("b", JwtAlg::hs256, dir.write("b64", sdk::base64_encode(secret) + "\n"));
  ASSERT_TRUE(b64file) << b64file.error();
  EXPECT_EQ(raw->sign("x"), b64file->sign("x"));
  // Too short, naming the file but not the secret.
  const auto short_path = dir.write("short", "tooshortsecret");
  auto s = load_jwt_key("c", JwtAlg::hs256, short_path);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(short_path), std::string::npos);
  EXPECT_EQ(s.error().find("tooshortsecret"), std::string::npos);
  // Group-readable secret and private key files are refused; a public key file is fine.
  EXPECT_FALSE(load_jwt_key("d", JwtAlg::hs256, dir.write("gs", secret, 0640)));
  const auto pem = generate_ed25519_private_pem();
  EXPECT_FALSE(load_jwt_key("e", JwtAlg::eddsa, dir.write("gk", pem, 0644)));
  auto priv = load_jwt_key("e", JwtAlg::eddsa, dir.write("k", pem, 0600));
  ASSERT_TRUE(priv) << priv.error();
  EXPECT_TRUE(priv->can_sign());
  auto pub = load_jwt_key("e", JwtAlg::eddsa, dir.write("pub", priv->public_pem(), 0644));
  ASSERT_TRUE(pub) << pub.error();
  EXPECT_FALSE(pub->can_sign());
  EXPECT_TRUE(pub->verify("msg", priv->sign("msg")));
  EXPECT_FALSE(load_jwt_key("f", JwtAlg::eddsa, dir.path() + "/missing"));
}

}  // namespace
}  // namespace payd::security
