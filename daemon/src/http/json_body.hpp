#pragma once
// Parses a request body as a JSON object with the server's depth limit. Errors are
// ready-made 400s: malformed JSON names the byte offset; depth and type errors say so.

#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "http/api_error.hpp"
#include "http/request_context.hpp"

namespace payd::http {

[[nodiscard]] Result<boost::json::object, ApiError> parse_json_object(const RequestContext& ctx);
[[nodiscard]] Result<boost::json::object, ApiError> parse_json_object(std::string_view body,
                                                                      unsigned max_depth);

}  // namespace payd::http
