#pragma once
// Finds the end of an HTTP/1.1 request head in received bytes and rejects line shapes
// that parsers disagree on (bare LF, obsolete line folding) before Beast sees them:
// such disagreements between payd and a proxy in front are how requests get smuggled.

#include <cstddef>
#include <string_view>

namespace payd::http {

struct HeadScan {
  enum class Kind { incomplete, complete, malformed };
  Kind kind = Kind::incomplete;
  std::size_t size = 0;          // complete: bytes up to and including the blank line
  std::string_view reason;       // malformed: why, safe to send to the client
};

[[nodiscard]] HeadScan scan_request_head(std::string_view received) noexcept;

}  // namespace payd::http
