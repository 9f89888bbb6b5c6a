#include "api/audit_routes.hpp"

#include <boost/json/object.hpp>
#include <charconv>

#include "api/cursor.hpp"
#include "api/handler_support.hpp"
#include "core/audit_entry.hpp"
#include "core/store_failure.hpp"
#include "core/timestamps.hpp"
#include "security/audit_trail.hpp"

namespace payd::api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Method;
using http::RequestContext;
using http::Response;
using security::Principal;

namespace {

constexpr std::size_t kMaxFilterChars = 200;

http::ApiError invalid(std::string name, std::string message) {
  return http::ApiError{400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
                        std::move(message), std::move(name)};
}

// The audit.read row a read writes before it runs.
core::AuditEntry read_event(const RequestContext& ctx, const Principal& who, std::string view) {
  const auto caller = caller_of(ctx, who);
  core::AuditEntry e;
  e.tenant_id = caller.tenant_id;
  e.actor = caller.actor;
  e.action = "audit.read";
  e.target = "audit_log:" + caller.tenant_id;
  e.request_id = caller.request_id;
  e.client_ip = caller.client_ip;
  e.user_agent = caller.user_agent;
  e.details["view"] = std::move(view);
  return e;
}

// Microseconds, as stored and hashed: "2026-11-23T10:00:00.123456Z".
std::string format_utc_micros(std::int64_t unix_us) {
  auto text = core::format_utc_seconds(unix_us);  // "...:00Z"
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%06lld",
                static_cast<long long>(((unix_us % 1'000'000) + 1'000'000) % 1'000'000));
  text.insert(text.size() - 1, frac);
  return text;
}

json::object event_json(const security::AuditRow& r) {
  return json::object{{"object", "audit_event"},
                      {"id", r.id},
                      {"seq", r.seq},
                      {"occurred_at", format_utc_micros(r.occurred_at_us)},
                      {"actor", r.actor},
                      {"action", r.action},
                      {"target", r.target},
                      {"outcome", r.outcome},
                      {"request_id", r.request_id},
                      {"client_ip", r.client_ip},
                      {"user_agent", r.user_agent},
                      {"details", r.details},
                      {"prev_hash", security::to_hex(r.prev_hash)},
                      {"hash", security::to_hex(r.hash)}};
}

json::object link_json(const security::ChainLink& l) {
  return json::object{{"seq", l.seq}, {"hash", security::to_hex(l.hash)}};
}

std::optional<http::ApiError> read_text(QueryParams& q, std::string_view name, std::string& out) {
  auto v = q.get(name);
  if (!v) return std::nullopt;
  if (v->empty() || v->size() > kMaxFilterChars) {
    return invalid(std::string(name), std::string(name) + " must be 1 to 200 characters.");
  }
  out = std::string(*v);
  return std::nullopt;
}

std::optional<http::ApiError> read_time(QueryParams& q, std::string_view name,
                                        std::optional<std::int64_t>& out_us) {
  auto v = q.get(name);
  if (!v) return std::nullopt;
  auto seconds = core::parse_rfc3339(*v);
  if (!seconds) {
    return invalid(std::string(name), std::string(name) +
                                          " must be an RFC 3339 timestamp such as "
                                          "2026-11-23T10:00:00Z.");
  }
  out_us = *seconds * 1'000'000;
  return std::nullopt;
}

// checkpoint_seq and checkpoint_hash, both or neither.
Result<std::optional<security::ChainLink>, http::ApiError> read_checkpoint(QueryParams& q) {
  auto seq = q.get("checkpoint_seq");
  auto hash = q.get("checkpoint_hash");
  if (!seq && !hash) return std::optional<security::ChainLink>();
  if (!seq || !hash) {
    return fail(invalid(seq ? "checkpoint_hash" : "checkpoint_seq",
                        "checkpoint_seq and checkpoint_hash go together."));
  }
  security::ChainLink link;
  auto [ptr, ec] = std::from_chars(seq->data(), seq->data() + seq->size(), link.seq);
  if (ec != std::errc() || ptr != seq->data() + seq->size() || link.seq < 0) {
    return fail(invalid("checkpoint_seq", "checkpoint_seq must be a sequence number."));
  }
  auto raw = security::from_hex(*hash);
  if (!raw || raw->size() != security::kAuditHashSize) {
    return fail(invalid("checkpoint_hash", "checkpoint_hash must be 64 hex digits."));
  }
  link.hash = std::move(*raw);
  return std::optional<security::ChainLink>(std::move(link));
}

Response unavailable(const store::StoreError& e, const RequestContext& ctx) {
  return error_response(core::store_failure(e, ctx.request_id), ctx);
}

}  // namespace

void add_audit_routes(http::RouteTable& routes, AccessGate& gate, security::AuditTrail& trail) {
  auto* audit = &trail;

  routes.add(
      Method::get, "/api/v1/audit_events",
      authenticated(
          gate,
          [audit](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
            auto q = QueryParams::parse(ctx.request.query);
            if (!q) co_return error_response(q.error(), ctx);
            auto paging = read_page(*q);
            if (!paging) co_return error_response(paging.error(), ctx);
            store::AuditFilter filter;
            for (auto [name, field] :
                 {std::pair{"action", &filter.action}, std::pair{"actor", &filter.actor},
                  std::pair{"target", &filter.target}}) {
              if (auto e = read_text(*q, name, *field)) co_return error_response(*e, ctx);
            }
            if (auto o = q->get("outcome")) {
              if (*o != "success" && *o != "failure" && *o != "denied") {
                co_return error_response(
                    invalid("outcome", "outcome must be one of success, failure, denied."), ctx);
              }
              filter.outcome = std::string(*o);
            }
            if (auto e = read_time(*q, "created_gte", filter.created_gte_us))
              co_return error_response(*e, ctx);
            if (auto e = read_time(*q, "created_lte", filter.created_lte_us))
              co_return error_response(*e, ctx);
            if (auto done = q->finish(); !done) co_return error_response(done.error(), ctx);
            // The cursor's position is the last row's seq (the list is in seq order).
            std::optional<std::int64_t> before;
            if (paging->after) before = paging->after->created_at_us;
            auto page = co_await audit->list(read_event(ctx, who, "events"), who.tenant_id,
                                             std::move(filter), before, paging->limit);
            if (!page) co_return unavailable(page.error(), ctx);
            json::array data;
            for (const auto& row : page->items) data.emplace_back(event_json(row));
            json::object o{
                {"object", "list"}, {"data", std::move(data)}, {"has_more", page->has_more}};
            o["next_cursor"] =
                page->has_more && !page->items.empty()
                    ? json::value(encode_cursor(page->items.back().seq, page->items.back().id))
                    : json::value(nullptr);
            co_return Response::json(200, o);
          }),
      {.permission = "audit:read"});

  routes.add(Method::get, "/api/v1/audit_events/verify",
             authenticated(
                 gate,
                 [audit](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
                   auto q = QueryParams::parse(ctx.request.query);
                   if (!q) co_return error_response(q.error(), ctx);
                   auto checkpoint = read_checkpoint(*q);
                   if (!checkpoint) co_return error_response(checkpoint.error(), ctx);
                   if (auto done = q->finish(); !done) co_return error_response(done.error(), ctx);
                   auto verdict = co_await audit->verify(read_event(ctx, who, "verify"),
                                                         who.tenant_id, std::move(*checkpoint));
                   if (!verdict) co_return unavailable(verdict.error(), ctx);
                   json::object o{{"object", "audit_verification"},
                                  {"ok", verdict->ok},
                                  {"checked", verdict->checked},
                                  {"head", link_json(verdict->head)}};
                   o["first_broken"] =
                       verdict->first_broken
                           ? json::value(json::object{{"seq", verdict->first_broken->seq},
                                                      {"reason", verdict->first_broken->reason}})
                           : json::value(nullptr);
                   co_return Response::json(200, o);
                 }),
             {.permission = "audit:read"});

  routes.add(
      Method::get, "/api/v1/audit_events/checkpoint",
      authenticated(
          gate,
          [audit](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
            auto q = QueryParams::parse(ctx.request.query);
            if (!q) co_return error_response(q.error(), ctx);
            if (auto done = q->finish(); !done) co_return error_response(done.error(), ctx);
            auto cp = co_await audit->checkpoint(read_event(ctx, who, "checkpoint"), who.tenant_id);
            if (!cp) co_return unavailable(cp.error(), ctx);
            co_return Response::json(200, json::object{{"object", "audit_checkpoint"},
                                                       {"tenant_id", cp->tenant_id},
                                                       {"seq", cp->head.seq},
                                                       {"hash", security::to_hex(cp->head.hash)},
                                                       {"at", format_utc_micros(cp->at_us)}});
          }),
      {.permission = "audit:read"});
}

}  // namespace payd::api
