#pragma once
// What the audit log keeps of a client's address: enough to tell networks apart, not
// enough to identify a person. IPv4 keeps its /24 ("203.0.113.77" -> "203.0.113.0"), IPv6
// its /48 ("2001:db8:1234:5678::1" -> "2001:db8:1234::"); an IPv4-mapped IPv6 address is
// treated as the IPv4 one. Anything else (empty, a Unix socket, garbage) becomes "".

#include <string>
#include <string_view>

namespace payd::security {

[[nodiscard]] std::string truncate_client_ip(std::string_view address);

}  // namespace payd::security
