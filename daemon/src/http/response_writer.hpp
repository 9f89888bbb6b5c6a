#pragma once
// Renders a Response as HTTP/1.1 wire bytes in one string, so the server sends each
// response with a single write (measured: ~20% of the per-request cost went to walking
// Beast's serializer buffer chain; see docs/BENCHMARKS.md).

#include <string>
#include <string_view>

#include "http/response.hpp"

namespace payd::http {

[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

// Adds Content-Length (and Connection when needed); a HEAD response keeps the length of
// the body it omits, a 304 (which has no body) states none. `version` is 10 or 11.
void serialize_response(const Response& res, unsigned version, bool keep_alive, bool head,
                        std::string& out);

}  // namespace payd::http
