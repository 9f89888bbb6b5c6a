// The example configs in etc/payd/ must keep loading as the schema evolves.

#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "test_support.hpp"

namespace payd::config {
namespace {

using testing::fake_env;
using testing::fake_sources;
using testing::messages;
using testing::ScratchDir;

const std::filesystem::path kEtc = std::filesystem::path(PAYD_SOURCE_DIR) / "etc" / "payd";

class ShippedConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_env().clear(); }
};

TEST_F(ShippedConfigTest, ProductionExampleLoadsWithSystemdCredential) {
  const ScratchDir credentials;
  credentials.write("database-url", "postgresql://payd@db.internal/payd\n");
  SecretSources sources = fake_sources();
  sources.credentials_directory = credentials.path().string();

  const auto result = load_config_file(kEtc / "payd.yaml", sources);
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(messages(result.error()));
  const Config& c = *result;
  EXPECT_EQ(c.listen.address, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 8080);
  EXPECT_EQ(c.server.threads, 0U);
  EXPECT_EQ(c.log.level, LogLevel::info);
  EXPECT_EQ(c.log.format, LogFormat::json);
  EXPECT_TRUE(c.metrics.enabled);
  ASSERT_TRUE(c.database.url.has_value());
  EXPECT_EQ(c.database.url->reveal(), "postgresql://payd@db.internal/payd");
}

TEST_F(ShippedConfigTest, ProductionExampleDocumentsTheDefaults) {
  // The example spells out every default; loading it must give the same tree as an empty file
  // (apart from the database URL, which has no default).
  const ScratchDir credentials;
  credentials.write("database-url", "x");
  SecretSources sources = fake_sources();
  sources.credentials_directory = credentials.path().string();
  auto example = load_config_file(kEtc / "payd.yaml", sources);
  const auto defaults = load_config_string("", "empty.yaml", sources);
  ASSERT_TRUE(example.ok() && defaults.ok());
  Config& c = *example;
  c.database.url.reset();
  const Config& d = *defaults;
  EXPECT_EQ(c.listen.address, d.listen.address);
  EXPECT_EQ(c.listen.port, d.listen.port);
  EXPECT_EQ(c.server.threads, d.server.threads);
  EXPECT_EQ(c.server.max_header_bytes, d.server.max_header_bytes);
  EXPECT_EQ(c.server.max_body_bytes, d.server.max_body_bytes);
  EXPECT_EQ(c.server.max_json_depth, d.server.max_json_depth);
  EXPECT_EQ(c.server.header_timeout, d.server.header_timeout);
  EXPECT_EQ(c.server.body_timeout, d.server.body_timeout);
  EXPECT_EQ(c.server.idle_timeout, d.server.idle_timeout);
  EXPECT_EQ(c.server.write_timeout, d.server.write_timeout);
  EXPECT_EQ(c.server.shutdown_grace, d.server.shutdown_grace);
  EXPECT_EQ(c.server.max_connections, d.server.max_connections);
  EXPECT_EQ(c.log.level, d.log.level);
  EXPECT_EQ(c.log.format, d.log.format);
  EXPECT_EQ(c.log.access_log, d.log.access_log);
  EXPECT_EQ(c.metrics.enabled, d.metrics.enabled);
  EXPECT_EQ(c.metrics.path, d.metrics.path);
  EXPECT_EQ(c.database.pool_size, d.database.pool_size);
  EXPECT_EQ(c.database.connect_timeout, d.database.connect_timeout);
}

TEST_F(ShippedConfigTest, ProductionExampleNeedsCredentialsDirectory) {
  const auto result = load_config_file(kEtc / "payd.yaml", fake_sources());
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().size(), 1U);
  EXPECT_EQ(result.error()[0].path, "database.url");
  EXPECT_EQ(result.error()[0].message,
            "credential:database-url needs $CREDENTIALS_DIRECTORY (set by systemd "
            "LoadCredential=)");
}

TEST_F(ShippedConfigTest, DevelopmentProfileLoadsWithEnvironmentUrl) {
  fake_env()["PAYD_DATABASE_URL"] = "postgresql://payd:payd@localhost/payd";
  const auto result = load_config_file(kEtc / "payd.dev.yaml", fake_sources());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(messages(result.error()));
  const Config& c = *result;
  EXPECT_EQ(c.listen.address, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 8080);
  EXPECT_EQ(c.log.level, LogLevel::info);
  EXPECT_TRUE(c.log.access_log);
  ASSERT_TRUE(c.database.url.has_value());
  EXPECT_EQ(c.database.url->reveal(), "postgresql://payd:payd@localhost/payd");
  EXPECT_EQ(c.secret_values(), std::vector<std::string>{"postgresql://payd:payd@localhost/payd"});
}

}  // namespace
}  // namespace payd::config
