#pragma once
// The cryptographic primitives webhook verification and request signing need, over OpenSSL.
// Keys, data and digests are byte strings held in std::string / std::string_view.
// Functions that cannot fail return plain values; an OpenSSL failure (allocation) throws
// std::runtime_error.

#include <cstddef>
#include <string>
#include <string_view>

#include "payd/sdk/result.hpp"

namespace payd::sdk {

// HMAC (RFC 2104). *_raw returns the digest bytes (32 or 64), *_hex lower-case hex.
[[nodiscard]] std::string hmac_sha256_raw(std::string_view key, std::string_view data);
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view data);
[[nodiscard]] std::string hmac_sha512_raw(std::string_view key, std::string_view data);
[[nodiscard]] std::string hmac_sha512_hex(std::string_view key, std::string_view data);
[[nodiscard]] std::string sha256_raw(std::string_view data);
[[nodiscard]] std::string sha256_hex(std::string_view data);

// Lower-case hex of arbitrary bytes; from_hex accepts either case and fails on odd length
// or a non-hex character.
[[nodiscard]] std::string to_hex(std::string_view bytes);
[[nodiscard]] Result<std::string> from_hex(std::string_view hex);

// RFC 4648 section 4 (standard alphabet, '=' padding). Decoding is strict: the length must
// be a multiple of 4, padding only at the end, no whitespace, and the unused bits of the
// last character must be zero (canonical encoding), so one value has exactly one encoding.
[[nodiscard]] std::string base64_encode(std::string_view bytes);
[[nodiscard]] Result<std::string> base64_decode(std::string_view text);
// RFC 4648 section 5 (URL- and filename-safe alphabet), without padding.
[[nodiscard]] std::string base64url_encode(std::string_view bytes);

// Compares in time that depends only on the lengths, never on where the contents differ
// (CRYPTO_memcmp). Different lengths compare unequal; the lengths themselves (for example
// of a hex digest) are not secret.
[[nodiscard]] bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

enum class TokenEncoding { hex, base64url };
// `bytes` bytes from OpenSSL's CSPRNG (RAND_bytes), encoded. Throws std::runtime_error if the
// generator fails rather than return anything guessable.
[[nodiscard]] std::string random_token(std::size_t bytes,
                                       TokenEncoding encoding = TokenEncoding::hex);

}  // namespace payd::sdk
