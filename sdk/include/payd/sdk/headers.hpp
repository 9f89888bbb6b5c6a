#pragma once
// Case-insensitive lookup in a Headers list (HTTP field names are case-insensitive, RFC 9110
// section 5.1): what on_webhook needs to read e.g. "Stripe-Signature" from InboundWebhook.

#include <optional>
#include <string>
#include <string_view>

#include "payd/sdk/types.hpp"

namespace payd::sdk {

// ASCII case-insensitive equality.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

// The value of the first header named `name` (any case), or std::nullopt.
// HttpResponse::header(name) is the same lookup.
[[nodiscard]] std::optional<std::string> find_header(const Headers& headers, std::string_view name);

}  // namespace payd::sdk
