#include "plugins/outbound_target.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

namespace payd::plugins {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string lower(std::string_view in) {
  std::string out(in);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool is_loopback_address(const asio::ip::address& a) {
  if (a.is_loopback()) return true;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
  }
  return false;
}

std::string parse_target(std::string_view url, const ClientOptions& options, Target& out) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "invalid URL";
  const boost::urls::url_view u = *parsed;
  if (u.scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (u.scheme_id() == boost::urls::scheme::http) {
    out.tls = false;
  } else {
    return "unsupported URL scheme (https only)";
  }
  if (u.has_userinfo()) return "credentials in the URL are not supported";
  switch (u.host_type()) {
    case boost::urls::host_type::name: {
      const auto host = u.encoded_host();
      if (host.empty() || host.find('%') != boost::urls::pct_string_view::npos) {
        return "invalid host in URL";
      }
      out.host = lower(std::string_view(host.data(), host.size()));
      break;
    }
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6: {
      const auto literal = u.encoded_host_address();
      out.host = std::string(literal.data(), literal.size());
      error_code ec;
      out.ip = asio::ip::make_address(out.host, ec);
      if (ec) return "invalid address in URL";
      out.is_ip = true;
      break;
    }
    default:
      return "invalid host in URL";
  }
  const std::uint16_t default_port = out.tls ? 443 : 80;
  out.port = default_port;
  if (u.has_port()) {
    // port_number() wraps values above 65535; read the digits ourselves.
    const auto digits = u.port();
    unsigned long port = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9' || port > 65535) return "invalid port in URL";
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (digits.empty() || port == 0 || port > 65535) return "invalid port in URL";
    out.port = static_cast<std::uint16_t>(port);
  }
  if (!out.tls) {
    if (!options.allow_insecure_loopback_http) {
      return "plain http refused: the connector does not allow insecure loopback http";
    }
    const bool is_localhost = !out.is_ip && (out.host == "localhost" || out.host == "localhost.");
    if (!(out.is_ip ? is_loopback_address(out.ip) : is_localhost)) {
      return "plain http refused: only loopback hosts may be reached over http";
    }
  }
  const auto path = u.encoded_path();
  out.target = path.empty() ? std::string("/") : std::string(path.data(), path.size());
  if (out.target.front() != '/') out.target.insert(out.target.begin(), '/');
  if (u.has_query()) {
    const auto query = u.encoded_query();
    out.target += '?';
    out.target.append(query.data(), query.size());
  }
  out.host_header = out.ip.is_v6() && out.is_ip ? "[" + out.host + "]" : out.host;
  if (out.port != default_port) {
    // Appended piecewise: GCC 12 at -O3 reports a false -Wrestrict for ":" + to_string().
    out.host_header += ':';
    out.host_header += std::to_string(out.port);
  }
  out.pool_key =
      (out.tls ? "https://" : "http://") + out.host_header + "|" + std::to_string(out.port);
  if (out.tls) out.pool_key += "|" + options.ca_file;
  return {};
}

}  // namespace payd::plugins
