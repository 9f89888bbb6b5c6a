#pragma once
#include <string>
#include <string_view>

namespace payd::http {

// An incoming X-Request-Id is honoured when it is 1-128 characters of [A-Za-z0-9._:-]:
// safe to echo in headers and logs, long enough for any tracing system's ids.
[[nodiscard]] bool is_acceptable_request_id(std::string_view id) noexcept;
// "req_" + 32 lower-case hex digits (128 random bits).
[[nodiscard]] std::string generate_request_id();
// The incoming id when acceptable, a fresh one otherwise.
[[nodiscard]] std::string choose_request_id(std::string_view incoming);

}  // namespace payd::http
