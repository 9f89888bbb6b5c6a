#include "api/openapi_route.hpp"

#include <boost/json/serialize.hpp>
#include <memory>

#include "api/yaml_document.hpp"
#include "http/route_table.hpp"
#include "payd/sdk/crypto.hpp"

namespace payd::api {

namespace {

// 128 bits of the digest: plenty to tell documents apart, shorter to send.
constexpr std::size_t kEtagHexDigits = 32;

std::string_view trimmed(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view opaque(std::string_view tag) noexcept {
  return tag.starts_with("W/") ? tag.substr(2) : tag;
}

}  // namespace

Result<OpenApiDocument, std::string> make_openapi_document(std::string_view yaml) {
  auto value = yaml_document_to_json(yaml);
  if (!value) return fail("the built-in docs/openapi.yaml cannot be served: " + value.error());
  if (!value->is_object() || !value->as_object().contains("openapi")) {
    return fail(std::string("the built-in docs/openapi.yaml is not an OpenAPI document"));
  }
  OpenApiDocument doc;
  doc.json = boost::json::serialize(*value);
  doc.etag = "\"" + sdk::sha256_hex(doc.json).substr(0, kEtagHexDigits) + "\"";
  return doc;
}

bool if_none_match_hits(std::string_view if_none_match, std::string_view etag) {
  if (trimmed(if_none_match) == "*") return true;
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    const auto tag = trimmed(if_none_match.substr(0, comma));
    if (!tag.empty() && opaque(tag) == opaque(etag)) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

Result<void, std::string> add_openapi_route(http::RouteTable& routes) {
  auto made = make_openapi_document(embedded_openapi_yaml());
  if (!made) return fail(made.error());
  auto doc = std::make_shared<const OpenApiDocument>(std::move(made).value());
  routes.add(http::Method::get, kOpenApiPath,
             [doc](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
               http::Response res;
               const auto if_none_match = ctx.request.headers.get("If-None-Match");
               if (if_none_match && if_none_match_hits(*if_none_match, doc->etag)) {
                 res.status = 304;
               } else {
                 res = http::Response::text(200, doc->json, "application/json");
               }
               res.headers.set("ETag", doc->etag);
               res.headers.set("Cache-Control", "no-cache");
               co_return res;
             },
             {.is_public = true, .permission = {}});
  return {};
}

}  // namespace payd::api
