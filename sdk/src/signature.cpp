#include "payd/sdk/signature.hpp"

#include "payd/sdk/crypto.hpp"

namespace payd::sdk {
namespace {

constexpr std::size_t kMaxHeader = 8192;
constexpr std::size_t kMaxItems = 64;

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(SignatureVerdict verdict) noexcept {
  switch (verdict) {
    case SignatureVerdict::valid:
      return "valid";
    case SignatureVerdict::bad_signature:
      return "bad_signature";
    case SignatureVerdict::stale:
      return "stale";
    case SignatureVerdict::future:
      return "future";
    case SignatureVerdict::malformed:
      return "malformed";
  }
  return "malformed";
}

SignatureVerdict check_timestamp(std::int64_t timestamp, std::int64_t now,
                                 std::int64_t tolerance_seconds) noexcept {
  const std::int64_t tolerance = tolerance_seconds < 0 ? 0 : tolerance_seconds;
  std::int64_t age = 0;  // now - timestamp; overflow means "very far" in the sign's direction
  if (__builtin_sub_overflow(now, timestamp, &age)) {
    return now > timestamp ? SignatureVerdict::stale : SignatureVerdict::future;
  }
  if (age > tolerance) return SignatureVerdict::stale;
  if (age < -tolerance) return SignatureVerdict::future;
  return SignatureVerdict::valid;
}

const std::vector<std::string>& ParsedSignatureHeader::of(std::string_view scheme) const {
  static const std::vector<std::string> kNone;
  const auto it = signatures.find(scheme);
  return it == signatures.end() ? kNone : it->second;
}

Result<ParsedSignatureHeader> parse_signature_header(std::string_view header) {
  if (trim(header).empty()) return fail("signature header is empty");
  if (header.size() > kMaxHeader) return fail("signature header is longer than 8 KiB");
  ParsedSignatureHeader parsed;
  bool have_timestamp = false;
  std::size_t items = 0;
  while (true) {
    const auto comma = header.find(',');
    const auto item = trim(header.substr(0, comma));
    if (++items > kMaxItems) return fail("signature header has more than 64 items");
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return fail("signature header item " + std::to_string(items) + " is not key=value");
    }
    const auto key = item.substr(0, eq);
    const auto value = item.substr(eq + 1);
    if (key == "t") {
      if (have_timestamp) return fail("signature header has more than one t=");
      if (value.size() > 18 || value.find_first_not_of("0123456789") != std::string_view::npos) {
        return fail("signature header t= is not a unix timestamp");
      }
      std::int64_t t = 0;
      for (const char c : value) t = t * 10 + (c - '0');
      parsed.timestamp = t;
      have_timestamp = true;
    } else {
      auto it = parsed.signatures.find(key);
      if (it == parsed.signatures.end()) {
        it = parsed.signatures.emplace(std::string(key), std::vector<std::string>{}).first;
      }
      it->second.emplace_back(value);
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  if (!have_timestamp) return fail("signature header has no t=");
  return parsed;
}

bool any_signature_matches(std::string_view expected,
                           const std::vector<std::string>& candidates) noexcept {
  bool matched = false;
  for (const auto& c : candidates) matched = constant_time_equals(expected, c) || matched;
  return matched;
}

SignatureVerdict verify_timestamped_hmac_sha256(std::string_view header, std::string_view payload,
                                                std::string_view secret, std::int64_t now,
                                                std::int64_t tolerance_seconds,
                                                std::string_view scheme) {
  const auto parsed = parse_signature_header(header);
  if (!parsed) return SignatureVerdict::malformed;
  std::string signed_payload = std::to_string(parsed->timestamp);
  signed_payload.push_back('.');
  signed_payload.append(payload);
  const auto expected = hmac_sha256_hex(secret, signed_payload);
  if (!any_signature_matches(expected, parsed->of(scheme))) return SignatureVerdict::bad_signature;
  return check_timestamp(parsed->timestamp, now, tolerance_seconds);
}

}  // namespace payd::sdk
