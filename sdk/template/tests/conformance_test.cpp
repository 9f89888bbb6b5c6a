// The example provider through payd's conformance kit: one test per fixture in ../fixtures
// (PAYD_FIXTURES_DIR), plus the kit's coverage check and webhook attacks. Your own unit
// tests can live beside it.
#include "payd/testkit/conformance.hpp"

#include <gtest/gtest.h>

#include "example_provider.hpp"
#include "payd/sdk/plugin.hpp"  // sdk::ConfigError

// The same factory the plugin exports (plugin_entry.cpp).
PAYD_CONFORMANCE_SUITE(Example, &example::make_provider, PAYD_FIXTURES_DIR);

namespace {

boost::json::object config(std::string api_key) {
  return {{"api_key", std::move(api_key)}};
}

std::string config_error_key(const boost::json::object& cfg, payd::sdk::Mode mode) {
  try {
    (void)example::parse_settings(cfg, mode);
  } catch (const payd::sdk::ConfigError& e) {
    return e.key();
  }
  return "(accepted)";
}

TEST(ExampleSettings, KeyMustMatchTheConnectorsMode) {
  EXPECT_EQ(config_error_key(config("ek_test_1"), payd::sdk::Mode::test), "(accepted)");
  EXPECT_EQ(config_error_key(config("ek_test_1"), payd::sdk::Mode::live), "api_key");
  EXPECT_EQ(config_error_key(config("ek_live_1"), payd::sdk::Mode::test), "api_key");
  EXPECT_EQ(config_error_key({}, payd::sdk::Mode::test), "api_key");
}

TEST(ExampleSettings, BadValuesAndUnknownKeysNameTheKey) {
  auto cfg = config("ek_test_1");
  cfg["webhook_secret"] = "short";
  EXPECT_EQ(config_error_key(cfg, payd::sdk::Mode::test), "webhook_secret");
  cfg = config("ek_test_1");
  cfg["base_url"] = "ftp://example.test";
  EXPECT_EQ(config_error_key(cfg, payd::sdk::Mode::test), "base_url");
  cfg = config("ek_test_1");
  cfg["api_secret"] = "typo";
  EXPECT_EQ(config_error_key(cfg, payd::sdk::Mode::test), "api_secret");
}

TEST(ExampleSettings, BaseUrlLosesItsTrailingSlash) {
  auto cfg = config("ek_test_1");
  cfg["base_url"] = "https://sandbox.examplepay.test/v1/";
  EXPECT_EQ(example::parse_settings(cfg, payd::sdk::Mode::test).base_url,
            "https://sandbox.examplepay.test/v1");
}

}  // namespace
