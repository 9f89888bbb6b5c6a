#include "payd/sdk/json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value_stack.hpp>
#include <limits>

namespace payd::sdk {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxDepth = 64;

json::parse_options options() {
  json::parse_options opt;
  opt.max_depth = kMaxDepth;
  return opt;
}

std::string parse_error(std::size_t offset, const json::error_code& ec) {
  return "invalid JSON at offset " + std::to_string(offset) + ": " + ec.message();
}

// boost::json's own value-building handler, except for numbers: any number that is not an
// exact int64/uint64 is pushed as a string of its source text.
struct DecimalStringHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::string number;  // a number's text, when the parser delivers it in parts

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double, json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    st.push_string(number);
    number.clear();
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

Result<json::value> parse_json(std::string_view text) {
  json::parser p(json::storage_ptr(), options());
  json::error_code ec;
  const std::size_t n = p.write(text.data(), text.size(), ec);
  if (ec) return fail(parse_error(n, ec));
  return p.release();
}

Result<json::value> parse_json_with_decimal_strings(std::string_view text) {
  json::basic_parser<DecimalStringHandler> p(options());
  p.handler().st.reset();
  json::error_code ec;
  const std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) {
    ec = json::error::extra_data;
  }
  if (ec) return fail(parse_error(n, ec));
  return p.handler().st.release();
}

std::string_view json_type_name(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::string:
      return "string";
    case json::kind::int64:
    case json::kind::uint64:
      return "integer";
    case json::kind::double_:
      return "number";
    case json::kind::bool_:
      return "boolean";
    case json::kind::null:
      return "null";
    case json::kind::object:
      return "object";
    case json::kind::array:
      return "array";
  }
  return "unknown";
}

namespace {

std::string where(const std::string& path) {
  return path.empty() ? "(root)" : path;
}

Failure type_error(const std::string& path, std::string_view expected, const json::value& got) {
  return fail(where(path) + ": expected " + std::string(expected) + ", got " +
              std::string(json_type_name(got)));
}

Result<std::string> to_str(const json::value& v, const std::string& path) {
  if (!v.is_string()) return type_error(path, "a string", v);
  return std::string(v.get_string());
}

Result<std::int64_t> to_int64(const json::value& v, const std::string& path) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return fail(where(path) + ": integer out of range");
    }
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return type_error(path, "an integer", v);
}

}  // namespace

std::string JsonReader::path_of(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string out = path_;
  out.push_back('.');
  out.append(key);
  return out;
}

Result<const json::value*> JsonReader::member(std::string_view key) const {
  const auto* obj = value_->if_object();
  if (obj == nullptr) return type_error(path_, "an object", *value_);
  return obj->if_contains(key);
}

bool JsonReader::has(std::string_view key) const noexcept {
  const auto* obj = value_->if_object();
  if (obj == nullptr) return false;
  const auto* v = obj->if_contains(key);
  return v != nullptr && !v->is_null();
}

Result<std::string> JsonReader::str(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr) return fail(path_of(key) + ": missing");
  return to_str(**m, path_of(key));
}

Result<std::int64_t> JsonReader::int64(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr) return fail(path_of(key) + ": missing");
  return to_int64(**m, path_of(key));
}

Result<bool> JsonReader::boolean(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr) return fail(path_of(key) + ": missing");
  if (!(*m)->is_bool()) return type_error(path_of(key), "a boolean", **m);
  return (*m)->get_bool();
}

Result<JsonReader> JsonReader::object(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr) return fail(path_of(key) + ": missing");
  if (!(*m)->is_object()) return type_error(path_of(key), "an object", **m);
  return JsonReader(**m, path_of(key));
}

Result<std::vector<JsonReader>> JsonReader::array(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr) return fail(path_of(key) + ": missing");
  if (!(*m)->is_array()) return type_error(path_of(key), "an array", **m);
  const auto base = path_of(key);
  std::vector<JsonReader> out;
  const auto& arr = (*m)->get_array();
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) {
    out.emplace_back(arr[i], base + "[" + std::to_string(i) + "]");
  }
  return out;
}

Result<std::int64_t> JsonReader::amount(std::string_view key, int exponent,
                                        Negatives negatives) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  const auto path = path_of(key);
  if (*m == nullptr) return fail(path + ": missing");
  const json::value& v = **m;
  Result<std::int64_t> r = fail("");
  if (v.is_string()) {
    r = json_number_to_minor(v.get_string(), exponent, negatives);
  } else if (v.is_int64()) {
    r = json_number_to_minor(std::to_string(v.get_int64()), exponent, negatives);
  } else if (v.is_uint64()) {
    r = json_number_to_minor(std::to_string(v.get_uint64()), exponent, negatives);
  } else if (v.is_double()) {
    return fail(path +
                ": a decimal number parsed as a double is inexact; parse the document with "
                "parse_json_with_decimal_strings");
  } else {
    return type_error(path, "a decimal amount", v);
  }
  if (!r) return fail(path + ": " + r.error());
  return r;
}

Result<std::optional<std::string>> JsonReader::opt_str(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr || (*m)->is_null()) return std::optional<std::string>();
  auto s = to_str(**m, path_of(key));
  if (!s) return fail(s.error());
  return std::optional<std::string>(std::move(*s));
}

Result<std::optional<std::int64_t>> JsonReader::opt_int64(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr || (*m)->is_null()) return std::optional<std::int64_t>();
  auto i = to_int64(**m, path_of(key));
  if (!i) return fail(i.error());
  return std::optional<std::int64_t>(*i);
}

Result<std::optional<bool>> JsonReader::opt_boolean(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr || (*m)->is_null()) return std::optional<bool>();
  if (!(*m)->is_bool()) return type_error(path_of(key), "a boolean", **m);
  return std::optional<bool>((*m)->get_bool());
}

Result<std::optional<JsonReader>> JsonReader::opt_object(std::string_view key) const {
  const auto m = member(key);
  if (!m) return fail(m.error());
  if (*m == nullptr || (*m)->is_null()) return std::optional<JsonReader>();
  if (!(*m)->is_object()) return type_error(path_of(key), "an object", **m);
  return std::optional<JsonReader>(JsonReader(**m, path_of(key)));
}

Result<std::string> JsonReader::as_str() const {
  return to_str(*value_, path_);
}
Result<std::int64_t> JsonReader::as_int64() const {
  return to_int64(*value_, path_);
}

}  // namespace payd::sdk
