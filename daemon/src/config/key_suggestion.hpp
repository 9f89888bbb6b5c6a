#pragma once
// "did you mean ...?" for misspelt config keys.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace payd::config {

// Edits (insert, delete, substitute, swap two adjacent characters) to turn a into b.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known key nearest to `unknown` when at most two edits away; the first one listed wins
// a tie, so callers list keys in schema order.
std::optional<std::string> nearest_key(std::string_view unknown,
                                       std::span<const std::string> known_keys);

}  // namespace payd::config
