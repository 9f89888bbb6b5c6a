#pragma once
// Reading provider JSON: parsing that keeps decimal amounts exact, and field access whose
// errors name the path of the field ("data.object.amount: expected an integer, got string").
//
//   auto doc = parse_json_with_decimal_strings(response.body);
//   if (!doc) return unknown_outcome("unreadable response: " + doc.error());
//   JsonReader root(*doc);
//   auto object = root.object("data").value().object("object");   // check each Result
//   auto id = object->str("id");                 // Result<std::string>
//   auto amount = object->amount("amount", 2);   // 16.49 -> 1649, exactly
//
// A JsonReader refers to the value it was made from: keep the document alive while using it.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "payd/sdk/money.hpp"
#include "payd/sdk/result.hpp"

namespace payd::sdk {

// boost::json::parse with an error message instead of an exception: "invalid JSON at offset
// 12: syntax error". Standard JSON only; nesting deeper than 64 is refused.
[[nodiscard]] Result<boost::json::value> parse_json(std::string_view text);

// As parse_json, except that every number that is not an integer exactly representable as
// int64 or uint64 becomes a JSON *string* holding the number's source text: 16.49 -> "16.49",
// 25.0 -> "25.0", 1e2 -> "1e2", 123456789012345678901234567890 -> "1234...". Integers stay
// int64 (or uint64 above INT64_MAX). Read amounts with JsonReader::amount or
// json_number_to_minor; nothing passes through a double.
[[nodiscard]] Result<boost::json::value> parse_json_with_decimal_strings(std::string_view text);

// "string", "integer" (int64 or uint64), "number" (double), "boolean", "null", "object",
// "array": the vocabulary of JsonReader's error messages.
[[nodiscard]] std::string_view json_type_name(const boost::json::value& v) noexcept;

class JsonReader {
 public:
  // `path` is how errors name this value: "" for the document root, else e.g. "data.object".
  explicit JsonReader(const boost::json::value& value, std::string path = {})
      : value_(&value), path_(std::move(path)) {}

  [[nodiscard]] const boost::json::value& value() const noexcept { return *value_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  // The path of a member of this object: "data" + "id" -> "data.id"; root + "id" -> "id".
  [[nodiscard]] std::string path_of(std::string_view key) const;

  // True when this is an object with `key` present and not null.
  [[nodiscard]] bool has(std::string_view key) const noexcept;

  // Required members: missing -> "<path>: missing"; null or another type ->
  // "<path>: expected a string, got null". If this value is not an object, the error names
  // this value's path instead.
  [[nodiscard]] Result<std::string> str(std::string_view key) const;
  [[nodiscard]] Result<std::int64_t> int64(
      std::string_view key) const;  // no doubles, range-checked
  [[nodiscard]] Result<bool> boolean(std::string_view key) const;
  [[nodiscard]] Result<JsonReader> object(std::string_view key) const;
  // The elements, each with path "<path>[i]".
  [[nodiscard]] Result<std::vector<JsonReader>> array(std::string_view key) const;
  // A decimal amount in major units ("16.49", 16.49 kept exact by
  // parse_json_with_decimal_strings, or an integer 16) as minor units of `exponent`.
  // A double (a document parsed with plain boost::json::parse) is refused as inexact.
  [[nodiscard]] Result<std::int64_t> amount(std::string_view key, int exponent,
                                            Negatives negatives = Negatives::reject) const;

  // Optional members: missing or null -> std::nullopt; present with another type -> error.
  [[nodiscard]] Result<std::optional<std::string>> opt_str(std::string_view key) const;
  [[nodiscard]] Result<std::optional<std::int64_t>> opt_int64(std::string_view key) const;
  [[nodiscard]] Result<std::optional<bool>> opt_boolean(std::string_view key) const;
  [[nodiscard]] Result<std::optional<JsonReader>> opt_object(std::string_view key) const;

  // This value itself (e.g. an array element) as the given type.
  [[nodiscard]] Result<std::string> as_str() const;
  [[nodiscard]] Result<std::int64_t> as_int64() const;

 private:
  // The member, nullptr when absent; an error when this value is not an object.
  [[nodiscard]] Result<const boost::json::value*> member(std::string_view key) const;

  const boost::json::value* value_;
  std::string path_;
};

}  // namespace payd::sdk
