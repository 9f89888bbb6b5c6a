#pragma once
// API keys: the credential a merchant's servers send as `Authorization: Bearer <key>`.
//
//   sk_test_<lookup: 16 base62><secret: 43 base62>     67 characters in all
//   ^^ kind: sk_ secret key, rk_ restricted key (#5: scopes)
//      ^^^^ mode: test | live (the key fixes the mode of everything it does)
//
// * The lookup part is random and not secret: it is stored in clear (api_keys.lookup,
//   unique) and finds the key's row with one indexed query.
// * The secret part carries 43 * log2(62) = 256.0 random bits from RAND_bytes.
// * Only SHA-256 of the whole key is stored (secret_hash, 32 bytes). The key has 256 bits
//   of entropy, so a slow password hash would add nothing; verification compares the
//   digests with CRYPTO_memcmp (constant time).
// * The full key is shown once, when created, and never logged: logs and audit entries
//   use display_key(), e.g. "sk_live_…abcd" (prefix and last four characters).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "payd/sdk/types.hpp"

namespace payd::security {

enum class KeyKind {
  secret,      // sk_: every permission of its role
  restricted,  // rk_: only its explicit scopes (#5)
};

[[nodiscard]] std::string_view to_string(KeyKind kind) noexcept;  // "secret" | "restricted"
[[nodiscard]] std::optional<KeyKind> parse_key_kind(std::string_view s) noexcept;

inline constexpr std::size_t kKeyPrefixLength = 8;  // "sk_test_"
inline constexpr std::size_t kKeyLookupLength = 16;
inline constexpr std::size_t kKeySecretLength = 43;
inline constexpr std::size_t kApiKeyLength =
    kKeyPrefixLength + kKeyLookupLength + kKeySecretLength;  // 67
inline constexpr std::size_t kKeyHashLength = 32;            // SHA-256

using KeyHash = std::array<unsigned char, kKeyHashLength>;

// "sk_test_", "sk_live_", "rk_test_" or "rk_live_".
[[nodiscard]] std::string_view key_prefix(KeyKind kind, sdk::Mode mode) noexcept;

struct GeneratedApiKey {
  std::string key;  // the full key: give it to the caller once, never store or log it
  KeyKind kind = KeyKind::secret;
  sdk::Mode mode = sdk::Mode::test;
  std::string lookup;     // api_keys.lookup
  KeyHash secret_hash{};  // api_keys.secret_hash: SHA-256 of `key`
  std::string last4;      // api_keys.last4: the key's last four characters
};

// A new key from the CSPRNG. Throws std::runtime_error if RAND_bytes fails.
[[nodiscard]] GeneratedApiKey generate_api_key(sdk::Mode mode, KeyKind kind = KeyKind::secret);

struct ParsedApiKey {
  KeyKind kind = KeyKind::secret;
  sdk::Mode mode = sdk::Mode::test;
  std::string_view lookup;  // views into the parsed text
  std::string_view last4;
};

// Strict: exactly kApiKeyLength characters, one of the four prefixes, then base62 only.
// Anything else is std::nullopt, so a malformed credential never reaches the database.
[[nodiscard]] std::optional<ParsedApiKey> parse_api_key(std::string_view text) noexcept;

// True when `text` starts like an API key ("sk_"/"rk_" + mode + "_"), whatever follows:
// lets a caller tell an API key from another kind of bearer token (JWT, #5).
[[nodiscard]] bool has_api_key_prefix(std::string_view text) noexcept;

// SHA-256 of the whole key. Throws std::runtime_error if OpenSSL fails.
[[nodiscard]] KeyHash hash_api_key(std::string_view full_key);

// Whether SHA-256(full_key) equals `stored_hash` (the 32 bytes of api_keys.secret_hash),
// compared with CRYPTO_memcmp: the time taken does not depend on where they differ.
// False for a stored hash of the wrong length.
[[nodiscard]] bool verify_api_key(std::string_view full_key, std::string_view stored_hash) noexcept;

// "sk_live_…abcd": safe for logs, audit actors and key listings.
[[nodiscard]] std::string display_key(KeyKind kind, sdk::Mode mode, std::string_view last4);

}  // namespace payd::security
