#pragma once
// The query side of list endpoints (GET /api/v1/payments?limit=20&cursor=...): the opaque
// cursor, the limit, and a strict query-string reader.
//
// A cursor names the last item of the page a client has seen, by its position in the
// list's (created_at, id) order. It is base64url of a versioned binary form: opaque to
// clients (they must pass next_cursor back unchanged) and strictly validated, but not
// signed. It needs no signature: a tampered cursor only moves where a list the caller may
// read anyway starts, because every list query filters by the caller's tenant.
//
// Errors are 400 invalid_request ApiErrors: PARAMETER_INVALID (param "cursor", "limit" or
// the offending query key) and PARAMETER_UNKNOWN (QueryParams::finish).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "http/api_error.hpp"

namespace payd::api {

inline constexpr int kDefaultListLimit = 20;
inline constexpr int kMaxListLimit = 100;
// Longest id a cursor carries: payd ids are far shorter ("pay_" + 24).
inline constexpr std::size_t kMaxCursorIdChars = 64;

struct Cursor {
  std::int64_t created_at_us = 0;  // unix microseconds, >= 0
  std::string id;                  // 1..kMaxCursorIdChars of [A-Za-z0-9_]

  friend bool operator==(const Cursor&, const Cursor&) = default;
};

// Throws std::invalid_argument for a cursor decode_cursor would refuse (a negative time, an
// empty, long or non-id `id`): that is a bug in the caller, not bad input.
[[nodiscard]] std::string encode_cursor(std::int64_t created_at_us, std::string_view id);
// The cursor, or std::nullopt for anything encode_cursor cannot have produced (including
// padding, '+' or '/', trailing garbage and non-canonical base64).
[[nodiscard]] std::optional<Cursor> decode_cursor(std::string_view text);

// The "cursor" query parameter: none when absent, a 400 when present but not a cursor
// (an empty value included).
[[nodiscard]] Result<std::optional<Cursor>, http::ApiError> parse_cursor(
    std::optional<std::string_view> raw);
// The "limit" query parameter: kDefaultListLimit when absent, otherwise decimal digits only
// with a value in 1..kMaxListLimit ("0", "101", "-1", "+5", "1.0", "" are 400s; never clamped).
[[nodiscard]] Result<int, http::ApiError> parse_limit(std::optional<std::string_view> raw);

// A query string read the way FieldReader reads a body: get() every known key, then
// finish() reports the first key nobody asked for.
class QueryParams {
 public:
  // `query` without the '?'. Keys and values are percent-decoded ('+' is a space) and must
  // be UTF-8 without NUL. Empty segments ("a=1&&b=2") are skipped; "k" alone is k = "".
  // A malformed escape, an empty key or a repeated key is a 400 PARAMETER_INVALID.
  [[nodiscard]] static Result<QueryParams, http::ApiError> parse(std::string_view query);

  // The decoded value of `name`, if present; marks `name` as known either way.
  [[nodiscard]] std::optional<std::string> get(std::string_view name);
  // The first key (in query order) that get() was never called for: 400 PARAMETER_UNKNOWN.
  [[nodiscard]] Result<void, http::ApiError> finish() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<std::string> known_;
};

}  // namespace payd::api
