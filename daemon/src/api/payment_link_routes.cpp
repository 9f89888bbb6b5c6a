#include "api/payment_link_routes.hpp"

#include "api/checkout_json.hpp"
#include "api/checkout_requests.hpp"
#include "api/handler_support.hpp"
#include "api/request_fields.hpp"
#include "core/payment_link_service.hpp"
#include "http/json_body.hpp"

namespace payd::api {

namespace asio = boost::asio;
using http::Method;
using http::RequestContext;
using http::Response;
using security::Principal;

namespace {

// A body that may be absent: nothing, or an object whose fields `read` takes.
Result<boost::json::object, http::ApiError> optional_body(const RequestContext& ctx) {
  if (ctx.request.body.empty()) return boost::json::object{};
  return http::parse_json_object(ctx);
}

}  // namespace

void add_payment_link_routes(http::RouteTable& routes, AccessGate& gate,
                             core::PaymentLinkService& links, const PostWrapper& idempotent,
                             RateLimitGuard* public_limits) {
  auto* service = &links;

  routes.add(Method::post, "/api/v1/payment_links",
             authenticated(
                 gate, idempotent([service](RequestContext& ctx,
                                            const Principal& who) -> asio::awaitable<Response> {
                   auto body = http::parse_json_object(ctx);
                   if (!body) co_return error_response(body.error(), ctx);
                   auto request = read_create_payment_link(*body, unix_seconds_now());
                   if (!request) co_return error_response(request.error(), ctx);
                   auto caller = caller_of(ctx, who);
                   auto created = co_await service->create(std::move(caller), std::move(*request));
                   if (!created) co_return error_response(created.error(), ctx);
                   co_return Response::json(201, payment_link_json(*created, unix_seconds_now()));
                 })),
             {.permission = "payment_links:create"});

  routes.add(Method::get, "/api/v1/payment_links/{id}",
             authenticated(
                 gate,
                 [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
                   auto caller = caller_of(ctx, who);
                   std::string id(ctx.params.get("id"));
                   auto found = co_await service->get(std::move(caller), std::move(id));
                   if (!found) co_return error_response(found.error(), ctx);
                   co_return Response::json(200, payment_link_json(*found, unix_seconds_now()));
                 }),
             {.permission = "payment_links:read"});

  routes.add(
      Method::get, "/api/v1/payment_links",
      authenticated(
          gate,
          [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
            auto q = QueryParams::parse(ctx.request.query);
            if (!q) co_return error_response(q.error(), ctx);
            auto paging = read_page(*q);
            if (!paging) co_return error_response(paging.error(), ctx);
            if (auto done = q->finish(); !done) co_return error_response(done.error(), ctx);
            auto caller = caller_of(ctx, who);
            auto page =
                co_await service->list(std::move(caller), std::move(paging->after), paging->limit);
            if (!page) co_return error_response(page.error(), ctx);
            const auto now = unix_seconds_now();
            co_return Response::json(200, list_json(page->items, page->has_more,
                                                    [now](const store::PaymentLinkRecord& link) {
                                                      return payment_link_json(link, now);
                                                    }));
          }),
      {.permission = "payment_links:read"});

  routes.add(
      Method::post, "/api/v1/payment_links/{id}/deactivate",
      authenticated(gate, idempotent([service](RequestContext& ctx,
                                               const Principal& who) -> asio::awaitable<Response> {
                      if (auto empty = read_empty_body(ctx); !empty) {
                        co_return error_response(empty.error(), ctx);
                      }
                      auto caller = caller_of(ctx, who);
                      std::string id(ctx.params.get("id"));
                      auto done = co_await service->deactivate(std::move(caller), std::move(id));
                      if (!done) co_return error_response(done.error(), ctx);
                      co_return Response::json(200, payment_link_json(*done, unix_seconds_now()));
                    })),
      {.permission = "payment_links:update"});

  // ---- public: the customer's side -------------------------------------------------------
  const http::RouteOptions open{.is_public = true, .permission = {}};

  // Per client IP (link_info, link_checkout); see api/rate_limit_guard.hpp.
  routes.add(Method::get, "/api/v1/links/{slug}",
             rate_limited_public(public_limits,
                                 [service](RequestContext& ctx) -> asio::awaitable<Response> {
                                   std::string slug(ctx.params.get("slug"));
                                   auto request_id = ctx.request_id;
                                   auto found = co_await service->find_public(
                                       std::move(slug), std::move(request_id));
                                   if (!found) co_return error_response(found.error(), ctx);
                                   co_return Response::json(
                                       200, public_payment_link_json(*found, unix_seconds_now()));
                                 }),
             open);

  routes.add(Method::post, "/api/v1/links/{slug}/checkout",
             rate_limited_public(public_limits,
                                 [service](RequestContext& ctx) -> asio::awaitable<Response> {
                                   auto body = optional_body(ctx);
                                   if (!body) co_return error_response(body.error(), ctx);
                                   auto types = read_link_checkout(*body);
                                   if (!types) co_return error_response(types.error(), ctx);
                                   std::string slug(ctx.params.get("slug"));
                                   auto request_id = ctx.request_id;
                                   auto created = co_await service->checkout(
                                       std::move(slug), std::move(*types), std::move(request_id));
                                   if (!created) co_return error_response(created.error(), ctx);
                                   co_return Response::json(
                                       201, link_checkout_json(*created, unix_seconds_now()));
                                 }),
             open);
}

}  // namespace payd::api
