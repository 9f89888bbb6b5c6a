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

http::ApiError store_failure_after_call(const store::StoreError& error, std::string_view request_id,
                                        std::string_view object_path) {
  auto e = store_failure(error, request_id);
  if (e.status == 503) {
    e.message =
        "The provider was called but its answer could not be recorded (the database "
        "is unavailable). payd reconciles it with the provider; retrieve it with GET " +
        std::string(object_path) + " once the database is back.";
  }
  return e;
}

}  // namespace payd::core
