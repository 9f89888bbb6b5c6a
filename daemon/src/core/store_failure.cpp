#include "core/store_failure.hpp"

#include "observability/log.hpp"

namespace payd::core {

http::ApiError store_failure(const store::StoreError& error, std::string_view request_id) {
  using Kind = store::StoreError::Kind;
  obs::log_error("store call failed")
      .str("request_id", request_id)
      .str("kind", store::to_string(error.kind))
      .str("detail", error.detail);
  switch (error.kind) {
    case Kind::unavailable:
      return http::ApiError::unavailable(
          "The database is unavailable; nothing was changed. Retry after the indicated delay.", 2);
    case Kind::overloaded:
      return http::ApiError::unavailable(
          "payd is overloaded; nothing was changed. Retry after the indicated delay.", 1);
    case Kind::in_doubt:
      return http::ApiError::unavailable(
          "The database connection was lost while committing; the change may have been "
          "applied. Retry with the same Idempotency-Key to learn the result.",
          2);
    case Kind::conflict:
    case Kind::internal:
      break;
  }
  return http::ApiError::internal();
}

}  // namespace payd::core
