#pragma once
// Base32 (RFC 4648 section 6): how TOTP secrets travel to authenticator apps (otpauth URIs).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace payd::security {

// Upper-case base32 without '=' padding, as authenticator apps expect in an otpauth URI.
[[nodiscard]] std::string base32_encode(std::string_view bytes);

// Accepts either case and optional trailing '=' padding (people copy secrets by hand). Fails
// on any other character, on a length no encoding produces, and on non-zero unused bits, so
// a typo is reported rather than silently decoded into a different secret. The error names
// the offending position, never the text.
[[nodiscard]] Result<std::string> base32_decode(std::string_view text);

}  // namespace payd::security
