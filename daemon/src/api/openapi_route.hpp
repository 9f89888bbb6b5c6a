#pragma once
// GET /api/v1/openapi.json: docs/openapi.yaml, embedded in the binary when it is built
// (cmake/EmbedText.cmake), converted to JSON once at start-up and served as is. Public, and
// registered with the operational routes, so it is there without a database too.
//
// The answer carries a strong ETag (a digest of the JSON) and `Cache-Control: no-cache`: a
// client or cache keeps the document and revalidates it with If-None-Match, which answers an
// empty 304 until a payd with another document serves it.

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace payd::http {
class RouteTable;
}

namespace payd::api {

inline constexpr std::string_view kOpenApiPath = "/api/v1/openapi.json";

// docs/openapi.yaml as this binary was built with it (defined in a generated source).
[[nodiscard]] std::string_view embedded_openapi_yaml() noexcept;

struct OpenApiDocument {
  std::string json;  // the body served
  std::string etag;  // quoted, e.g. "\"3f2a...\""
};

// The error says why the YAML cannot be served (a build of a broken docs/openapi.yaml).
[[nodiscard]] Result<OpenApiDocument, std::string> make_openapi_document(std::string_view yaml);

// Whether an If-None-Match value (a list of entity tags, or *) names `etag`, using the weak
// comparison RFC 9110 prescribes for If-None-Match.
[[nodiscard]] bool if_none_match_hits(std::string_view if_none_match, std::string_view etag);

// Adds the route serving the embedded document; fails as make_openapi_document does.
[[nodiscard]] Result<void, std::string> add_openapi_route(http::RouteTable& routes);

}  // namespace payd::api
