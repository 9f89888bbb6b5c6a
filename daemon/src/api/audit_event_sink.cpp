#include "api/audit_event_sink.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/audit_entry.hpp"
#include "observability/log.hpp"
#include "security/audit_trail.hpp"

namespace payd::api {

namespace asio = boost::asio;

namespace {

core::AuditOutcome outcome_of(std::string_view s) {
  if (s == "success") return core::AuditOutcome::success;
  if (s == "denied") return core::AuditOutcome::denied;
  return core::AuditOutcome::failure;
}

}  // namespace

void AuditEventSink::record(const http::RequestContext& ctx, SecurityEvent event) {
  core::AuditEntry e;
  e.tenant_id = std::move(event.tenant_id);  // empty: the platform chain
  e.actor = event.actor.empty() ? "anonymous" : std::move(event.actor);
  e.action = std::move(event.action);
  e.target = std::move(event.target);
  e.outcome = outcome_of(event.outcome);
  e.request_id = ctx.request_id;
  e.client_ip = ctx.request.remote_address;
  if (auto ua = ctx.request.headers.get("User-Agent")) e.user_agent = std::string(*ua);
  if (!event.detail.empty()) e.details["detail"] = std::move(event.detail);
  asio::co_spawn(
      executor_,
      [trail = &trail_, entry = std::move(e)]() mutable -> asio::awaitable<void> {
        const auto request_id = entry.request_id;
        const auto action = entry.action;
        auto r = co_await trail->record(std::move(entry));
        if (!r) {
          obs::log_warn("could not write a security event to the audit log")
              .str("request_id", request_id)
              .str("action", action)
              .str("detail", r.error().detail);
        }
      },
      asio::detached);
}

}  // namespace payd::api
