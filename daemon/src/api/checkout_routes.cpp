#include "api/checkout_routes.hpp"

#include "api/checkout_json.hpp"
#include "api/checkout_requests.hpp"
#include "api/handler_support.hpp"
#include "core/checkout_service.hpp"
#include "http/json_body.hpp"

namespace payd::api {

namespace asio = boost::asio;
using http::Method;
using http::RequestContext;
using http::Response;
using security::Principal;

void add_checkout_routes(http::RouteTable& routes, AccessGate& gate,
                         core::CheckoutService& checkout, const PostWrapper& idempotent) {
  auto* service = &checkout;

  routes.add(Method::post, "/api/v1/checkout/sessions",
             authenticated(
                 gate, idempotent([service](RequestContext& ctx,
                                            const Principal& who) -> asio::awaitable<Response> {
                   auto body = http::parse_json_object(ctx);
                   if (!body) co_return error_response(body.error(), ctx);
                   auto request = read_create_checkout_session(*body);
                   if (!request) co_return error_response(request.error(), ctx);
                   auto caller = caller_of(ctx, who);
                   auto created = co_await service->create(std::move(caller), std::move(*request));
                   if (!created) co_return error_response(created.error(), ctx);
                   co_return Response::json(201,
                                            checkout_session_json(*created, unix_seconds_now()));
                 })),
             {.permission = "checkout:create"});

  routes.add(Method::get, "/api/v1/checkout/sessions/{id}",
             authenticated(
                 gate,
                 [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
                   auto caller = caller_of(ctx, who);
                   std::string id(ctx.params.get("id"));
                   auto found = co_await service->get(std::move(caller), std::move(id));
                   if (!found) co_return error_response(found.error(), ctx);
                   co_return Response::json(200, checkout_session_json(*found, unix_seconds_now()));
                 }),
             {.permission = "checkout:read"});
}

}  // namespace payd::api
