#pragma once
// What the audit rows of the users and MFA services record about the request behind an
// event (core/audit_entry.hpp), without the services knowing HTTP.

#include <string>

#include "core/audit_entry.hpp"

namespace payd::security {

struct RequestFacts {
  std::string request_id;
  std::string client_ip;   // as received; the audit store keeps only a prefix
  std::string user_agent;  // as received
};

// An audit entry carrying `facts`.
[[nodiscard]] inline core::AuditEntry audit_entry(const RequestFacts& facts, std::string tenant_id,
                                                  std::string actor, std::string action,
                                                  std::string target, core::AuditOutcome outcome) {
  core::AuditEntry e;
  e.tenant_id = std::move(tenant_id);
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = outcome;
  e.request_id = facts.request_id;
  e.client_ip = facts.client_ip;
  e.user_agent = facts.user_agent;
  return e;
}

}  // namespace payd::security
