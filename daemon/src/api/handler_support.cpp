#include "api/handler_support.hpp"

#include <chrono>

#include "api/request_fields.hpp"
#include "http/json_body.hpp"

namespace payd::api {

core::Caller caller_of(const http::RequestContext& ctx, const security::Principal& who) {
  core::Caller c;
  c.tenant_id = who.tenant_id;
  c.tenant_name = who.tenant_name;
  c.mode = who.mode;
  c.idempotency_key = ctx.idempotency_key;
  c.request_id = ctx.request_id;
  c.actor = who.actor;
  c.client_ip = ctx.request.remote_address;
  if (auto ua = ctx.request.headers.get("User-Agent")) c.user_agent = std::string(*ua);
  return c;
}

std::int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<PageQuery, http::ApiError> read_page(QueryParams& q) {
  auto raw_limit = q.get("limit");
  auto limit = parse_limit(raw_limit ? std::optional<std::string_view>(*raw_limit) : std::nullopt);
  if (!limit) return fail(limit.error());
  auto raw_cursor = q.get("cursor");
  auto cursor =
      parse_cursor(raw_cursor ? std::optional<std::string_view>(*raw_cursor) : std::nullopt);
  if (!cursor) return fail(cursor.error());
  PageQuery page;
  page.limit = static_cast<unsigned>(*limit);
  if (*cursor) page.after = store::ListPosition{(*cursor)->created_at_us, (*cursor)->id};
  return page;
}

Result<void, http::ApiError> read_empty_body(const http::RequestContext& ctx) {
  if (ctx.request.body.empty()) return {};
  auto body = http::parse_json_object(ctx);
  if (!body) return fail(body.error());
  FieldReader r(*body);
  return r.finish();
}

}  // namespace payd::api
