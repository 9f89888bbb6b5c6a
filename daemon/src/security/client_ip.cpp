#include "security/client_ip.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace payd::security {

namespace {

std::string ipv4_prefix(const unsigned char* bytes) {
  std::array<unsigned char, 4> a{bytes[0], bytes[1], bytes[2], 0};
  char text[INET_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET, a.data(), text, sizeof text) == nullptr) return {};
  return text;
}

}  // namespace

std::string truncate_client_ip(std::string_view address) {
  // "[::1]" as some peers print it, and a zone ("fe80::1%eth0") that inet_pton refuses.
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  if (auto pct = address.find('%'); pct != std::string_view::npos) address = address.substr(0, pct);
  if (address.empty() || address.size() >= INET6_ADDRSTRLEN) return {};
  const std::string text(address);
  unsigned char v4[4];
  if (inet_pton(AF_INET, text.c_str(), v4) == 1) return ipv4_prefix(v4);
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return {};
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(v6.data(), kMapped, sizeof kMapped) == 0) return ipv4_prefix(v6.data() + 12);
  std::fill(v6.begin() + 6, v6.end(), 0);
  char out[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET6, v6.data(), out, sizeof out) == nullptr) return {};
  return out;
}

}  // namespace payd::security
