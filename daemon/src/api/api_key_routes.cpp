#include "api/api_key_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handler_support.hpp"
#include "api/request_fields.hpp"
#include "http/json_body.hpp"
#include "payd/sdk/names.hpp"
#include "security/api_key_service.hpp"

namespace payd::api {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Method;
using http::RequestContext;
using http::Response;
using security::Principal;

namespace {

constexpr std::size_t kMaxKeyNameChars = 100;

json::value optional_text(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object api_key_json(const store::ApiKeyRecord& k) {
  const auto kind = security::parse_key_kind(k.kind).value_or(security::KeyKind::secret);
  const auto mode = sdk::parse_mode(k.mode).value_or(sdk::Mode::test);
  auto prefix = security::key_prefix(kind, mode);
  prefix.remove_suffix(1);  // "sk_live", as the front-door API shows it
  json::array permissions;
  for (const auto& p : security::key_permissions(kind, k.role, k.scopes).names()) {
    permissions.emplace_back(p);
  }
  return json::object{
      {"id", k.id},
      {"object", "api_key"},
      {"name", k.name},
      {"type", k.kind},
      {"livemode", mode == sdk::Mode::live},
      {"prefix", prefix},
      {"display", security::display_key(kind, mode, k.last4)},
      {"role", optional_text(k.role)},
      {"scopes",
       kind == security::KeyKind::restricted ? json::value(permissions) : json::value(nullptr)},
      {"permissions", permissions},
      {"created_at", k.created_at},
      {"last_used_at", optional_text(k.last_used_at)},
      {"revoked_at", optional_text(k.revoked_at)},
  };
}

Result<security::NewKeyRequest, http::ApiError> read_new_key(const json::object& body) {
  FieldReader r(body);
  auto name = r.required_string("name", kMaxKeyNameChars);
  std::vector<std::string_view> role_names;
  for (auto role : security::all_roles()) role_names.push_back(security::to_string(role));
  auto role = r.optional_string("role", 32);
  auto scopes = r.optional_string_list("scopes", security::kPermissionCount, 64);
  if (auto done = r.finish(); !done) return fail(done.error());

  security::NewKeyRequest out;
  out.name = std::move(*name);
  if (role && scopes) {
    return fail(http::ApiError::bad_request(
        "Send either role (a secret key) or scopes (a restricted key), not both.", "scopes"));
  }
  if (role) {
    out.role = security::parse_role(*role);
    if (!out.role) {
      std::string allowed;
      for (auto n : role_names) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
      return fail(http::ApiError::bad_request("role must be one of " + allowed + ".", "role"));
    }
  }
  if (scopes) {
    if (scopes->empty()) {
      return fail(http::ApiError::bad_request(
          "scopes must name at least one permission, e.g. payments:read.", "scopes"));
    }
    out.scopes.emplace();
    for (std::size_t i = 0; i < scopes->size(); ++i) {
      auto p = security::parse_permission((*scopes)[i]);
      if (!p) {
        return fail(http::ApiError::bad_request("'" + (*scopes)[i] + "' is not a permission.",
                                                "scopes[" + std::to_string(i) + "]"));
      }
      out.scopes->push_back(*p);
    }
  }
  return out;
}

}  // namespace

void add_api_key_routes(http::RouteTable& routes, AccessGate& gate, security::ApiKeyService& keys,
                        const PostWrapper& idempotent) {
  auto* service = &keys;

  routes.add(
      Method::post, "/api/v1/api_keys",
      authenticated(gate, idempotent([service](RequestContext& ctx,
                                               const Principal& who) -> asio::awaitable<Response> {
                      auto body = http::parse_json_object(ctx);
                      if (!body) co_return error_response(body.error(), ctx);
                      auto request = read_new_key(*body);
                      if (!request) co_return error_response(request.error(), ctx);
                      auto created = co_await service->create(caller_of(ctx, who), who.permissions,
                                                              std::move(*request));
                      if (!created) co_return error_response(created.error(), ctx);
                      auto shown = api_key_json(created->record);
                      auto replayed = shown;
                      shown["secret"] = created->secret;
                      replayed["secret"] = nullptr;
                      auto response = Response::json(201, shown);
                      response.replay_body = json::serialize(replayed);
                      co_return response;
                    })),
      {.permission = "api_keys.manage", .mfa_action = "api-keys"});

  routes.add(Method::get, "/api/v1/api_keys",
             authenticated(
                 gate,
                 [service](RequestContext& ctx, const Principal& who) -> asio::awaitable<Response> {
                   auto found = co_await service->list(caller_of(ctx, who));
                   if (!found) co_return error_response(found.error(), ctx);
                   json::array data;
                   for (const auto& k : *found) data.emplace_back(api_key_json(k));
                   co_return Response::json(200, json::object{{"object", "list"},
                                                              {"data", std::move(data)},
                                                              {"has_more", false},
                                                              {"next_cursor", nullptr}});
                 }),
             {.permission = "api_keys.manage"});

  routes.add(
      Method::post, "/api/v1/api_keys/{id}/revoke",
      authenticated(gate, idempotent([service](RequestContext& ctx,
                                               const Principal& who) -> asio::awaitable<Response> {
                      if (auto empty = read_empty_body(ctx); !empty) {
                        co_return error_response(empty.error(), ctx);
                      }
                      auto revoked = co_await service->revoke(caller_of(ctx, who),
                                                              std::string(ctx.params.get("id")));
                      if (!revoked) co_return error_response(revoked.error(), ctx);
                      co_return Response::json(200, api_key_json(*revoked));
                    })),
      {.permission = "api_keys.manage", .mfa_action = "api-keys"});
}

}  // namespace payd::api
