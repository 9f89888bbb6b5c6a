#pragma once
// payd's access tokens: JWTs (jwt.hpp) with header typ "at+jwt" (RFC 9068) signed by the
// ring's current signer. Two kinds, told apart by `sub`:
//
//   user token  sub "usr_…"  from POST /api/v1/auth/login; `mode`, and `tenant_id` when
//               the login named a tenant. Permissions come from the user's membership role,
//               looked up on every request.
//   key token   sub "key_…"  from POST /api/v1/auth/token; `tenant_id`, `mode` and `scope`
//               (space-separated permissions, never wider than the key). The key must
//               still exist unrevoked on every request.
//
// Every token has iss, aud, sub, iat, nbf, exp and jti. Verification pins everything
// jwt_verify checks (alg per key, kid as lookup only, typ, iss, aud, exp/nbf/iat with the
// configured leeway of at most 60 s) and then the shape of payd's own claims.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "payd/sdk/types.hpp"
#include "security/auth_settings.hpp"
#include "security/jwt.hpp"

namespace payd::security {

inline constexpr std::string_view kAccessTokenType = "at+jwt";

struct AccessTokenClaims {
  enum class Kind { user, key };
  Kind kind = Kind::user;
  std::string subject;                   // "usr_…" or "key_…"
  std::optional<std::string> tenant_id;  // required for key tokens
  sdk::Mode mode = sdk::Mode::test;
  std::vector<std::string> scopes;  // key tokens
  std::string jti;
  std::int64_t expires_at = 0;  // unix seconds
};

struct IssuedToken {
  std::string token;
  std::int64_t expires_in = 0;  // seconds
  std::string jti;
};

// Throws std::logic_error when the ring has no signer (configuration guarantees one).
[[nodiscard]] IssuedToken issue_access_token(const AuthSettings& settings,
                                             const AccessTokenClaims& claims, std::int64_t now,
                                             std::int64_t ttl_seconds);

// The claims of a valid token, or why not (safe to log: never token content).
[[nodiscard]] Result<AccessTokenClaims, JwtError> verify_access_token(const AuthSettings& settings,
                                                                      std::string_view token,
                                                                      std::int64_t now);

// Unix seconds now.
[[nodiscard]] std::int64_t unix_now() noexcept;

}  // namespace payd::security
