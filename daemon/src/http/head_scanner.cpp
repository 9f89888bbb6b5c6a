#include "http/head_scanner.hpp"

namespace payd::http {

HeadScan scan_request_head(std::string_view data) noexcept {
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '\n') continue;
    if (i == 0 || data[i - 1] != '\r') {
      return {HeadScan::Kind::malformed, 0, "Header lines must end with CRLF."};
    }
    // CRLF CRLF: the blank line that ends the head.
    if (i >= 3 && data[i - 2] == '\n' && data[i - 3] == '\r') {
      return {HeadScan::Kind::complete, i + 1, {}};
    }
    if (i + 1 < data.size() && (data[i + 1] == ' ' || data[i + 1] == '\t')) {
      return {HeadScan::Kind::malformed, 0, "Obsolete header line folding is not accepted."};
    }
  }
  return {};
}

}  // namespace payd::http
