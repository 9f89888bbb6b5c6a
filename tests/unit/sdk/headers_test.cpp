// The contract headers compile on their own, and the few out-of-line definitions they need.
#include "payd/sdk/headers.hpp"

#include <gtest/gtest.h>

#include <string>

#include "payd/sdk/plugin.hpp"

namespace payd::sdk {
namespace {

TEST(SdkHeaders, HttpResponseHeaderIsCaseInsensitive) {
  HttpResponse r;
  r.headers = {
      {"Content-Type", "application/json"}, {"Request-Id", "req_1"}, {"request-id", "req_2"}};
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(r.header("Request-Id"), "req_1");  // first match wins
  EXPECT_FALSE(r.header("Retry-After").has_value());
  EXPECT_FALSE(r.header("Content-Typ").has_value());
  EXPECT_FALSE(HttpResponse{}.header("x").has_value());
}

TEST(SdkHeaders, FindHeader) {
  const Headers h = {{"Stripe-Signature", "t=1,v1=aa"}, {"X-Empty", ""}};
  EXPECT_EQ(find_header(h, "stripe-signature"), "t=1,v1=aa");
  EXPECT_EQ(find_header(h, "x-empty"), "");
  EXPECT_FALSE(find_header(h, "webhook-id").has_value());
  EXPECT_TRUE(iequals("AbC-1", "aBc-1"));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("[", "{"));  // '[' and '{' differ by 0x20 but are not letters
}

TEST(SdkHeaders, AbiTagNamesSdkCompilerAndBoost) {
  const std::string tag = kAbiTag;
  EXPECT_EQ(tag.rfind("payd-sdk/1;", 0), 0U) << tag;
  EXPECT_NE(tag.find(";boost-1_81;"), std::string::npos) << tag;
  EXPECT_EQ(kSdkMajor, 1);
}

TEST(SdkHeaders, ConfigErrorNamesTheKey) {
  const ConfigError e("webhook_secret", "expected at least 16 characters");
  EXPECT_EQ(e.key(), "webhook_secret");
  EXPECT_STREQ(e.what(), "webhook_secret: expected at least 16 characters");
}

TEST(SdkHeaders, CapabilitiesSupports) {
  Capabilities c;
  c.operations = {Operation::authorize, Operation::refund};
  EXPECT_TRUE(c.supports(Operation::authorize));
  EXPECT_FALSE(c.supports(Operation::capture));
}

}  // namespace
}  // namespace payd::sdk
