#pragma once
// The audit log (docs/audit.md), permission audit:read, the caller's tenant's chain only:
//   GET /api/v1/audit_events             newest first; filters action, actor, target, outcome,
//                                        created_gte, created_lte; limit and cursor
//   GET /api/v1/audit_events/verify      {ok, checked, first_broken, head}; optional
//                                        checkpoint_seq + checkpoint_hash to verify against
//   GET /api/v1/audit_events/checkpoint  {tenant_id, seq, hash, at}: keep it elsewhere
// Each read is itself recorded (audit.read) before it happens.

#include "api/authenticated.hpp"
#include "http/route_table.hpp"

namespace payd::security {
class AuditTrail;
}

namespace payd::api {

void add_audit_routes(http::RouteTable& routes, AccessGate& gate, security::AuditTrail& trail);

}  // namespace payd::api
