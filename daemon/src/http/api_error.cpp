#include "http/api_error.hpp"

#include <boost/json/value.hpp>

namespace payd::http {

std::string_view to_string(ErrorType t) noexcept {
  switch (t) {
    case ErrorType::invalid_request: return "invalid_request_error";
    case ErrorType::authentication: return "authentication_error";
    case ErrorType::permission: return "permission_error";
    case ErrorType::rate_limit: return "rate_limit_error";
    case ErrorType::idempotency: return "idempotency_error";
    case ErrorType::api: return "api_error";
  }
  return "api_error";
}

Response ApiError::to_response(std::string_view request_id) const {
  boost::json::object err;
  err["type"] = to_string(type);
  err["code"] = code;
  err["message"] = message;
  err["param"] = param ? boost::json::value(*param) : boost::json::value(nullptr);
  // The front-door spec's 429 body carries the wait in the body too, for clients that
  // cannot read headers.
  if (retry_after && type == ErrorType::rate_limit) err["retry_after"] = *retry_after;
  boost::json::object body;
  body["error"] = std::move(err);
  body["request_id"] = request_id;
  auto response = Response::json(status, body);
  if (retry_after) response.headers.add("Retry-After", std::to_string(*retry_after));
  return response;
}

ApiError ApiError::not_found(std::string message) {
  return {404, ErrorType::invalid_request, "RESOURCE_NOT_FOUND", std::move(message), {}};
}

ApiError ApiError::method_not_allowed() {
  return {405, ErrorType::invalid_request, "METHOD_NOT_ALLOWED",
          "This route does not accept that method; see the Allow header.", {}};
}

ApiError ApiError::bad_request(std::string message, std::optional<std::string> param) {
  return {400, ErrorType::invalid_request, "BAD_REQUEST", std::move(message), std::move(param)};
}

ApiError ApiError::payload_too_large(std::size_t limit) {
  return {413, ErrorType::invalid_request, "PAYLOAD_TOO_LARGE",
          "The request body exceeds the limit of " + std::to_string(limit) + " bytes.", {}};
}

ApiError ApiError::internal() {
  return {500, ErrorType::api, "INTERNAL_ERROR",
          "An internal error occurred; the request id identifies it in payd's logs.", {}};
}

ApiError ApiError::unavailable(std::string message, unsigned seconds) {
  return {503, ErrorType::api, "SERVICE_UNAVAILABLE", std::move(message), {}, seconds};
}

}  // namespace payd::http
