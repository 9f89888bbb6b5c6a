#pragma once
// What a service asks the audit log to record (store::append_audit adds the chain: seq,
// id, time, prev_hash, hash). See docs/audit.md for the vocabulary.
//
// Never put a secret, a card number, a password, a TOTP code or a full IP address here:
// the row is kept for ever and shown to anyone with audit:read.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace payd::core {

// The chain of security events that belong to no tenant (an unknown API key, a login
// with an unknown e-mail address). Not a tenant id payd ever issues ("ten_..."), and no
// tenant name can start with '_'.
inline constexpr std::string_view kPlatformAuditTenant = "_platform";

enum class AuditOutcome { success, failure, denied };

[[nodiscard]] constexpr std::string_view to_string(AuditOutcome o) noexcept {
  switch (o) {
    case AuditOutcome::success:
      return "success";
    case AuditOutcome::failure:
      return "failure";
    case AuditOutcome::denied:
      return "denied";
  }
  return "failure";
}

struct AuditEntry {
  std::string tenant_id;  // empty: the platform chain
  std::string actor;      // "api_key:sk_live_…abcd", "user:usr_…", "system", "anonymous"
  std::string action;     // "payment.created", "auth.login.failed" ... ([a-z_]+(.[a-z_]+)+)
  std::string target;     // "payment:pay_…", "api_key:key_…", "" when none
  AuditOutcome outcome = AuditOutcome::success;
  std::string request_id;  // the X-Request-Id payd answered with
  std::string client_ip;   // the peer address as received: the store keeps only its prefix
  std::string user_agent;  // as received: the store keeps at most 256 bytes
  // Strings, integers, booleans (and objects or arrays of them); no floating point.
  boost::json::object details;
};

}  // namespace payd::core
