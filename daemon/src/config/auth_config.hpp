#pragma once
// The `auth:` section of payd.yaml: users, JWTs and MFA step-up (docs/users.md). Without
// the section payd authenticates API keys only and the /api/v1/auth routes answer 404.
//
//   auth:
//     jwt:
//       issuer: https://payd.example.com
//       audience: payd
//       access_token_ttl: 15m          # default 15m, at most 24h
//       leeway: 30s                    # clock skew allowed on exp/nbf/iat, at most 60s
//       keys:                          # exactly one with sign: true; more = rotation
//         - {kid: k2, alg: EdDSA, file: /etc/payd/jwt-k2.pem, sign: true}
//         - {kid: k1, alg: HS256, file: /etc/payd/jwt-k1.key}
//     mfa:
//       kek_file: /etc/payd/mfa.kek     # or kek_credential: NAME (systemd LoadCredential=)
//       issuer: payd                    # shown by authenticator apps
//       step_up_ttl: 10m
//       challenge_ttl: 5m
//       actions: {create-payment: false, refund: true, api-keys: true, webhooks: true}
//       api_keys_exempt: true
//     login: {max_failures: 10, lockout: 30m}
//
// Key material (JWT keys, the KEK) stays in files: only their paths are configuration, and
// the database never holds the KEK.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace payd::config {

struct JwtKeyConfig {
  std::string kid;
  std::string alg;   // "HS256" | "EdDSA"
  std::string file;  // absolute path
  bool sign = false;

  bool operator==(const JwtKeyConfig&) const = default;
};

struct JwtConfig {
  std::string issuer;
  std::string audience;
  std::chrono::milliseconds access_token_ttl{15LL * 60 * 1000};
  std::chrono::milliseconds leeway{30'000};
  std::vector<JwtKeyConfig> keys;

  bool operator==(const JwtConfig&) const = default;
};

// Which privileged actions need a step-up for users (front-door spec's MFA actions).
struct MfaActions {
  bool create_payment = false;
  bool refund = true;
  bool api_keys = true;
  bool webhooks = true;

  bool operator==(const MfaActions&) const = default;
};

struct MfaConfig {
  std::string kek_file;  // one of kek_file and kek_credential
  std::string kek_credential;
  std::string issuer = "payd";  // the otpauth URI's issuer
  std::chrono::milliseconds step_up_ttl{10LL * 60 * 1000};
  std::chrono::milliseconds challenge_ttl{5LL * 60 * 1000};
  // Wrong codes in a row (per user, across IPs and daemons) before the factor locks.
  unsigned max_failures = 5;
  std::chrono::milliseconds lockout{15LL * 60 * 1000};
  MfaActions actions;
  bool api_keys_exempt = true;

  bool operator==(const MfaConfig&) const = default;
};

struct LoginConfig {
  unsigned max_failures = 10;
  std::chrono::milliseconds lockout{30LL * 60 * 1000};

  bool operator==(const LoginConfig&) const = default;
};

struct AuthConfig {
  JwtConfig jwt;
  MfaConfig mfa;
  LoginConfig login;

  bool operator==(const AuthConfig&) const = default;
};

// The MFA action names routes use (http::RouteOptions::mfa_action). "mfa-disable" is not
// configurable: disabling MFA always needs a step-up of its own.
inline constexpr std::string_view kMfaCreatePayment = "create-payment";
inline constexpr std::string_view kMfaRefund = "refund";
inline constexpr std::string_view kMfaApiKeys = "api-keys";
inline constexpr std::string_view kMfaWebhooks = "webhooks";
inline constexpr std::string_view kMfaDisable = "mfa-disable";

// Whether `action` needs a step-up under `actions` (unknown names do: deny by default).
[[nodiscard]] bool mfa_action_enabled(const MfaActions& actions, std::string_view action) noexcept;

}  // namespace payd::config
