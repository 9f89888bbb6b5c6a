#include "api/payments_routes.hpp"

#include <boost/json/array.hpp>
#include <cctype>
#include <charconv>

#include "api/cursor.hpp"
#include "api/handler_support.hpp"
#include "api/payment_fields.hpp"
#include "api/payment_json.hpp"
#include "api/request_fields.hpp"
#include "core/money.hpp"
#include "core/payment_service.hpp"
#include "core/timestamps.hpp"
#include "http/json_body.hpp"
#include "payd/sdk/names.hpp"

namespace payd::api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Method;
using http::RequestContext;
using http::Response;
using security::Principal;

namespace {

constexpr std::size_t kMaxLineItems = 100;

Result<core::CreatePayment, http::ApiError> read_create_payment(const json::object& body) {
  FieldReader r(body);
  core::CreatePayment p;
  auto amount = r.required_int64("amount");
  auto currency = r.required_string("currency", 3);
  auto capture = r.optional_enum("capture_method", {"automatic", "manual"});
  auto types = read_method_types(r);
  auto method = r.optional_string("payment_method", 64);
  auto connector = r.optional_string("connector", 64);
  auto description = r.optional_string("description", kLongText);
  auto reference = r.optional_string("reference", kShortText);
  auto metadata = r.optional_metadata("metadata");
  auto return_url = r.optional_url("return_url");
  auto cancel_url = r.optional_url("cancel_url");
  if (auto customer = r.optional_object("customer")) {
    if (auto email = customer->optional_email("email")) p.customer_email = *email;
    if (auto name = customer->optional_string("name", kShortText)) p.customer_name = *name;
    if (auto country = customer->optional_string("country", 2)) {
      const bool alpha2 = country->size() == 2 &&
                          std::isupper(static_cast<unsigned char>((*country)[0])) &&
                          std::isupper(static_cast<unsigned char>((*country)[1]));
      if (!alpha2) {
        customer->reject({400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
                          "country must be an ISO 3166-1 alpha-2 code in upper case, like DE.",
                          customer->path("country")});
      }
      p.country = *country;
    }
  }
  if (auto items = r.optional_object_list("line_items", kMaxLineItems)) {
    for (auto& item : *items) {
      sdk::LineItem li;
      auto name = item.required_string("name", kShortText);
      auto unit = item.required_int64("unit_amount");
      auto qty = item.optional_int64("quantity");
      auto sku = item.optional_string("sku", 64);
      if (unit && *unit < 0)
        item.reject({400, http::ErrorType::invalid_request, "INVALID_AMOUNT",
                     "unit_amount must not be negative.", item.path("unit_amount")});
      if (qty && *qty < 1)
        item.reject({400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
                     "quantity must be at least 1.", item.path("quantity")});
      if (name) li.name = *name;
      if (unit) li.unit_amount = *unit;
      if (qty) li.quantity = *qty;
      if (sku) li.sku = *sku;
      p.line_items.push_back(std::move(li));
    }
  }
  if (auto done = r.finish(); !done) return fail(done.error());
  auto money = core::validate_money(*amount, *currency, "amount", "currency");
  if (!money) return fail(money.error());
  p.amount = *amount;
  p.currency = money->code;
  if (capture)
    p.capture_method =
        *capture == "manual" ? sdk::CaptureMethod::manual : sdk::CaptureMethod::automatic;
  if (types) p.payment_method_types = std::move(*types);
  if (method) p.payment_method = std::move(*method);
  if (connector) p.connector = std::move(*connector);
  if (description) p.description = std::move(*description);
  if (reference) p.reference = std::move(*reference);
  if (metadata) {
    for (auto& [k, v] : *metadata) p.metadata[k] = v;
  }
  if (return_url) p.return_url = std::move(*return_url);
  if (cancel_url) p.cancel_url = std::move(*cancel_url);
  return p;
}

std::optional<http::ApiError> read_int_filter(QueryParams& q, std::string_view name,
                                              std::optional<std::int64_t>& out) {
  auto v = q.get(name);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || ptr != v->data() + v->size()) {
    return http::ApiError{400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
                          std::string(name) + " must be an integer.", std::string(name)};
  }
  out = n;
  return std::nullopt;
}

std::optional<http::ApiError> read_time_filter(QueryParams& q, std::string_view name,
                                               std::optional<std::int64_t>& out_us) {
  auto v = q.get(name);
  if (!v) return std::nullopt;
  auto seconds = core::parse_rfc3339(*v);
  if (!seconds) {
    return http::ApiError{400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
                          std::string(name) +
                              " must be an RFC 3339 timestamp such as "
                              "2026-11-23T10:00:00Z.",
                          std::string(name)};
  }
  out_us = *seconds * 1'000'000;
  return std::nullopt;
}

}  // namespace

void add_payments_routes(http::RouteTable& routes, AccessGate& gate, core::PaymentService& payments,
                         const PostWrapper& idempotent) {
  auto* service = &payments;

  routes.add(Method::post, "/api/v1/payments",
             authenticated(
                 gate, idempotent([service](RequestContext& ctx,
                                            const Principal& who) -> asio::awaitable<Response> {
                   auto body = http::parse_json_object(ctx);
                   if (!body) co_return error_response(body.error(), ctx);
                   auto request = read_create_payment(*body);
                   if (!request) co_return error_response(request.error(), ctx);
                   auto caller = caller_of(ctx, who);
                   auto created = co_await service->create(std::move(caller), std::move(*request));
                   if (!created) co_return error_response(created.error(), ctx);
                   co_return Response::json(201, payment_json(created->payment, created->attempts));
                 })),
             {.permission = "payments:create", .mfa_action = "create-payment"});

  routes.add(Method::get, "/api/v1/payments/{id}",
             authenticated(
                 gate,
                 [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
                   auto caller = caller_of(ctx, who);
                   std::string id(ctx.params.get("id"));
                   auto found = co_await service->get(std::move(caller), std::move(id));
                   if (!found) co_return error_response(found.error(), ctx);
                   co_return Response::json(200, payment_json(found->payment, found->attempts));
                 }),
             {.permission = "payments:read"});

  routes.add(
      Method::get, "/api/v1/payments",
      authenticated(
          gate,
          [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
            auto q = QueryParams::parse(ctx.request.query);
            if (!q) co_return error_response(q.error(), ctx);
            auto paging = read_page(*q);
            if (!paging) co_return error_response(paging.error(), ctx);
            store::PaymentFilter filter;
            if (auto s = q->get("status")) {
              filter.status = sdk::parse_payment_status(*s);
              if (!filter.status) {
                co_return error_response(
                    {400, http::ErrorType::invalid_request, "PARAMETER_INVALID",
                     "status must be one of requires_action, processing, "
                     "requires_capture, succeeded, canceled, failed, expired.",
                     std::string("status")},
                    ctx);
              }
            }
            if (auto c = q->get("connector")) filter.connector_id = *c;
            if (auto c = q->get("currency")) {
              auto cur = core::find_currency(*c);
              if (!cur) {
                co_return error_response(
                    {400, http::ErrorType::invalid_request, "INVALID_CURRENCY",
                     "currency is not an ISO 4217 code payd knows.", std::string("currency")},
                    ctx);
              }
              filter.currency = cur->code;
            }
            if (auto r = q->get("reference")) filter.reference = *r;
            if (auto e = read_time_filter(*q, "created_gte", filter.created_gte_us))
              co_return error_response(*e, ctx);
            if (auto e = read_time_filter(*q, "created_lte", filter.created_lte_us))
              co_return error_response(*e, ctx);
            if (auto e = read_int_filter(*q, "amount_gte", filter.amount_gte))
              co_return error_response(*e, ctx);
            if (auto e = read_int_filter(*q, "amount_lte", filter.amount_lte))
              co_return error_response(*e, ctx);
            if (auto done = q->finish(); !done) co_return error_response(done.error(), ctx);
            auto caller = caller_of(ctx, who);
            auto page = co_await service->list(std::move(caller), std::move(filter),
                                               std::move(paging->after), paging->limit);
            if (!page) co_return error_response(page.error(), ctx);
            co_return Response::json(
                200, list_json(page->items, page->has_more,
                               [](const store::PaymentRecord& p) { return payment_json(p); }));
          }),
      {.permission = "payments:read"});

  routes.add(Method::post, "/api/v1/payments/{id}/capture",
             authenticated(
                 gate, idempotent([service](RequestContext& ctx,
                                            const Principal& who) -> asio::awaitable<Response> {
                   std::optional<std::int64_t> amount;
                   if (!ctx.request.body.empty()) {
                     auto body = http::parse_json_object(ctx);
                     if (!body) co_return error_response(body.error(), ctx);
                     FieldReader r(*body);
                     amount = r.optional_int64("amount");
                     if (auto done = r.finish(); !done) co_return error_response(done.error(), ctx);
                   }
                   auto caller = caller_of(ctx, who);
                   std::string id(ctx.params.get("id"));
                   auto done = co_await service->capture(std::move(caller), std::move(id), amount);
                   if (!done) co_return error_response(done.error(), ctx);
                   co_return Response::json(200, payment_json(done->payment, done->attempts));
                 })),
             {.permission = "payments:capture"});

  routes.add(
      Method::post, "/api/v1/payments/{id}/cancel",
      authenticated(gate, idempotent([service](RequestContext& ctx,
                                               const Principal& who) -> asio::awaitable<Response> {
                      if (auto empty = read_empty_body(ctx); !empty) {
                        co_return error_response(empty.error(), ctx);
                      }
                      auto caller = caller_of(ctx, who);
                      std::string id(ctx.params.get("id"));
                      auto done = co_await service->cancel(std::move(caller), std::move(id));
                      if (!done) co_return error_response(done.error(), ctx);
                      co_return Response::json(200, payment_json(done->payment, done->attempts));
                    })),
      {.permission = "payments:cancel"});

  routes.add(
      Method::post, "/api/v1/refunds",
      authenticated(
          gate, idempotent([service](RequestContext& ctx,
                                     const Principal& who) -> asio::awaitable<Response> {
            auto body = http::parse_json_object(ctx);
            if (!body) co_return error_response(body.error(), ctx);
            FieldReader r(*body);
            core::CreateRefund request;
            auto payment_id = r.required_string("payment_id", 64);
            auto amount = r.optional_int64("amount");
            auto reason = r.optional_enum(
                "reason", {"requested_by_customer", "duplicate", "fraudulent", "other"});
            auto metadata = r.optional_metadata("metadata");
            if (auto done = r.finish(); !done) co_return error_response(done.error(), ctx);
            if (amount && *amount <= 0) {
              co_return error_response(
                  {400, http::ErrorType::invalid_request, "INVALID_AMOUNT",
                   "amount must be a positive integer in minor units.", std::string("amount")},
                  ctx);
            }
            request.payment_id = std::move(*payment_id);
            request.amount = amount;
            if (reason) request.reason = std::move(*reason);
            if (metadata) {
              for (auto& [k, v] : *metadata) request.metadata[k] = v;
            }
            auto caller = caller_of(ctx, who);
            auto created = co_await service->refund(std::move(caller), std::move(request));
            if (!created) co_return error_response(created.error(), ctx);
            co_return Response::json(201, refund_json(*created));
          })),
      {.permission = "refunds:create", .mfa_action = "refund"});

  routes.add(Method::get, "/api/v1/refunds/{id}",
             authenticated(
                 gate,
                 [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
                   auto caller = caller_of(ctx, who);
                   std::string id(ctx.params.get("id"));
                   auto found = co_await service->get_refund(std::move(caller), std::move(id));
                   if (!found) co_return error_response(found.error(), ctx);
                   co_return Response::json(200, refund_json(*found));
                 }),
             {.permission = "refunds:read"});

  routes.add(Method::get, "/api/v1/refunds",
             authenticated(
                 gate,
                 [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
                   auto q = QueryParams::parse(ctx.request.query);
                   if (!q) co_return error_response(q.error(), ctx);
                   auto paging = read_page(*q);
                   if (!paging) co_return error_response(paging.error(), ctx);
                   std::string payment_id;
                   if (auto p = q->get("payment_id")) payment_id = *p;
                   if (auto done = q->finish(); !done) co_return error_response(done.error(), ctx);
                   auto caller = caller_of(ctx, who);
                   auto page =
                       co_await service->list_refunds(std::move(caller), std::move(payment_id),
                                                      std::move(paging->after), paging->limit);
                   if (!page) co_return error_response(page.error(), ctx);
                   co_return Response::json(
                       200, list_json(page->items, page->has_more,
                                      [](const store::RefundRecord& r) { return refund_json(r); }));
                 }),
             {.permission = "refunds:read"});
}

}  // namespace payd::api
