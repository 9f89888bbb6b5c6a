#pragma once
// TOTP step-up for users (docs/users.md): enrolment, verification, recovery codes, disabling,
// and the decision the AccessGate asks for on a privileged route.
//
//   * The seed is sealed (secret_box.hpp) under the configured KEK with the AAD
//     "mfa_totp:<user id>"; only the enrolment response ever shows it.
//   * A TOTP code (RFC 6238: SHA-1, 6 digits, 30 s, +-1 step) is accepted once: its time step
//     must be later than the factor's last accepted one, checked and recorded by one
//     conditional UPDATE (store::use_totp_step).
//   * A recovery code works instead of a TOTP code to answer a challenge, once.
//   * A step-up is bound to the user: scope "*" for every configured action, scope
//     "mfa-disable" (granted only by a challenge for disabling MFA) for disabling it.
// Audit rows: auth.mfa.enrolled, auth.mfa.failed, auth.mfa.verified, auth.mfa.disabled, in
// the tenant's chain and in the same transaction as the change.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "security/auth_settings.hpp"
#include "security/authenticator.hpp"
#include "security/request_facts.hpp"
#include "store/store_error.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::security {

struct StepUpDecision {
  enum class Kind {
    allowed,          // no step-up needed, or a valid one exists
    challenge,        // 401 MFA_CHALLENGE_REQUIRED with challenge_id
    enroll_required,  // a user without a confirmed factor
    keys_not_exempt,  // an API key, with mfa.api_keys_exempt: false
  };
  Kind kind = Kind::allowed;
  std::string challenge_id;
  std::string expires_at;  // of the challenge
};

struct MfaError {
  enum class Kind {
    not_a_user,           // an API key called a user's MFA route
    already_enrolled,     // enrol or confirm with a confirmed factor
    not_enrolled,         // verify without any factor
    challenge_not_found,  // unknown, another user's, expired or already satisfied
    invalid_code,         // wrong, reused or malformed code
    locked,               // too many wrong codes in a row: every code refused for a while
    store,
    internal,  // the sealed seed does not open (KEK changed?)
  };
  Kind kind = Kind::internal;
  store::StoreError store_error;
};

struct MfaEnrollment {
  std::string otpauth_uri;
  std::string secret_base32;
  std::vector<std::string> recovery_codes;
};

struct MfaVerification {
  bool enrolled = false;                 // the code confirmed the enrolment
  std::optional<std::string> challenge;  // the challenge it satisfied
  std::string action;                    // the challenge's action
  std::string step_up_expires_at;        // challenge: until when the step-up lasts
  bool recovery_code_used = false;
};

class MfaService {
 public:
  // Both must outlive the service.
  MfaService(store::ConnectionPool& pool, const AuthSettingsHolder& settings) noexcept
      : pool_(pool), settings_(settings) {}

  // The gate's question for a route with an MFA action, after authentication and RBAC.
  boost::asio::awaitable<Result<StepUpDecision, store::StoreError>> check(Principal who,
                                                                          std::string action);

  boost::asio::awaitable<Result<MfaEnrollment, MfaError>> enroll(Principal who, RequestFacts facts);

  // Without challenge_id: the first code of an enrolment (TOTP only). With it: answers that
  // challenge (a TOTP or a recovery code).
  boost::asio::awaitable<Result<MfaVerification, MfaError>> verify(
      Principal who, std::optional<std::string> challenge_id, std::string code, RequestFacts facts);

  // Removes the factor, recovery codes and step-ups (the route demands a fresh step-up).
  boost::asio::awaitable<Result<void, MfaError>> disable(Principal who, RequestFacts facts);

 private:
  store::ConnectionPool& pool_;
  const AuthSettingsHolder& settings_;
};

// The step-up scope an action needs.
[[nodiscard]] std::string step_up_scope(std::string_view action);

}  // namespace payd::security
