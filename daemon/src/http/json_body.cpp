#include "http/json_body.hpp"

#include <boost/json/error.hpp>
#include <boost/json/parser.hpp>

namespace payd::http {

Result<boost::json::object, ApiError> parse_json_object(std::string_view body, unsigned max_depth) {
  if (body.empty()) {
    return fail(ApiError{400, ErrorType::invalid_request, "INVALID_JSON",
                         "The request body is empty; expected a JSON object.", {}});
  }
  boost::json::parse_options opts;
  opts.max_depth = max_depth;
  boost::json::parser parser({}, opts);
  boost::system::error_code ec;
  // write() rejects trailing data after the value, unlike write_some().
  const std::size_t used = parser.write(body.data(), body.size(), ec);
  if (ec == boost::json::error::too_deep) {
    return fail(ApiError{400, ErrorType::invalid_request, "JSON_TOO_DEEP",
                         "The JSON body nests deeper than " + std::to_string(max_depth) +
                             " levels.",
                         {}});
  }
  if (ec || used != body.size()) {
    return fail(ApiError{400, ErrorType::invalid_request, "INVALID_JSON",
                         "The request body is not valid JSON (near byte " + std::to_string(used) +
                             ").",
                         {}});
  }
  auto value = parser.release();
  if (!value.is_object()) {
    return fail(ApiError{400, ErrorType::invalid_request, "INVALID_JSON",
                         "The request body must be a JSON object.", {}});
  }
  return std::move(value.as_object());
}

Result<boost::json::object, ApiError> parse_json_object(const RequestContext& ctx) {
  const auto ct = ctx.request.headers.get("Content-Type");
  if (ct && ct->substr(0, 16) != "application/json") {
    return fail(ApiError{415, ErrorType::invalid_request, "UNSUPPORTED_MEDIA_TYPE",
                         "Send the body as application/json.", {}});
  }
  return parse_json_object(ctx.request.body, ctx.limits.max_json_depth);
}

}  // namespace payd::http
