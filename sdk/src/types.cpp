// Out-of-line definitions for the contract's structs (payd/sdk/types.hpp) and headers.hpp.
#include "payd/sdk/types.hpp"

#include "payd/sdk/headers.hpp"

namespace payd::sdk {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

// Case-insensitive, first match wins.
std::optional<std::string> HttpResponse::header(std::string_view name) const {
  return find_header(headers, name);
}

}  // namespace payd::sdk
