#include "security/strict_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <set>
#include <string>
#include <vector>

namespace payd::security {
namespace {

constexpr std::size_t kMaxDepth = 16;

// A basic_parser handler that builds nothing: it only tracks the keys of each open object.
struct DuplicateKeyCheck {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  std::vector<std::set<std::string, std::less<>>> objects;
  std::string key;
  bool duplicate = false;
  bool top_is_object = false;
  bool started = false;

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_array_begin(boost::json::error_code&) {
    started = true;
    return true;
  }
  bool on_array_end(std::size_t, boost::json::error_code&) { return true; }
  bool on_object_begin(boost::json::error_code&) {
    if (!started) top_is_object = true;
    started = true;
    objects.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, boost::json::error_code&) {
    objects.pop_back();
    return true;
  }
  bool on_string_part(boost::json::string_view, std::size_t, boost::json::error_code&) {
    return true;
  }
  bool on_string(boost::json::string_view, std::size_t, boost::json::error_code&) {
    started = true;
    return true;
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code& ec) {
    key.append(s.data(), s.size());
    if (!objects.back().insert(std::move(key)).second) {
      duplicate = true;
      ec = boost::json::make_error_code(boost::json::error::syntax);
      key.clear();
      return false;
    }
    key.clear();
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t, boost::json::string_view, boost::json::error_code&) {
    started = true;
    return true;
  }
  bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) {
    started = true;
    return true;
  }
  bool on_double(double, boost::json::string_view, boost::json::error_code&) {
    started = true;
    return true;
  }
  bool on_bool(bool, boost::json::error_code&) {
    started = true;
    return true;
  }
  bool on_null(boost::json::error_code&) {
    started = true;
    return true;
  }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }
};

boost::json::parse_options strict_options() {
  boost::json::parse_options opt;
  opt.max_depth = kMaxDepth;
  opt.allow_comments = false;
  opt.allow_trailing_commas = false;
  opt.allow_invalid_utf8 = false;
  return opt;
}

}  // namespace

Result<boost::json::object> parse_strict_json_object(std::string_view text) {
  boost::json::basic_parser<DuplicateKeyCheck> checker(strict_options());
  boost::json::error_code ec;
  checker.write_some(false, text.data(), text.size(), ec);
  if (checker.handler().duplicate) return fail(std::string("duplicate key in JSON object"));
  if (ec) return fail(std::string("invalid JSON"));
  if (!checker.handler().top_is_object) return fail(std::string("JSON is not an object"));
  boost::json::value v = boost::json::parse(text, ec, {}, strict_options());
  if (ec || !v.is_object()) return fail(std::string("invalid JSON"));
  return std::move(v.as_object());
}

}  // namespace payd::security
