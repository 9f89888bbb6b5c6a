#include "core/random_text.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace payd::core {

std::string random_base62(std::size_t n) {
  // 248 = 4 * 62: bytes at or above it are rejected so that `byte % 62` is uniform.
  constexpr unsigned kLimit = 248;
  std::string out;
  out.reserve(n);
  std::array<unsigned char, 64> buf{};
  while (out.size() < n) {
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
      throw std::runtime_error("RAND_bytes failed: no random bytes for an id or a credential");
    }
    for (unsigned char b : buf) {
      if (b >= kLimit) continue;
      out.push_back(kBase62Alphabet[b % 62U]);
      if (out.size() == n) break;
    }
  }
  return out;
}

}  // namespace payd::core
