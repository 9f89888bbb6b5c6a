#pragma once
// Request fields that payments, checkout sessions and payment links read the same way.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace payd::api {

class FieldReader;

inline constexpr std::size_t kShortText = 255;  // names, references
inline constexpr std::size_t kLongText = 1000;  // descriptions
inline constexpr std::size_t kMaxMethodTypes = 10;
inline constexpr std::size_t kMaxMethodTypeChars = 32;

// payment_method_types: absent is the default ([card]); present must name at least one type.
[[nodiscard]] std::optional<std::vector<std::string>> read_method_types(FieldReader& r);

}  // namespace payd::api
