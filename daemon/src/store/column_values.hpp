#pragma once
// Conversions between records and libpqxx parameters and fields, for store sources only
// (payments, refunds, checkout sessions, payment links).

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "payd/sdk/names.hpp"
#include "store/pqxx_support.hpp"

namespace payd::store::columns {

// Empty strings stand for NULL text columns.
inline std::optional<std::string> text_or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

inline std::string text(const pqxx::field& f) {
  return f.is_null() ? std::string() : f.as<std::string>();
}

inline std::optional<std::int64_t> optional_int64(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::int64_t>();
}

inline std::string mode_text(sdk::Mode m) {
  return std::string(sdk::to_string(m));
}

inline sdk::Mode read_mode(const pqxx::field& f) {
  auto m = sdk::parse_mode(f.c_str());
  if (!m) throw std::runtime_error("unexpected mode in the database");
  return *m;
}

// A PostgreSQL text[] literal with every element quoted, so commas, braces, spaces and
// NULL-looking words stay data.
inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// A field selected as array_to_json(column)::text.
inline std::vector<std::string> read_text_array(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  auto v = boost::json::parse(f.c_str());
  if (!v.is_array()) return out;
  for (const auto& item : v.as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace payd::store::columns
