#pragma once
// Timestamped webhook signatures, the scheme Stripe and many others use:
//
//   Stripe-Signature: t=1700000000,v1=<hex hmac>,v1=<another during secret rotation>,v0=...
//   signed payload:   "<t>.<raw body>", HMAC-SHA256 keyed with the endpoint secret
//
// A plugin verifies with one call:
//
//   switch (verify_timestamped_hmac_sha256(header, webhook.body, secret,
//                                          webhook.received_at, 300)) { ... }
//
// or composes the pieces (parse_signature_header, any_signature_matches, check_timestamp)
// for providers that sign something else. Comparisons are constant-time.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "payd/sdk/result.hpp"

namespace payd::sdk {

enum class SignatureVerdict {
  valid,
  bad_signature,  // no candidate signature of the expected scheme matches
  stale,          // signature fine, timestamp older than now - tolerance (replay window)
  future,         // signature fine, timestamp later than now + tolerance (clock skew)
  malformed,      // header missing or unparseable
};
[[nodiscard]] std::string_view to_string(SignatureVerdict verdict) noexcept;

// valid when now - tolerance <= timestamp <= now + tolerance (bounds inclusive), else stale
// or future. All values in seconds; a negative tolerance counts as 0. Overflow-safe.
[[nodiscard]] SignatureVerdict check_timestamp(std::int64_t timestamp, std::int64_t now,
                                               std::int64_t tolerance_seconds) noexcept;

struct ParsedSignatureHeader {
  std::int64_t timestamp = 0;
  // Signatures by scheme ("v1", "v0" ...), in header order. Unknown schemes are kept; the
  // verifier only ever looks at the scheme it expects (so a "v0" never satisfies "v1").
  std::map<std::string, std::vector<std::string>, std::less<>> signatures;

  // The candidates of one scheme; empty when the header has none.
  [[nodiscard]] const std::vector<std::string>& of(std::string_view scheme) const;
};

// Parses "t=<unix seconds>,<scheme>=<signature>,...". Items are separated by ',' with
// optional spaces around them; each item is key=value split at the first '='. Fails (with a
// reason) when: empty or longer than 8 KiB; more than 64 items; an item without '=', with an
// empty key or empty value; no "t", a repeated "t", or "t" not 1-18 decimal digits.
[[nodiscard]] Result<ParsedSignatureHeader> parse_signature_header(std::string_view header);

// True when any candidate equals `expected` (each compared in constant time; all candidates
// are compared). Case-sensitive: compute `expected` in the provider's format (lower-case hex
// for Stripe).
[[nodiscard]] bool any_signature_matches(std::string_view expected,
                                         const std::vector<std::string>& candidates) noexcept;

// The whole Stripe-style check: parse `header` (malformed), compare
// hex(HMAC-SHA256(secret, "<t>." + payload)) with every `scheme` signature (bad_signature when
// none matches, including when there are none), then check_timestamp(t, now, tolerance).
// The secret is used as given (Stripe keys with the literal "whsec_..." string).
[[nodiscard]] SignatureVerdict verify_timestamped_hmac_sha256(
    std::string_view header, std::string_view payload, std::string_view secret, std::int64_t now,
    std::int64_t tolerance_seconds, std::string_view scheme = "v1");

}  // namespace payd::sdk
