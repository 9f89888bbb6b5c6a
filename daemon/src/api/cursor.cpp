#include "api/cursor.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "payd/sdk/crypto.hpp"
#include "payd/sdk/form.hpp"

namespace payd::api {
namespace {

constexpr unsigned char kCursorVersion = 1;
constexpr std::size_t kTimeBytes = 8;
// An upper bound on the base64url length of the longest valid cursor (73 bytes).
constexpr std::size_t kMaxCursorChars = (1 + kTimeBytes + kMaxCursorIdChars + 2) / 3 * 4;
// Longest query key echoed in a param or message.
constexpr std::size_t kMaxEchoedKeyBytes = 64;

bool is_id_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_valid_cursor_id(std::string_view id) noexcept {
  return !id.empty() && id.size() <= kMaxCursorIdChars &&
         std::all_of(id.begin(), id.end(), is_id_char);
}

bool is_base64url_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
         c == '_';
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 < 0x80) {
      ++i;
      continue;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < 0x80 || b > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

std::string shortened(std::string_view key) {
  if (key.size() <= kMaxEchoedKeyBytes) return std::string(key);
  // Cut before a continuation byte would split a character; the key is valid UTF-8 here.
  std::size_t cut = kMaxEchoedKeyBytes;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0U) == 0x80U) --cut;
  return std::string(key.substr(0, cut)) + "...";
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

http::ApiError malformed_query(std::string message) {
  return param_error("PARAMETER_INVALID", std::nullopt, std::move(message));
}

}  // namespace

std::string encode_cursor(std::int64_t created_at_us, std::string_view id) {
  if (created_at_us < 0 || !is_valid_cursor_id(id)) {
    throw std::invalid_argument("encode_cursor: not a list position (negative time or bad id)");
  }
  std::string raw;
  raw.reserve(1 + kTimeBytes + id.size());
  raw.push_back(static_cast<char>(kCursorVersion));
  const auto t = static_cast<std::uint64_t>(created_at_us);
  for (int shift = 56; shift >= 0; shift -= 8) {
    raw.push_back(static_cast<char>((t >> shift) & 0xFFU));
  }
  raw.append(id);
  return sdk::base64url_encode(raw);
}

std::optional<Cursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > kMaxCursorChars || text.size() % 4 == 1 ||
      !std::all_of(text.begin(), text.end(), is_base64url_char)) {
    return std::nullopt;
  }
  // The SDK's strict decoder (canonical, padded standard alphabet) does the real work.
  std::string standard(text);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  standard.append((4 - standard.size() % 4) % 4, '=');
  const auto raw = sdk::base64_decode(standard);
  if (!raw || raw->size() < 1 + kTimeBytes + 1 ||
      static_cast<unsigned char>((*raw)[0]) != kCursorVersion) {
    return std::nullopt;
  }
  std::uint64_t t = 0;
  for (std::size_t i = 1; i <= kTimeBytes; ++i) {
    t = (t << 8) | static_cast<unsigned char>((*raw)[i]);
  }
  if (t > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  const std::string_view id = std::string_view(*raw).substr(1 + kTimeBytes);
  if (!is_valid_cursor_id(id)) return std::nullopt;
  return Cursor{static_cast<std::int64_t>(t), std::string(id)};
}

Result<std::optional<Cursor>, http::ApiError> parse_cursor(std::optional<std::string_view> raw) {
  if (!raw) return std::optional<Cursor>();
  auto cursor = decode_cursor(*raw);
  if (!cursor) {
    return fail(param_error("PARAMETER_INVALID", "cursor",
                            "cursor is not a valid list cursor; pass the next_cursor of a "
                            "previous list response unchanged"));
  }
  return std::optional<Cursor>(std::move(*cursor));
}

Result<int, http::ApiError> parse_limit(std::optional<std::string_view> raw) {
  if (!raw) return kDefaultListLimit;
  const std::string_view s = *raw;
  // At most 3 digits: anything longer is out of range (or a leading-zero trick) anyway.
  const bool digits = !s.empty() && s.size() <= 3 &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  int value = 0;
  if (digits) {
    for (char c : s) value = value * 10 + (c - '0');
  }
  if (!digits || value < 1 || value > kMaxListLimit) {
    return fail(
        param_error("PARAMETER_INVALID", "limit",
                    "limit must be an integer between 1 and " + std::to_string(kMaxListLimit)));
  }
  return value;
}

Result<QueryParams, http::ApiError> QueryParams::parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view segment = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (segment.empty()) continue;
    const auto eq = segment.find('=');
    const std::string_view raw_key = segment.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : segment.substr(eq + 1);
    auto key = sdk::percent_decode(raw_key, true);
    if (!key || key->empty() || !is_valid_utf8(*key) || key->find('\0') != std::string::npos) {
      return fail(malformed_query(
          "The query string has a malformed parameter name (bad percent-escape, invalid UTF-8 "
          "or empty)"));
    }
    auto value = sdk::percent_decode(raw_value, true);
    if (!value || !is_valid_utf8(*value) || value->find('\0') != std::string::npos) {
      std::string param = shortened(*key);
      std::string message =
          param + " has a malformed value (bad percent-escape, invalid UTF-8 or NUL)";
      return fail(param_error("PARAMETER_INVALID", std::move(param), std::move(message)));
    }
    const bool repeated = std::any_of(params.fields_.begin(), params.fields_.end(),
                                      [&](const auto& f) { return f.first == *key; });
    if (repeated) {
      std::string param = shortened(*key);
      std::string message = param + " must be given at most once";
      return fail(param_error("PARAMETER_INVALID", std::move(param), std::move(message)));
    }
    params.fields_.emplace_back(std::move(*key), std::move(*value));
  }
  return params;
}

std::optional<std::string> QueryParams::get(std::string_view name) {
  if (std::find(known_.begin(), known_.end(), name) == known_.end()) known_.emplace_back(name);
  for (const auto& [key, value] : fields_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Result<void, http::ApiError> QueryParams::finish() const {
  for (const auto& [key, value] : fields_) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string param = shortened(key);
    std::string message = "Received unknown parameter: " + param;
    return fail(param_error("PARAMETER_UNKNOWN", std::move(param), std::move(message)));
  }
  return {};
}

}  // namespace payd::api
