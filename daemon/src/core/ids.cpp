#include "core/ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace payd::core {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// Bytes at or above 248 (= 4 * 62) are drawn again: taking byte % 62 over all 256 values
// would make the first 8 characters more likely than the others.
constexpr unsigned kUnbiasedLimit = 4 * 62;

bool is_base62(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

std::string new_id(std::string_view prefix) {
  std::string id;
  id.reserve(prefix.size() + 1 + kIdRandomChars);
  id.append(prefix).push_back('_');
  std::array<unsigned char, 32> bytes{};
  std::size_t used = bytes.size();
  for (std::size_t produced = 0; produced < kIdRandomChars;) {
    if (used == bytes.size()) {
      if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed: cannot generate an id");
      }
      used = 0;
    }
    const unsigned b = bytes[used++];
    if (b >= kUnbiasedLimit) continue;
    id.push_back(kBase62[b % 62]);
    ++produced;
  }
  return id;
}

bool looks_like_id(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() != prefix.size() + 1 + kIdRandomChars) return false;
  if (!s.starts_with(prefix) || s[prefix.size()] != '_') return false;
  for (char c : s.substr(prefix.size() + 1)) {
    if (!is_base62(c)) return false;
  }
  return true;
}

}  // namespace payd::core
