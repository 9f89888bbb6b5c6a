#include "security/access_tokens.hpp"

#include <boost/json/array.hpp>
#include <chrono>

#include "core/ids.hpp"
#include "payd/sdk/names.hpp"

namespace payd::security {

namespace json = boost::json;

namespace {

JwtError claim_error(std::string detail) {
  return JwtError{JwtErrorCode::invalid_claim, std::move(detail)};
}

std::optional<std::string_view> string_claim(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->as_string());
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto space = text.find(' ');
    if (space != 0) out.emplace_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return out;
}

}  // namespace

std::int64_t unix_now() noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

IssuedToken issue_access_token(const AuthSettings& settings, const AccessTokenClaims& claims,
                               std::int64_t now, std::int64_t ttl_seconds) {
  IssuedToken out;
  out.jti = core::new_id("jti");
  out.expires_in = ttl_seconds;
  json::object c;
  c["iss"] = settings.config.jwt.issuer;
  c["aud"] = settings.config.jwt.audience;
  c["sub"] = claims.subject;
  c["iat"] = now;
  c["nbf"] = now;
  c["exp"] = now + ttl_seconds;
  c["jti"] = out.jti;
  c["mode"] = sdk::to_string(claims.mode);
  if (claims.tenant_id) c["tenant_id"] = *claims.tenant_id;
  if (claims.kind == AccessTokenClaims::Kind::key) c["scope"] = join_scopes(claims.scopes);
  out.token = jwt_sign(settings.ring, c, kAccessTokenType);
  return out;
}

Result<AccessTokenClaims, JwtError> verify_access_token(const AuthSettings& settings,
                                                        std::string_view token, std::int64_t now) {
  JwtExpectations expect;
  expect.issuer = settings.config.jwt.issuer;
  expect.audience = settings.config.jwt.audience;
  expect.typ = std::string(kAccessTokenType);
  expect.now = now;
  expect.leeway =
      std::chrono::duration_cast<std::chrono::seconds>(settings.config.jwt.leeway).count();
  auto verified = jwt_verify(token, settings.ring, expect);
  if (!verified) return fail(verified.error());
  const auto& c = verified->claims;

  AccessTokenClaims out;
  const auto sub = string_claim(c, "sub");
  if (!sub) return fail(JwtError{JwtErrorCode::missing_claim, "sub"});
  if (core::looks_like_id(*sub, "usr")) {
    out.kind = AccessTokenClaims::Kind::user;
  } else if (core::looks_like_id(*sub, "key")) {
    out.kind = AccessTokenClaims::Kind::key;
  } else {
    return fail(claim_error("sub"));
  }
  out.subject = std::string(*sub);
  const auto mode = string_claim(c, "mode");
  if (!mode) return fail(JwtError{JwtErrorCode::missing_claim, "mode"});
  const auto parsed_mode = sdk::parse_mode(*mode);
  if (!parsed_mode) return fail(claim_error("mode"));
  out.mode = *parsed_mode;
  if (c.contains("tenant_id")) {
    const auto tenant = string_claim(c, "tenant_id");
    if (!tenant || tenant->empty()) return fail(claim_error("tenant_id"));
    out.tenant_id = std::string(*tenant);
  }
  if (const auto jti = string_claim(c, "jti")) out.jti = std::string(*jti);
  if (const auto* exp = c.if_contains("exp"); exp != nullptr && exp->is_int64()) {
    out.expires_at = exp->as_int64();
  }
  if (out.kind == AccessTokenClaims::Kind::key) {
    if (!out.tenant_id) return fail(JwtError{JwtErrorCode::missing_claim, "tenant_id"});
    const auto scope = string_claim(c, "scope");
    if (!scope) return fail(JwtError{JwtErrorCode::missing_claim, "scope"});
    out.scopes = split_scopes(*scope);
  } else if (c.contains("scope")) {
    // User tokens carry no scope: their permissions are the membership's role.
    return fail(claim_error("scope"));
  }
  return out;
}

}  // namespace payd::security
