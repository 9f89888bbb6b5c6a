#pragma once
// Everything a request to a non-public route passes before its handler runs, in order:
//
//   1. the client IP's budget of failed authentications (429, before any database lookup)
//   2. authentication: the API key (401; a failure spends from that budget)
//   3. the tenant's rate limit for the route's class (429)
//   4. the permission the route declares (403 INSUFFICIENT_PERMISSIONS naming it)
//   5. the route's MFA action (http::RouteOptions::mfa_action), with an MfaService: a user
//      without a valid step-up gets 401 MFA_CHALLENGE_REQUIRED and a challenge_id, a user
//      without a confirmed factor 403 MFA_ENROLLMENT_REQUIRED; API keys are exempt unless
//      mfa.api_keys_exempt is false (then 403 MFA_ENROLLMENT_REQUIRED: a key cannot answer)
//
// Step 2 accepts payd's JWTs too when the authenticator has them enabled; a JWT that fails
// is 401 INVALID_TOKEN with `WWW-Authenticate: Bearer realm="payd", error="invalid_token"`
// and spends from the IP's failed-authentication budget like a wrong key.
//
// Steps 1 and 3 need a RateLimitGuard (set_rate_limits); without one nothing is limited.
// A denied permission is logged and, with a SecurityEventSink, written to the audit trail.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "http/request_context.hpp"
#include "http/response.hpp"
#include "security/authenticator.hpp"

namespace payd::security {
class KeyUsageRecorder;
class MfaService;
}  // namespace payd::security

namespace payd::api {

class RateLimitGuard;

// A security event with no change of its own to ride along with (permission denied,
// authentication failed): written by the audit trail in its own transaction.
struct SecurityEvent {
  std::string tenant_id;  // empty when no tenant is known (an unknown key)
  std::string actor;      // "api_key:sk_test_…abcd", or "anonymous"
  std::string action;     // "permission.denied", "auth.failed", ...
  std::string target;     // "route:POST /api/v1/refunds"
  std::string outcome;    // "denied" | "failure"
  std::string detail;     // e.g. the missing permission; never a secret
};

class SecurityEventSink {
 public:
  virtual ~SecurityEventSink() = default;
  // Must not block; may write asynchronously.
  virtual void record(const http::RequestContext& ctx, SecurityEvent event) = 0;
};

class AccessGate {
 public:
  explicit AccessGate(security::Authenticator& authenticator) noexcept
      : authenticator_(authenticator) {}

  // Optional collaborators; each must outlive the gate.
  void set_rate_limits(RateLimitGuard* guard) noexcept { rate_limits_ = guard; }
  void set_key_usage(security::KeyUsageRecorder* usage) noexcept { usage_ = usage; }
  void set_security_events(SecurityEventSink* sink) noexcept { events_ = sink; }
  void set_mfa(security::MfaService* mfa) noexcept { mfa_ = mfa; }

  // The caller, or the response that refuses the request.
  [[nodiscard]] boost::asio::awaitable<Result<security::Principal, http::Response>> admit(
      http::RequestContext& ctx);

 private:
  // Step 5: std::nullopt when the request may go on.
  boost::asio::awaitable<std::optional<http::Response>> step_up(http::RequestContext& ctx,
                                                                const security::Principal& who);

  security::Authenticator& authenticator_;
  RateLimitGuard* rate_limits_ = nullptr;
  security::KeyUsageRecorder* usage_ = nullptr;
  SecurityEventSink* events_ = nullptr;
  security::MfaService* mfa_ = nullptr;
};

// 401 authentication_error MFA_CHALLENGE_REQUIRED, with the challenge's id and expiry at the
// top level of the error envelope: {"error": {...}, "request_id", "challenge_id",
// "challenge_expires_at"}.
[[nodiscard]] http::Response mfa_challenge_required(std::string_view challenge_id,
                                                    std::string_view expires_at,
                                                    std::string_view request_id);

// 403 permission_error MFA_ENROLLMENT_REQUIRED.
[[nodiscard]] http::Response mfa_enrollment_required(bool api_key, std::string_view request_id);

// 403 permission_error INSUFFICIENT_PERMISSIONS "Missing <permission> permission".
[[nodiscard]] http::Response insufficient_permissions(std::string_view permission,
                                                      std::string_view request_id);

}  // namespace payd::api
