#pragma once
// Strict reading of a JSON request body for handlers. A handler reads every field it knows,
// then calls finish() once:
//
//   api::FieldReader r(body);
//   auto amount = r.required_int64("amount");
//   auto currency = r.required_string("currency", 3);
//   if (auto customer = r.optional_object("customer")) {
//     email = customer->optional_email("email");          // param "customer.email"
//   }
//   if (auto done = r.finish(); !done) return done.error();  // before using any value
//
// Every problem is a 400 invalid_request ApiError whose param is the field's full path
// ("amount", "customer.email", "line_items[0].name", "metadata[order_id]"):
//   PARAMETER_MISSING  a required field is absent or null
//   PARAMETER_INVALID  wrong JSON type, a float or out-of-range number where an integer is
//                      expected, a string too long, not one of the allowed values, ...
//   PARAMETER_UNKNOWN  a field nobody read (a typo, or a parameter this endpoint lacks)
// finish() returns the first error in the order the fields were read (a nested reader's
// errors included), and only then the first unknown field: the root's, then each nested
// object's in the order they were opened.
//
// An accessor returns std::nullopt when the field is absent, null (optional fields treat
// JSON null as absent) or invalid; its value is meaningful only once finish() succeeded.
// Lengths are counted in Unicode characters (Boost.JSON has already checked the UTF-8).
// Strings containing U+0000 are refused (PostgreSQL text cannot store them).
//
// Copies of a reader, and the nested readers it hands out, share one error state. The body
// object must outlive them all.

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "http/api_error.hpp"

namespace payd::api {

// Stripe's metadata limits, which merchants already design for.
inline constexpr std::size_t kMaxMetadataKeys = 50;
inline constexpr std::size_t kMaxMetadataKeyChars = 40;
inline constexpr std::size_t kMaxMetadataValueChars = 500;
inline constexpr std::size_t kMaxUrlChars = 2048;
inline constexpr std::size_t kMaxEmailChars = 254;  // RFC 5321's path limit, minus "<>"

class FieldReader {
 public:
  explicit FieldReader(const boost::json::object& body);

  // JSON integers only: 10.5, 1e3, 10.0, "10" and numbers beyond int64 are PARAMETER_INVALID.
  [[nodiscard]] std::optional<std::int64_t> required_int64(std::string_view name);
  [[nodiscard]] std::optional<std::int64_t> optional_int64(std::string_view name);
  [[nodiscard]] std::optional<bool> optional_bool(std::string_view name);
  // A required string must not be empty.
  [[nodiscard]] std::optional<std::string> required_string(std::string_view name,
                                                           std::size_t max_chars);
  [[nodiscard]] std::optional<std::string> optional_string(std::string_view name,
                                                           std::size_t max_chars);
  // A string equal (case-sensitively) to one of `allowed`.
  [[nodiscard]] std::optional<std::string> optional_enum(
      std::string_view name, std::initializer_list<std::string_view> allowed);
  [[nodiscard]] std::optional<std::vector<std::string>> optional_string_list(std::string_view name,
                                                                             std::size_t max_items,
                                                                             std::size_t max_chars);
  // An object of string values within the kMaxMetadata* limits; keys must not be empty.
  [[nodiscard]] std::optional<std::map<std::string, std::string>> optional_metadata(
      std::string_view name);
  // An absolute http or https URL with a host and no user:password@, at most kMaxUrlChars.
  [[nodiscard]] std::optional<std::string> optional_url(std::string_view name);
  // A plausible address: local@domain.tld in ASCII (internationalized domains as punycode).
  [[nodiscard]] std::optional<std::string> optional_email(std::string_view name);
  // A nested object, read with the same methods; its params are "name.field".
  [[nodiscard]] std::optional<FieldReader> optional_object(std::string_view name);
  // An array of objects; the i-th reader's params are "name[i].field". Name the result
  // before iterating: `for (auto& i : *r.optional_object_list(...))` dangles (C++20 does not
  // extend the optional's lifetime through operator*).
  [[nodiscard]] std::optional<std::vector<FieldReader>> optional_object_list(std::string_view name,
                                                                             std::size_t max_items);

  // The param name of this reader's field `name` ("customer.email" in a nested reader), for
  // a handler's own checks, e.g. core::validate_money(..., r.path("amount"), ...).
  [[nodiscard]] std::string path(std::string_view name) const;
  // Records a handler's own error among the reading errors (kept only if it is the first).
  void reject(http::ApiError error);
  // False once any error has been recorded (unknown fields are found only by finish()).
  [[nodiscard]] bool ok() const noexcept;
  // The first error of the whole body, as described above; the same from any reader.
  [[nodiscard]] Result<void, http::ApiError> finish() const;

 private:
  // One JSON object being read and the names asked for in it (present or not).
  struct Scope {
    const boost::json::object* object;
    std::string prefix;  // "" for the body, "customer", "line_items[0]", ...
    std::vector<std::string> read;
  };
  struct State {
    std::vector<Scope> scopes;
    std::optional<http::ApiError> first_error;
  };

  FieldReader(std::shared_ptr<State> state, std::size_t scope) noexcept;
  // Marks `name` as known and returns its value; nullptr when absent or null.
  const boost::json::value* take(std::string_view name);
  std::optional<std::string> take_string(std::string_view name, std::size_t max_chars,
                                         bool required);
  std::optional<std::int64_t> take_int64(std::string_view name, bool required);
  // `v` as a string of at most `max_chars` characters without NUL; otherwise a
  // PARAMETER_INVALID naming `param`. Every string the reader returns passes here.
  std::optional<std::string_view> checked_string(const boost::json::value& v,
                                                 const std::string& param, std::size_t max_chars,
                                                 bool allow_empty = true);
  FieldReader open_nested(const boost::json::object& object, std::string prefix);
  void invalid(std::string param, std::string message);

  std::shared_ptr<State> state_;
  std::size_t scope_ = 0;
};

}  // namespace payd::api
