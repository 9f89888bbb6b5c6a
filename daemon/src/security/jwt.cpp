#include "security/jwt.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "payd/sdk/crypto.hpp"
#include "security/strict_json.hpp"

namespace payd::security {
namespace {

Unexpected<JwtError> error(JwtErrorCode code, std::string detail) {
  return fail(JwtError{code, std::move(detail)});
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lx = (x >= 'A' && x <= 'Z') ? static_cast<char>(x - 'A' + 'a') : x;
           const auto ly = (y >= 'A' && y <= 'Z') ? static_cast<char>(y - 'A' + 'a') : y;
           return lx == ly;
         });
}

bool typ_matches(std::string_view got, std::string_view expected) noexcept {
  constexpr std::string_view kApp = "application/";
  if (got.size() > kApp.size() && iequals(got.substr(0, kApp.size()), kApp)) {
    got.remove_prefix(kApp.size());
  }
  return iequals(got, expected);
}

// A NumericDate (RFC 7519 section 2): a JSON number of seconds; fractions are floored.
Result<std::int64_t, JwtError> numeric_date(const boost::json::object& claims,
                                            std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr) return error(JwtErrorCode::missing_claim, std::string(name) + " is required");
  // Bounded so that adding the leeway cannot overflow.
  constexpr std::int64_t kLimit = 9'000'000'000'000'000;
  if (v->is_int64() && v->get_int64() > -kLimit && v->get_int64() < kLimit) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() < static_cast<std::uint64_t>(kLimit)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    const double d = v->get_double();
    if (std::isfinite(d) && std::fabs(d) < 9.0e18 / 1000)
      return static_cast<std::int64_t>(std::floor(d));
  }
  return error(JwtErrorCode::invalid_claim, std::string(name) + " is not a NumericDate");
}

std::string signing_input_of(const boost::json::object& header, const boost::json::object& claims) {
  std::string out = sdk::base64url_encode(boost::json::serialize(header));
  out += '.';
  out += sdk::base64url_encode(boost::json::serialize(claims));
  return out;
}

}  // namespace

std::string_view to_string(JwtErrorCode code) noexcept {
  switch (code) {
    case JwtErrorCode::malformed:
      return "malformed";
    case JwtErrorCode::unsupported_alg:
      return "unsupported_alg";
    case JwtErrorCode::unknown_kid:
      return "unknown_kid";
    case JwtErrorCode::alg_mismatch:
      return "alg_mismatch";
    case JwtErrorCode::bad_signature:
      return "bad_signature";
    case JwtErrorCode::crit_unsupported:
      return "crit_unsupported";
    case JwtErrorCode::missing_claim:
      return "missing_claim";
    case JwtErrorCode::invalid_claim:
      return "invalid_claim";
    case JwtErrorCode::expired:
      return "expired";
    case JwtErrorCode::not_yet_valid:
      return "not_yet_valid";
    case JwtErrorCode::wrong_issuer:
      return "wrong_issuer";
    case JwtErrorCode::wrong_audience:
      return "wrong_audience";
    case JwtErrorCode::wrong_type:
      return "wrong_type";
  }
  return "malformed";
}

Result<std::string> base64url_decode_strict(std::string_view text) {
  if (text.size() % 4 == 1) return fail(std::string("base64url: impossible length"));
  std::string b64;
  b64.reserve(text.size() + 3);
  for (const char c : text) {
    // '+', '/' and '=' belong to other encodings; translate only the URL-safe alphabet.
    if (c == '+' || c == '/' || c == '=') return fail(std::string("base64url: invalid character"));
    b64.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  b64.append((4 - text.size() % 4) % 4, '=');
  auto decoded = sdk::base64_decode(b64);  // rejects other characters and non-zero spare bits
  if (!decoded) return fail(std::string("base64url: not canonical"));
  return std::move(*decoded);
}

std::string jwt_sign(const JwtKey& key, const boost::json::object& claims, std::string_view typ,
                     const boost::json::object& header_extras) {
  boost::json::object header;
  header["alg"] = to_string(key.alg());
  header["kid"] = key.kid();
  header["typ"] = typ;
  for (const auto& [name, value] : header_extras) {
    if (name == "alg" || name == "kid" || name == "typ" || name == "crit") {
      throw std::invalid_argument("JWT header extras may not set alg, kid, typ or crit");
    }
    header[name] = value;
  }
  std::string token = signing_input_of(header, claims);
  const std::string sig = key.sign(token);
  token += '.';
  token += sdk::base64url_encode(sig);
  return token;
}

std::string jwt_sign(const JwtKeyRing& ring, const boost::json::object& claims,
                     std::string_view typ, const boost::json::object& header_extras) {
  const JwtKey* key = ring.signer();
  if (key == nullptr) throw std::logic_error("the JWT key ring has no signing key");
  return jwt_sign(*key, claims, typ, header_extras);
}

Result<VerifiedJwt, JwtError> jwt_verify(std::string_view token, const JwtKeyRing& ring,
                                         const JwtExpectations& expect) {
  if (expect.issuer.empty() || expect.audience.empty() || expect.typ.empty()) {
    throw std::invalid_argument("JWT expectations need an issuer, an audience and a typ");
  }
  if (token.size() > kMaxJwtBytes) return error(JwtErrorCode::malformed, "token too large");

  // Exactly three non-empty segments.
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return error(JwtErrorCode::malformed, "not three segments");
  }
  const auto header_b64 = token.substr(0, dot1);
  const auto payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const auto sig_b64 = token.substr(dot2 + 1);
  if (header_b64.empty() || payload_b64.empty() || sig_b64.empty()) {
    return error(JwtErrorCode::malformed, "empty segment");
  }

  auto header_json = base64url_decode_strict(header_b64);
  if (!header_json) return error(JwtErrorCode::malformed, "header: " + header_json.error());
  auto header = parse_strict_json_object(*header_json);
  if (!header) return error(JwtErrorCode::malformed, "header: " + header.error());
  if (header->contains("crit")) {
    return error(JwtErrorCode::crit_unsupported, "header crit is not supported");
  }
  const auto* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) {
    return error(JwtErrorCode::unsupported_alg, "header alg missing or not a string");
  }
  const auto token_alg = parse_jwt_alg(alg->get_string());
  if (!token_alg) return error(JwtErrorCode::unsupported_alg, "header alg is not HS256 or EdDSA");
  const auto* kid = header->if_contains("kid");
  if (kid == nullptr || !kid->is_string()) {
    return error(JwtErrorCode::unknown_kid, "header kid missing or not a string");
  }
  const JwtKey* key = ring.find(kid->get_string());
  if (key == nullptr) return error(JwtErrorCode::unknown_kid, "no key with this kid");
  // The key decides the algorithm; the header may only agree with it.
  if (*token_alg != key->alg()) {
    return error(JwtErrorCode::alg_mismatch, "header alg differs from the key's algorithm");
  }

  auto sig = base64url_decode_strict(sig_b64);
  if (!sig) return error(JwtErrorCode::malformed, "signature: " + sig.error());
  if (!key->verify(token.substr(0, dot2), *sig)) {
    return error(JwtErrorCode::bad_signature, "signature does not verify");
  }

  // Authenticated from here on.
  const auto* typ = header->if_contains("typ");
  if (typ == nullptr) return error(JwtErrorCode::missing_claim, "header typ is required");
  if (!typ->is_string()) return error(JwtErrorCode::invalid_claim, "header typ is not a string");
  if (!typ_matches(typ->get_string(), expect.typ)) {
    return error(JwtErrorCode::wrong_type, "header typ is not the expected type");
  }

  auto payload_json = base64url_decode_strict(payload_b64);
  if (!payload_json) return error(JwtErrorCode::malformed, "payload: " + payload_json.error());
  auto claims = parse_strict_json_object(*payload_json);
  if (!claims) return error(JwtErrorCode::malformed, "payload: " + claims.error());

  const std::int64_t leeway = std::clamp<std::int64_t>(expect.leeway, 0, kMaxJwtLeewaySeconds);
  auto exp = numeric_date(*claims, "exp");
  if (!exp) return fail(std::move(exp).error());
  auto nbf = numeric_date(*claims, "nbf");
  if (!nbf) return fail(std::move(nbf).error());
  auto iat = numeric_date(*claims, "iat");
  if (!iat) return fail(std::move(iat).error());
  if (expect.now >= *exp + leeway) return error(JwtErrorCode::expired, "token expired");
  if (expect.now + leeway < *nbf) return error(JwtErrorCode::not_yet_valid, "nbf is in the future");
  if (expect.now + leeway < *iat) return error(JwtErrorCode::not_yet_valid, "iat is in the future");

  const auto* iss = claims->if_contains("iss");
  if (iss == nullptr) return error(JwtErrorCode::missing_claim, "iss is required");
  if (!iss->is_string()) return error(JwtErrorCode::invalid_claim, "iss is not a string");
  if (iss->get_string() != expect.issuer) {
    return error(JwtErrorCode::wrong_issuer, "iss is not the expected issuer");
  }

  const auto* aud = claims->if_contains("aud");
  if (aud == nullptr) return error(JwtErrorCode::missing_claim, "aud is required");
  bool audience_ok = false;
  if (aud->is_string()) {
    audience_ok = aud->get_string() == expect.audience;
  } else if (aud->is_array()) {
    for (const auto& a : aud->get_array()) {
      if (!a.is_string()) return error(JwtErrorCode::invalid_claim, "aud holds a non-string");
      audience_ok = audience_ok || a.get_string() == expect.audience;
    }
  } else {
    return error(JwtErrorCode::invalid_claim, "aud is not a string or an array");
  }
  if (!audience_ok) return error(JwtErrorCode::wrong_audience, "aud does not name this audience");

  return VerifiedJwt{key->kid(), std::move(*claims)};
}

}  // namespace payd::security
