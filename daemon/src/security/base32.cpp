#include "security/base32.hpp"

#include <cstdint>

namespace payd::security {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int value_of(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string base32_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t acc = 0;
  unsigned bits = 0;
  for (const char ch : bytes) {
    acc = (acc << 8U) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(acc >> bits) & 0x1FU]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (5 - bits)) & 0x1FU]);
  return out;
}

Result<std::string> base32_decode(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') --end;
  // Padding, when present, completes a block of 8 characters; at most 6 of it.
  if (end != text.size() && (text.size() % 8 != 0 || text.size() - end > 6)) {
    return fail(std::string("base32: bad padding"));
  }
  // 1, 3 and 6 leftover characters carry fewer than 8 bits beyond a whole block of 5 bytes.
  const std::size_t rem = end % 8;
  if (rem == 1 || rem == 3 || rem == 6) {
    return fail("base32: length " + std::to_string(end) + " is not a valid encoding");
  }
  std::string out;
  out.reserve(end * 5 / 8);
  std::uint32_t acc = 0;
  unsigned bits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const int v = value_of(text[i]);
    if (v < 0) return fail("base32: invalid character at offset " + std::to_string(i));
    acc = ((acc << 5U) | static_cast<std::uint32_t>(v)) & 0xFFFFU;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFU));
    }
  }
  if (bits > 0 && (acc & ((1U << bits) - 1U)) != 0) {
    return fail(std::string("base32: non-zero unused bits"));
  }
  return out;
}

}  // namespace payd::security
