#include "http/request_id.hpp"

#include <array>
#include <random>

namespace payd::http {

bool is_acceptable_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string generate_request_id() {
  // Request ids only need to be unique, not secret; a per-thread engine avoids locking.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string id = "req_";
  id.reserve(36);
  for (int half = 0; half < 2; ++half) {
    auto bits = engine();
    for (int i = 0; i < 16; ++i) {
      id += kHex[bits & 0xF];
      bits >>= 4;
    }
  }
  return id;
}

std::string choose_request_id(std::string_view incoming) {
  return is_acceptable_request_id(incoming) ? std::string(incoming) : generate_request_id();
}

}  // namespace payd::http
