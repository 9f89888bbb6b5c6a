#include "security/client_ip.hpp"

#include <gtest/gtest.h>

namespace payd::security {
namespace {

TEST(ClientIp, Ipv4KeepsTheSlash24) {
  EXPECT_EQ(truncate_client_ip("203.0.113.77"), "203.0.113.0");
  EXPECT_EQ(truncate_client_ip("127.0.0.1"), "127.0.0.0");
}

TEST(ClientIp, Ipv6KeepsTheSlash48) {
  EXPECT_EQ(truncate_client_ip("2001:db8:1234:5678:9abc::1"), "2001:db8:1234::");
  EXPECT_EQ(truncate_client_ip("[2001:db8:1:2::3]"), "2001:db8:1::");
  EXPECT_EQ(truncate_client_ip("fe80::1%eth0"), "fe80::");
  EXPECT_EQ(truncate_client_ip("::1"), "::");
}

TEST(ClientIp, MappedIpv4IsTreatedAsIpv4) {
  EXPECT_EQ(truncate_client_ip("::ffff:198.51.100.9"), "198.51.100.0");
}

TEST(ClientIp, AnythingElseIsEmpty) {
  EXPECT_EQ(truncate_client_ip(""), "");
  EXPECT_EQ(truncate_client_ip("not an address"), "");
  EXPECT_EQ(truncate_client_ip("203.0.113.77:443"), "");
  EXPECT_EQ(truncate_client_ip("/run/payd.sock"), "");
}

}  // namespace
}  // namespace payd::security
