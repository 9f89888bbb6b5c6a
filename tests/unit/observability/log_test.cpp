#include "observability/log.hpp"

#include <gtest/gtest.h>

#include "stdout_capture.hpp"
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace payd::obs {
namespace {

using payd::testing::StdoutCapture;

TEST(Log, WritesOneJsonObjectPerLine) {
  init_logging(Level::info);
  StdoutCapture cap;
  log_info("hello").str("k", "v\"q").num("n", std::int64_t{42}).flag("b", true).strings("l", {"x", "y"});
  auto out = cap.finish();
  ASSERT_FALSE(out.empty());
  ASSERT_EQ(out.back(), '\n');
  auto v = boost::json::parse(out).as_object();
  EXPECT_EQ(v.at("msg").as_string(), "hello");
  EXPECT_EQ(v.at("level").as_string(), "info");
  EXPECT_EQ(v.at("k").as_string(), "v\"q");
  EXPECT_EQ(v.at("n").as_int64(), 42);
  EXPECT_EQ(v.at("b").as_bool(), true);
  EXPECT_EQ(v.at("l").as_array().size(), 2U);
  const auto time = std::string(v.at("time").as_string());
  EXPECT_EQ(time.size(), 24U);
  EXPECT_EQ(time.back(), 'Z');
}

TEST(Log, DropsLinesBelowTheLevel) {
  init_logging(Level::warn);
  StdoutCapture cap;
  log_info("quiet");
  log_warn("loud");
  auto out = cap.finish();
  EXPECT_EQ(out.find("quiet"), std::string::npos);
  EXPECT_NE(out.find("loud"), std::string::npos);
  set_log_level(Level::info);
}

TEST(Log, ScrubsConfiguredSecretsEverywhereInTheLine) {
  init_logging(Level::info);
  set_log_secrets({"s3cr3t-canary", "pa\"ss"});
  StdoutCapture cap;
  log_info("connecting with s3cr3t-canary").str("url", "postgresql://u:s3cr3t-canary@h/db").str("q", "pa\"ss");
  auto out = cap.finish();
  set_log_secrets({});
  EXPECT_EQ(out.find("s3cr3t-canary"), std::string::npos) << out;
  EXPECT_EQ(out.find("pa\\\"ss"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED]"), std::string::npos);
  EXPECT_NO_THROW(boost::json::parse(out));
}

}  // namespace
}  // namespace payd::obs

namespace payd::obs {
namespace {

TEST(Log, TextFormatIsOneReadableLine) {
  init_logging(Level::info);
  set_log_text_format(true);
  StdoutCapture cap;
  log_info("listening").num("port", std::int64_t{8080});
  log_info("bare");
  auto out = cap.finish();
  set_log_text_format(false);
  EXPECT_NE(out.find(" info listening {\"port\":8080}\n"), std::string::npos) << out;
  EXPECT_NE(out.find(" info bare\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace payd::obs
