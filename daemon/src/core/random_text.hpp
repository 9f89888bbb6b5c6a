#pragma once
// Random base62 text from OpenSSL's CSPRNG (RAND_bytes): the random part of resource ids
// (core/ids.hpp) and of credentials (security/api_key.hpp).

#include <cstddef>
#include <string>
#include <string_view>

namespace payd::core {

// The 62 characters [0-9A-Za-z].
inline constexpr std::string_view kBase62Alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// `n` characters drawn uniformly from kBase62Alphabet (rejection sampling, so no
// character is more likely than another): log2(62) = 5.95 bits each. Throws
// std::runtime_error if the generator fails rather than return anything guessable.
[[nodiscard]] std::string random_base62(std::size_t n);

[[nodiscard]] constexpr bool is_base62(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace payd::core
