#pragma once
// The one error shape of the API:
//   {"error": {"type", "code", "message", "param"}, "request_id"}
// `type` groups errors the way Stripe does; `code` is the stable machine code.

#include <optional>
#include <string>
#include <string_view>

#include "http/response.hpp"

namespace payd::http {

enum class ErrorType {
  invalid_request,  // "invalid_request_error": the request is wrong; do not retry as is
  authentication,   // "authentication_error"
  permission,       // "permission_error"
  rate_limit,       // "rate_limit_error"
  idempotency,      // "idempotency_error"
  api,              // "api_error": payd's fault or a dependency's; retry may succeed
};

struct ApiError {
  int status = 400;
  ErrorType type = ErrorType::invalid_request;
  std::string code;     // e.g. RESOURCE_NOT_FOUND
  std::string message;  // human readable; never contains secrets or card data
  std::optional<std::string> param;
  // Seconds, sent as Retry-After (503, 429).
  std::optional<unsigned> retry_after = std::nullopt;

  [[nodiscard]] Response to_response(std::string_view request_id) const;

  static ApiError not_found(std::string message);
  static ApiError method_not_allowed();
  static ApiError bad_request(std::string message, std::optional<std::string> param = {});
  static ApiError payload_too_large(std::size_t limit);
  static ApiError internal();
  // A dependency (the database) is down or overloaded: retry after `seconds`.
  static ApiError unavailable(std::string message, unsigned seconds);
};

[[nodiscard]] std::string_view to_string(ErrorType t) noexcept;

}  // namespace payd::http
