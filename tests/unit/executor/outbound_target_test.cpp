#include "plugins/outbound_target.hpp"

#include <gtest/gtest.h>

namespace payd::plugins {
namespace {

std::string refusal(std::string_view url, bool allow_loopback_http = false) {
  ClientOptions o;
  o.allow_insecure_loopback_http = allow_loopback_http;
  Target t;
  return parse_target(url, o, t);
}

TEST(OutboundTarget, HttpsUrlBecomesOriginFormWithHostHeaderAndPoolKey) {
  ClientOptions o;
  o.ca_file = "/etc/ca.pem";
  Target t;
  ASSERT_EQ(parse_target("https://API.Example.com:8443/v1/x?a=1", o, t), "");
  EXPECT_TRUE(t.tls);
  EXPECT_EQ(t.host, "api.example.com");
  EXPECT_EQ(t.port, 8443);
  EXPECT_EQ(t.target, "/v1/x?a=1");
  EXPECT_EQ(t.host_header, "api.example.com:8443");
  EXPECT_EQ(t.pool_key, "https://api.example.com:8443|8443|/etc/ca.pem");
  ASSERT_EQ(parse_target("https://[::1]/", o, t), "");
  EXPECT_EQ(t.host_header, "[::1]");
  EXPECT_EQ(t.port, 443);
}

TEST(OutboundTarget, RefusesWhatTheExecutorMustNeverDial) {
  EXPECT_NE(refusal("ftp://example.com/"), "");
  EXPECT_NE(refusal("not a url"), "");
  EXPECT_NE(refusal("https://user:pw@example.com/"), "");
  EXPECT_NE(refusal("https://example.com:99999/"), "");
  EXPECT_NE(refusal("https://example.com:0/"), "");
  EXPECT_NE(refusal("http://127.0.0.1/"), "");          // http needs the opt-in
  EXPECT_NE(refusal("http://example.com/", true), "");  // and only to loopback
  EXPECT_NE(refusal("http://10.0.0.1/", true), "");
  EXPECT_EQ(refusal("http://127.0.0.1:9000/", true), "");
  EXPECT_EQ(refusal("http://localhost/", true), "");
  EXPECT_EQ(refusal("http://[::ffff:127.0.0.1]/", true), "");
}

TEST(OutboundTarget, RefusalsNeverEchoTheUrl) {
  EXPECT_EQ(refusal("https://user:sk_live_secret@example.com/").find("sk_live_secret"),
            std::string::npos);
}

}  // namespace
}  // namespace payd::plugins
