#pragma once
// How a store call can fail, as a value: callers map each kind to an HTTP answer
// (unavailable/overloaded -> 503 with Retry-After, conflict -> 409 ...).

#include <string>
#include <string_view>

namespace payd::store {

struct StoreError {
  enum class Kind {
    unavailable,  // no connection to PostgreSQL (down, restarting, unreachable)
    overloaded,   // too many queued calls: shed rather than queue without bound
    in_doubt,     // the connection broke during COMMIT: the change may or may not be in
    conflict,     // a unique or check constraint refused the change
    internal,     // any other database error (a bug, a schema mismatch)
  };
  Kind kind = Kind::internal;
  // For operators: SQLSTATE and the first line of the server's message, never values.
  std::string detail;
  std::string constraint;  // conflict: the constraint's name when PostgreSQL reports it

  [[nodiscard]] bool retryable() const noexcept {
    return kind == Kind::unavailable || kind == Kind::overloaded;
  }
};

[[nodiscard]] std::string_view to_string(StoreError::Kind kind) noexcept;

}  // namespace payd::store
