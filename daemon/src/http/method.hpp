#pragma once
#include <string_view>

namespace payd::http {

enum class Method { get, head, post, put, patch, del, options, other };

[[nodiscard]] Method parse_method(std::string_view text) noexcept;
// Canonical upper-case name; "OTHER" for anything we do not route.
[[nodiscard]] std::string_view to_string(Method m) noexcept;

}  // namespace payd::http
