#pragma once
// JSON parsing for untrusted security tokens. Boost.JSON (1.81) keeps the last of duplicate
// object keys silently; two parsers reading one token differently ({"sub":"a","sub":"b"}) is
// a classic confusion attack, so duplicates are refused here, at every depth.

#include <boost/json/object.hpp>
#include <string_view>

#include "common/result.hpp"

namespace payd::security {

// The object `text` encodes: strict RFC 8259 (no comments, trailing commas or invalid UTF-8),
// depth at most 16, a top-level object, no duplicate key in any object. The error says what
// is wrong, never quotes the input.
[[nodiscard]] Result<boost::json::object> parse_strict_json_object(std::string_view text);

}  // namespace payd::security
