// Test-only CLI over payd_crypto, so that check_peers.py can compare payd with independent
// implementations (otplib, jose). Not installed; never handles production secrets.
//
//   crypto_tool totp-code SECRET_B32 UNIX_TIME
//   crypto_tool totp-verify SECRET_B32 CODE UNIX_TIME       prints the matched step; exit 1 if none
//   crypto_tool otpauth-uri ISSUER ACCOUNT SECRET_B32
//   crypto_tool jwt-sign KEYFILE ALG KID TYP CLAIMS_JSON
//   crypto_tool jwt-verify KEYFILE ALG KID TOKEN ISS AUD TYP NOW
//                                                           prints the claims; exit 1 and the code
//   crypto_tool keygen-ed25519                              PKCS#8 PEM on stdout
//   crypto_tool public-pem KEYFILE                          the Ed25519 public key as SPKI PEM

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "security/base32.hpp"
#include "security/jwt.hpp"
#include "security/totp.hpp"

namespace {

using namespace payd::security;  // NOLINT(google-build-using-namespace)

int usage() {
  std::cerr << "usage: crypto_tool totp-code|totp-verify|otpauth-uri|jwt-sign|jwt-verify|"
               "keygen-ed25519|public-pem ARGS...\n";
  return 2;
}

std::string secret_of(const std::string& b32) {
  auto s = base32_decode(b32);
  if (!s) throw std::runtime_error(s.error());
  return *s;
}

JwtKey key_of(const std::string& path, const std::string& alg, const std::string& kid) {
  auto a = parse_jwt_alg(alg);
  if (!a) throw std::runtime_error(a.error());
  auto key = load_jwt_key(kid, *a, path);
  if (!key) throw std::runtime_error(key.error());
  return *key;
}

int run(const std::vector<std::string>& args) {
  if (args.empty()) return usage();
  const std::string& cmd = args[0];
  if (cmd == "totp-code" && args.size() == 3) {
    std::cout << totp_code(secret_of(args[1]), std::stoll(args[2])) << "\n";
    return 0;
  }
  if (cmd == "totp-verify" && args.size() == 4) {
    const auto step = totp_verify(secret_of(args[1]), args[2], std::stoll(args[3]));
    if (!step) {
      std::cout << "reject\n";
      return 1;
    }
    std::cout << *step << "\n";
    return 0;
  }
  if (cmd == "otpauth-uri" && args.size() == 4) {
    std::cout << otpauth_uri(args[1], args[2], secret_of(args[3])) << "\n";
    return 0;
  }
  if (cmd == "jwt-sign" && args.size() == 6) {
    const JwtKey key = key_of(args[1], args[2], args[3]);
    const auto claims = boost::json::parse(args[5]).as_object();
    std::cout << jwt_sign(key, claims, args[4]) << "\n";
    return 0;
  }
  if (cmd == "jwt-verify" && args.size() == 9) {
    JwtKeyRing ring;
    auto added = ring.add(key_of(args[1], args[2], args[3]));
    if (!added) throw std::runtime_error(added.error());
    const JwtExpectations expect{args[5], args[6], args[7], std::stoll(args[8]), 0};
    auto r = jwt_verify(args[4], ring, expect);
    if (!r) {
      std::cout << to_string(r.error().code) << "\n";
      return 1;
    }
    std::cout << boost::json::serialize(r->claims) << "\n";
    return 0;
  }
  if (cmd == "keygen-ed25519" && args.size() == 1) {
    std::cout << generate_ed25519_private_pem();
    return 0;
  }
  if (cmd == "public-pem" && args.size() == 2) {
    std::cout << key_of(args[1], "EdDSA", "k").public_pem();
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "crypto_tool: " << e.what() << "\n";
    return 2;
  }
}
