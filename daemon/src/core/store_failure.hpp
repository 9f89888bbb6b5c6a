#pragma once
// How a failed store call looks to a client, for every caller (handlers, middleware and
// services alike). The database being down or saturated is a 503 with Retry-After (the
// request changed nothing and may be retried as is); a connection lost during COMMIT is a
// 503 that says to retry with the same Idempotency-Key; anything else is a 500 whose detail
// stays in payd's log under the request id.

#include <string_view>

#include "http/api_error.hpp"
#include "store/store_error.hpp"

namespace payd::core {

// Logs the failure (request id, kind, detail) and returns the error to send.
[[nodiscard]] http::ApiError store_failure(const store::StoreError& error,
                                           std::string_view request_id);

// The same after the provider was called: the operation exists and the provider may have
// acted, only its outcome could not be recorded. Still a 503 with Retry-After (500 for
// a non-transient failure), telling the client the object is kept and will be reconciled.
[[nodiscard]] http::ApiError store_failure_after_call(const store::StoreError& error,
                                                      std::string_view request_id,
                                                      std::string_view object_path);

}  // namespace payd::core
