#include "core/ids.hpp"

#include "core/random_text.hpp"

namespace payd::core {

std::string new_id(std::string_view prefix) {
  std::string id;
  id.reserve(prefix.size() + 1 + kIdRandomChars);
  id.append(prefix).push_back('_');
  id += random_base62(kIdRandomChars);
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
