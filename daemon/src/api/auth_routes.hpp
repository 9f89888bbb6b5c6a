#pragma once
// Users, access tokens and MFA over HTTP (docs/users.md):
//
//   POST /api/v1/auth/login        public, per-IP limited: e-mail + password -> user JWT
//   POST /api/v1/auth/token        an API key -> a JWT narrowed to the requested scopes
//   POST /api/v1/auth/mfa/enroll   a user -> TOTP seed, otpauth URI, recovery codes
//   POST /api/v1/auth/mfa/verify   confirm the enrolment, or answer a step-up challenge
//   POST /api/v1/auth/mfa/disable  itself privileged: needs a fresh step-up (mfa-disable)
//
// The authenticated routes need `account:self` (every role holds it; a restricted key only
// when its scopes name it). Without an `auth:` section (services null) the routes exist
// but answer 404, so the route table and the API document do not depend on configuration.
// None of them takes part in Idempotency-Key handling: their answers hold secrets that must
// not be stored for replay.

#include "api/access_gate.hpp"
#include "http/route_table.hpp"

namespace payd::security {
class AuditTrail;
class AuthSettingsHolder;
class LoginService;
class MfaService;
}  // namespace payd::security

namespace payd::api {

class RateLimitGuard;

struct AuthServices {
  security::LoginService* login = nullptr;  // all null or all set
  security::MfaService* mfa = nullptr;
  const security::AuthSettingsHolder* settings = nullptr;
  security::AuditTrail* audit = nullptr;
  RateLimitGuard* rate_limits = nullptr;  // may be null (no limits)
};

// Everything passed must outlive the routes.
void add_auth_routes(http::RouteTable& routes, AccessGate& gate, AuthServices services);

}  // namespace payd::api
