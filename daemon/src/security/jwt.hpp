#pragma once
// JSON Web Tokens (RFC 7519, JWS compact serialization RFC 7515), HS256 and EdDSA (Ed25519)
// only, with the checks of RFC 8725 (JWT best current practice):
//
//   * the key is found by `kid`; its pinned algorithm must equal the header's `alg`
//     (alg_mismatch otherwise), and only HS256 and EdDSA exist (unsupported_alg: none, RS256..)
//   * `crit` is refused (we understand no extension); jku/jwk/x5u/x5c are never used
//   * exp, nbf, iat, iss, aud (string or array) and the header's typ are all required
//   * at most kMaxJwtBytes; canonical base64url only (no padding, no stray bits or chars);
//     strict JSON objects without duplicate keys (strict_json.hpp)
//   * the signature is checked before any claim is looked at
// Errors carry a code and a short detail that never quotes the token or a key.

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "security/jwt_keys.hpp"

namespace payd::security {

inline constexpr std::size_t kMaxJwtBytes = std::size_t{8} * 1024;
inline constexpr std::int64_t kMaxJwtLeewaySeconds = 60;

enum class JwtErrorCode {
  malformed,        // not three canonical base64url segments of JSON objects, too large,
                    // duplicate keys
  unsupported_alg,  // alg other than HS256/EdDSA (none, RS256, ...) or not a string
  unknown_kid,      // no kid, or no key with that kid in the ring
  alg_mismatch,     // header alg differs from the key's pinned algorithm
  bad_signature,
  crit_unsupported,  // the header has "crit"
  missing_claim,     // exp, nbf, iat, iss, aud or header typ absent
  invalid_claim,     // a claim of the wrong JSON type
  expired,           // now >= exp + leeway
  not_yet_valid,     // now + leeway < nbf, or iat in the future
  wrong_issuer,
  wrong_audience,
  wrong_type,  // header typ differs from the expected one
};
[[nodiscard]] std::string_view to_string(JwtErrorCode code) noexcept;

struct JwtError {
  JwtErrorCode code = JwtErrorCode::malformed;
  std::string detail;  // safe to log: names a claim or a rule, never token or key content
};

struct JwtExpectations {
  std::string issuer;       // required, compared exactly
  std::string audience;     // required: equal to aud, or one of the aud array
  std::string typ;          // required, e.g. "at+jwt"; compared case-insensitively, an
                            // "application/" prefix on the token's side ignored (RFC 7515 4.1.9)
  std::int64_t now = 0;     // unix seconds
  std::int64_t leeway = 0;  // seconds of clock skew allowed; clamped to [0, 60]
};

struct VerifiedJwt {
  std::string kid;  // the key that verified it (for logs and rotation metrics)
  boost::json::object claims;
};

// header.payload.signature signed with `key`. The header is {"alg", "kid", "typ"} plus
// `header_extras`. Throws std::invalid_argument if the extras try to set alg, kid, typ or crit,
// std::logic_error for a verify-only key.
[[nodiscard]] std::string jwt_sign(const JwtKey& key, const boost::json::object& claims,
                                   std::string_view typ,
                                   const boost::json::object& header_extras = {});

// The same with the ring's current signer; throws std::logic_error if the ring has none.
[[nodiscard]] std::string jwt_sign(const JwtKeyRing& ring, const boost::json::object& claims,
                                   std::string_view typ,
                                   const boost::json::object& header_extras = {});

// The claims of a valid token. Throws std::invalid_argument if an expectation (issuer,
// audience, typ) is empty: that is a configuration bug, not a bad token.
[[nodiscard]] Result<VerifiedJwt, JwtError> jwt_verify(std::string_view token,
                                                       const JwtKeyRing& ring,
                                                       const JwtExpectations& expect);

// Strict base64url without padding (RFC 7515 section 2): fails on '=', '+', '/', whitespace,
// a length of 1 mod 4, or non-zero unused bits.
[[nodiscard]] Result<std::string> base64url_decode_strict(std::string_view text);

}  // namespace payd::security
