#pragma once
// Resource ids: "<prefix>_<24 base62 characters>", e.g. "pay_4Jx0...". The random part
// carries 24 * log2(62) = 142 bits from OpenSSL's CSPRNG: unguessable, so an id leaks
// nothing and cannot be enumerated, and collisions are not a practical concern.

#include <cstddef>
#include <string>
#include <string_view>

namespace payd::core {

inline constexpr std::size_t kIdRandomChars = 24;

// prefix + "_" + 24 characters of [0-9A-Za-z]. Throws std::runtime_error if the CSPRNG
// fails rather than return anything guessable.
[[nodiscard]] std::string new_id(std::string_view prefix);

// True when `s` has exactly the shape new_id(prefix) produces. Lets a handler answer 404 on a
// junk id without a database round trip (and keeps junk out of queries and logs).
[[nodiscard]] bool looks_like_id(std::string_view s, std::string_view prefix) noexcept;

}  // namespace payd::core
