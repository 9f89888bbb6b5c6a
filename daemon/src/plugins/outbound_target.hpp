#pragma once
// Where an outbound request may go: parses a plugin's URL into the pieces the HTTPS client
// dials (host, port, origin-form target, Host header, pool key) and applies the policy
// (https only; plain http only to loopback when the connector allows it; no credentials
// in URLs). Pure: no sockets, so the policy is tested on its own.

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugins/http_client.hpp"

namespace payd::plugins {

struct Target {
  bool tls = true;
  std::string host;  // lower-case name or address literal without brackets
  bool is_ip = false;
  boost::asio::ip::address ip;
  std::uint16_t port = 443;
  std::string target;  // origin-form: path and query
  std::string host_header;
  std::string pool_key;
};

// Loopback, including IPv4-mapped IPv6 loopback.
[[nodiscard]] bool is_loopback_address(const boost::asio::ip::address& a);

// Empty string: `out` is filled. Otherwise why the URL is refused (never echoing it).
[[nodiscard]] std::string parse_target(std::string_view url, const ClientOptions& options,
                                       Target& out);

}  // namespace payd::plugins
