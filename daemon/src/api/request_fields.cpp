#include "api/request_fields.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cmath>
#include <utility>

namespace payd::api {
namespace {

// Longest piece of a client-chosen key echoed in a param or message.
constexpr std::size_t kMaxEchoedKeyChars = 64;

bool is_continuation_byte(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// Unicode characters in valid UTF-8 (Boost.JSON has validated every string it parsed).
std::size_t char_count(std::string_view s) noexcept {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation_byte(c); }));
}

// The first `max_chars` characters of `s`, never cutting a character in two.
std::string truncated(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_continuation_byte(s[i])) continue;
    if (chars++ == max_chars) return std::string(s.substr(0, i)) + "...";
  }
  return std::string(s);
}

std::string_view kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

// Field by field rather than aggregate-initialized: ApiError gains optional members.
http::ApiError param_error(std::string code, std::optional<std::string> param,
                           std::string message) {
  http::ApiError e;
  e.status = 400;
  e.type = http::ErrorType::invalid_request;
  e.code = std::move(code);
  e.message = std::move(message);
  e.param = std::move(param);
  return e;
}

bool is_email_local_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_domain_label(std::string_view label) noexcept {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// local@domain with RFC 5322 dot-atom on both sides (no quoted local parts, no IP literals)
// and a domain of at least two labels whose last one is not numeric.
bool is_plausible_email(std::string_view s) noexcept {
  const auto at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  const auto local = s.substr(0, at);
  const auto domain = s.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  if (!std::all_of(local.begin(), local.end(),
                   [](char c) { return c == '.' || is_email_local_char(c); })) {
    return false;
  }
  std::size_t labels = 0;
  std::string_view last;
  for (std::string_view rest = domain;;) {
    const auto dot = rest.find('.');
    last = rest.substr(0, dot);
    if (!is_domain_label(last)) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return labels >= 2 &&
         !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_web_url(std::string_view s) noexcept {
  const auto parsed = boost::urls::parse_uri(s);
  if (!parsed) return false;
  const auto scheme = parsed->scheme_id();
  // Credentials in a URL we store and redirect customers to would leak into logs and pages.
  return (scheme == boost::urls::scheme::http || scheme == boost::urls::scheme::https) &&
         parsed->has_authority() && !parsed->encoded_host().empty() && !parsed->has_userinfo();
}

}  // namespace

FieldReader::FieldReader(const boost::json::object& body) : state_(std::make_shared<State>()) {
  state_->scopes.push_back({&body, {}, {}});
}

FieldReader::FieldReader(std::shared_ptr<State> state, std::size_t scope) noexcept
    : state_(std::move(state)), scope_(scope) {}

std::string FieldReader::path(std::string_view name) const {
  const std::string& prefix = state_->scopes[scope_].prefix;
  if (prefix.empty()) return std::string(name);
  return prefix + "." + std::string(name);
}

void FieldReader::reject(http::ApiError error) {
  if (!state_->first_error) state_->first_error = std::move(error);
}

bool FieldReader::ok() const noexcept {
  return !state_->first_error.has_value();
}

void FieldReader::invalid(std::string param, std::string message) {
  reject(param_error("PARAMETER_INVALID", std::move(param), std::move(message)));
}

const boost::json::value* FieldReader::take(std::string_view name) {
  Scope& scope = state_->scopes[scope_];
  if (std::find(scope.read.begin(), scope.read.end(), name) == scope.read.end()) {
    scope.read.emplace_back(name);
  }
  const boost::json::value* v = scope.object->if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

FieldReader FieldReader::open_nested(const boost::json::object& object, std::string prefix) {
  state_->scopes.push_back({&object, std::move(prefix), {}});
  return FieldReader(state_, state_->scopes.size() - 1);
}

std::optional<std::int64_t> FieldReader::take_int64(std::string_view name, bool required) {
  const auto* v = take(name);
  const std::string p = path(name);
  if (v == nullptr) {
    if (required) reject(param_error("PARAMETER_MISSING", p, p + " is required"));
    return std::nullopt;
  }
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) {
    invalid(p, p + " is out of range: it must fit in a signed 64-bit integer");
  } else if (v->is_double()) {
    // Boost.JSON turns integers beyond 64 bits into doubles: say "out of range" for those.
    const double d = v->get_double();
    const bool huge_integer = std::isfinite(d) && std::trunc(d) == d && std::fabs(d) >= 9.2e18;
    invalid(p, huge_integer ? p + " is out of range: it must fit in a signed 64-bit integer"
                            : p + " must be an integer, without a decimal point or exponent");
  } else {
    invalid(p, p + " must be an integer; got " + std::string(kind_name(*v)));
  }
  return std::nullopt;
}

std::optional<std::string> FieldReader::take_string(std::string_view name, std::size_t max_chars,
                                                    bool required) {
  const auto* v = take(name);
  const std::string p = path(name);
  if (v == nullptr) {
    if (required) reject(param_error("PARAMETER_MISSING", p, p + " is required"));
    return std::nullopt;
  }
  auto s = checked_string(*v, p, max_chars, !required);
  if (!s) return std::nullopt;
  return std::string(*s);
}

std::optional<std::string_view> FieldReader::checked_string(const boost::json::value& v,
                                                            const std::string& param,
                                                            std::size_t max_chars,
                                                            bool allow_empty) {
  if (!v.is_string()) {
    invalid(param, param + " must be a string; got " + std::string(kind_name(v)));
    return std::nullopt;
  }
  const std::string_view s = v.get_string();
  if (!allow_empty && s.empty()) {
    reject(param_error("PARAMETER_MISSING", param, param + " is required and must not be empty"));
    return std::nullopt;
  }
  if (const auto n = char_count(s); n > max_chars) {
    invalid(param, param + " must be at most " + std::to_string(max_chars) + " characters; got " +
                       std::to_string(n));
    return std::nullopt;
  }
  if (s.find('\0') != std::string_view::npos) {
    invalid(param, param + " must not contain NUL characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> FieldReader::required_int64(std::string_view name) {
  return take_int64(name, true);
}

std::optional<std::int64_t> FieldReader::optional_int64(std::string_view name) {
  return take_int64(name, false);
}

std::optional<bool> FieldReader::optional_bool(std::string_view name) {
  const auto* v = take(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  const std::string p = path(name);
  invalid(p, p + " must be a boolean (true or false); got " + std::string(kind_name(*v)));
  return std::nullopt;
}

std::optional<std::string> FieldReader::required_string(std::string_view name,
                                                        std::size_t max_chars) {
  return take_string(name, max_chars, true);
}

std::optional<std::string> FieldReader::optional_string(std::string_view name,
                                                        std::size_t max_chars) {
  return take_string(name, max_chars, false);
}

std::optional<std::string> FieldReader::optional_enum(
    std::string_view name, std::initializer_list<std::string_view> allowed) {
  const auto* v = take(name);
  if (v == nullptr) return std::nullopt;
  const std::string p = path(name);
  if (v->is_string() && std::find(allowed.begin(), allowed.end(),
                                  std::string_view(v->get_string())) != allowed.end()) {
    return std::string(v->get_string());
  }
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  invalid(p, p + " must be one of: " + list);
  return std::nullopt;
}

std::optional<std::vector<std::string>> FieldReader::optional_string_list(std::string_view name,
                                                                          std::size_t max_items,
                                                                          std::size_t max_chars) {
  const auto* v = take(name);
  if (v == nullptr) return std::nullopt;
  const std::string p = path(name);
  if (!v->is_array()) {
    invalid(p, p + " must be an array of strings; got " + std::string(kind_name(*v)));
    return std::nullopt;
  }
  const auto& items = v->get_array();
  if (items.size() > max_items) {
    invalid(p, p + " must have at most " + std::to_string(max_items) + " items; got " +
                   std::to_string(items.size()));
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto s = checked_string(items[i], p + "[" + std::to_string(i) + "]", max_chars);
    if (!s) return std::nullopt;
    out.emplace_back(*s);
  }
  return out;
}

std::optional<std::map<std::string, std::string>> FieldReader::optional_metadata(
    std::string_view name) {
  const auto* v = take(name);
  if (v == nullptr) return std::nullopt;
  const std::string p = path(name);
  if (!v->is_object()) {
    invalid(p, p + " must be an object of string values; got " + std::string(kind_name(*v)));
    return std::nullopt;
  }
  const auto& entries = v->get_object();
  if (entries.size() > kMaxMetadataKeys) {
    invalid(p, p + " must have at most " + std::to_string(kMaxMetadataKeys) + " keys; got " +
                   std::to_string(entries.size()));
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : entries) {
    if (key.empty() || key.find('\0') != std::string_view::npos) {
      invalid(p, p + " keys must be non-empty and must not contain NUL characters");
      return std::nullopt;
    }
    if (const auto n = char_count(key); n > kMaxMetadataKeyChars) {
      invalid(p, p + " keys must be at most " + std::to_string(kMaxMetadataKeyChars) +
                     " characters; \"" + truncated(key, kMaxMetadataKeyChars) + "\" has " +
                     std::to_string(n));
      return std::nullopt;
    }
    const auto s = checked_string(value, p + "[" + std::string(key) + "]", kMaxMetadataValueChars);
    if (!s) return std::nullopt;
    out.emplace(key, *s);
  }
  return out;
}

std::optional<std::string> FieldReader::optional_url(std::string_view name) {
  auto s = take_string(name, kMaxUrlChars, false);
  if (!s) return std::nullopt;
  if (!is_web_url(*s)) {
    const std::string p = path(name);
    invalid(p, p + " must be an absolute http or https URL with a host and no credentials");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> FieldReader::optional_email(std::string_view name) {
  auto s = take_string(name, kMaxEmailChars, false);
  if (!s) return std::nullopt;
  if (!is_plausible_email(*s)) {
    const std::string p = path(name);
    invalid(p, p + " must be a valid email address such as jane@example.com");
    return std::nullopt;
  }
  return s;
}

std::optional<FieldReader> FieldReader::optional_object(std::string_view name) {
  const auto* v = take(name);
  if (v == nullptr) return std::nullopt;
  std::string p = path(name);
  if (!v->is_object()) {
    invalid(p, p + " must be an object; got " + std::string(kind_name(*v)));
    return std::nullopt;
  }
  return open_nested(v->get_object(), std::move(p));
}

std::optional<std::vector<FieldReader>> FieldReader::optional_object_list(std::string_view name,
                                                                          std::size_t max_items) {
  const auto* v = take(name);
  if (v == nullptr) return std::nullopt;
  const std::string p = path(name);
  if (!v->is_array()) {
    invalid(p, p + " must be an array of objects; got " + std::string(kind_name(*v)));
    return std::nullopt;
  }
  const auto& items = v->get_array();
  if (items.size() > max_items) {
    invalid(p, p + " must have at most " + std::to_string(max_items) + " items; got " +
                   std::to_string(items.size()));
    return std::nullopt;
  }
  std::vector<FieldReader> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string item_path = p + "[" + std::to_string(i) + "]";
    if (!items[i].is_object()) {
      invalid(item_path, item_path + " must be an object; got " + std::string(kind_name(items[i])));
      return std::nullopt;
    }
    out.push_back(open_nested(items[i].get_object(), std::move(item_path)));
  }
  return out;
}

Result<void, http::ApiError> FieldReader::finish() const {
  if (state_->first_error) return fail(*state_->first_error);
  for (const Scope& scope : state_->scopes) {
    for (const auto& entry : *scope.object) {
      const std::string_view key = entry.key();
      if (std::find(scope.read.begin(), scope.read.end(), key) != scope.read.end()) continue;
      const std::string shown = truncated(key, kMaxEchoedKeyChars);
      std::string param = scope.prefix.empty() ? shown : scope.prefix + "." + shown;
      std::string message = "Received unknown parameter: " + param;
      return fail(param_error("PARAMETER_UNKNOWN", std::move(param), std::move(message)));
    }
  }
  return {};
}

}  // namespace payd::api
