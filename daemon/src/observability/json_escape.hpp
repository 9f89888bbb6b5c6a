#pragma once
#include <string>
#include <string_view>

namespace payd::obs {
// Appends `s` to `out` as the inside of a JSON string (no quotes), escaping control
// characters, quotes and backslashes; invalid UTF-8 bytes become U+FFFD.
void append_json_escaped(std::string& out, std::string_view s);
}  // namespace payd::obs
