// Documents that load: defaults, every field set, and loading from a file.

#include <gtest/gtest.h>

#include <sstream>

#include "config/config_loader.hpp"
#include "test_support.hpp"

namespace payd::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::fake_env;
using testing::fake_sources;
using testing::messages;
using testing::ScratchDir;

class ConfigLoadTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_env().clear(); }

  static Config load(const std::string& yaml) {
    auto result = load_config_string(yaml, "payd.yaml", fake_sources());
    if (!result) {
      ADD_FAILURE() << "unexpected errors:\n" << ::testing::PrintToString(messages(result.error()));
      return Config{};
    }
    return std::move(result).value();
  }
};

void expect_defaults(const Config& c) {
  EXPECT_EQ(c.listen.address, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 8080);
  EXPECT_EQ(c.server.threads, 0U);
  EXPECT_EQ(c.server.max_header_bytes, 16U * 1024);
  EXPECT_EQ(c.server.max_body_bytes, 1024U * 1024);
  EXPECT_EQ(c.server.max_json_depth, 32U);
  EXPECT_EQ(c.server.header_timeout, seconds{10});
  EXPECT_EQ(c.server.body_timeout, seconds{30});
  EXPECT_EQ(c.server.idle_timeout, seconds{60});
  EXPECT_EQ(c.server.write_timeout, seconds{30});
  EXPECT_EQ(c.server.shutdown_grace, seconds{10});
  EXPECT_EQ(c.server.max_connections, 10'000U);
  EXPECT_EQ(c.log.level, LogLevel::info);
  EXPECT_EQ(c.log.format, LogFormat::json);
  EXPECT_TRUE(c.log.access_log);
  EXPECT_TRUE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.path, "/metrics");
  EXPECT_FALSE(c.database.url.has_value());
  EXPECT_EQ(c.database.pool_size, 4U);
  EXPECT_EQ(c.database.connect_timeout, seconds{5});
  EXPECT_TRUE(c.secret_values().empty());
}

TEST_F(ConfigLoadTest, EmptyDocumentGivesDefaults) {
  expect_defaults(load(""));
}

TEST_F(ConfigLoadTest, CommentsOnlyGivesDefaults) {
  expect_defaults(load("# nothing here\n\n"));
}

TEST_F(ConfigLoadTest, EmptySectionsGiveDefaults) {
  expect_defaults(load("listen:\nserver:\nlog: {}\nmetrics:\ndatabase:\n"));
}

TEST_F(ConfigLoadTest, ExplicitDocumentMarkerGivesDefaults) {
  expect_defaults(load("---\n"));
}

TEST_F(ConfigLoadTest, EveryFieldSet) {
  fake_env()["PAYD_DATABASE_URL"] = "postgresql://payd@db/payd";
  const Config c = load(R"(
listen:
  address: "::1"
  port: 9443
server:
  threads: 8
  max_header_bytes: 32KiB
  max_body_bytes: 4MiB
  max_json_depth: 64
  header_timeout: 1500ms
  body_timeout: 45s
  idle_timeout: 2m
  write_timeout: 1h
  shutdown_grace: 0s
  max_connections: 1000000
log:
  level: debug
  format: text
  access_log: false
metrics:
  enabled: False
  path: /internal/metrics
database:
  url: ${PAYD_DATABASE_URL}
  pool_size: 16
  connect_timeout: 250ms
)");
  EXPECT_EQ(c.source_path, "payd.yaml");
  EXPECT_EQ(c.listen.address, "::1");
  EXPECT_EQ(c.listen.port, 9443);
  EXPECT_EQ(c.server.threads, 8U);
  EXPECT_EQ(c.server.max_header_bytes, 32U * 1024);
  EXPECT_EQ(c.server.max_body_bytes, 4U * 1024 * 1024);
  EXPECT_EQ(c.server.max_json_depth, 64U);
  EXPECT_EQ(c.server.header_timeout, milliseconds{1500});
  EXPECT_EQ(c.server.body_timeout, seconds{45});
  EXPECT_EQ(c.server.idle_timeout, minutes{2});
  EXPECT_EQ(c.server.write_timeout, hours{1});
  EXPECT_EQ(c.server.shutdown_grace, milliseconds{0});
  EXPECT_EQ(c.server.max_connections, 1'000'000U);
  EXPECT_EQ(c.log.level, LogLevel::debug);
  EXPECT_EQ(c.log.format, LogFormat::text);
  EXPECT_FALSE(c.log.access_log);
  EXPECT_FALSE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.path, "/internal/metrics");
  ASSERT_TRUE(c.database.url.has_value());
  EXPECT_EQ(c.database.url->reveal(), "postgresql://payd@db/payd");
  EXPECT_EQ(c.database.pool_size, 16U);
  EXPECT_EQ(c.database.connect_timeout, milliseconds{250});
}

TEST_F(ConfigLoadTest, RangeBoundsAreInclusive) {
  const Config c = load(R"(
listen: {address: 0.0.0.0, port: 65535}
server:
  threads: 256
  max_header_bytes: 1024
  max_body_bytes: 64MiB
  max_json_depth: 512
  header_timeout: 1ms
  shutdown_grace: 10m
  max_connections: 1
database: {pool_size: 256, connect_timeout: 60m}
)");
  EXPECT_EQ(c.listen.port, 65535);
  EXPECT_EQ(c.server.threads, 256U);
  EXPECT_EQ(c.server.max_header_bytes, 1024U);
  EXPECT_EQ(c.server.max_body_bytes, 64U * 1024 * 1024);
  EXPECT_EQ(c.server.max_json_depth, 512U);
  EXPECT_EQ(c.server.header_timeout, milliseconds{1});
  EXPECT_EQ(c.server.shutdown_grace, minutes{10});
  EXPECT_EQ(c.server.max_connections, 1U);
  EXPECT_EQ(c.database.pool_size, 256U);
  EXPECT_EQ(c.database.connect_timeout, hours{1});
}

TEST_F(ConfigLoadTest, QuotedNumbersAndSizesAreAccepted) {
  const Config c = load("listen:\n  port: \"8081\"\nserver:\n  max_body_bytes: \"2MiB\"\n");
  EXPECT_EQ(c.listen.port, 8081);
  EXPECT_EQ(c.server.max_body_bytes, 2U * 1024 * 1024);
}

TEST_F(ConfigLoadTest, EveryLogLevelParsesAndRoundTrips) {
  for (const LogLevel level : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                               LogLevel::error, LogLevel::critical, LogLevel::off}) {
    const std::string name(to_string(level));
    EXPECT_EQ(load("log:\n  level: " + name + "\n").log.level, level) << name;
  }
}

TEST_F(ConfigLoadTest, LogFormatToString) {
  EXPECT_EQ(to_string(LogFormat::json), "json");
  EXPECT_EQ(to_string(LogFormat::text), "text");
}

TEST(ConfigLoadFile, LoadsAndRecordsSourcePath) {
  const ScratchDir dir;
  const auto file = dir.write("payd.yaml", "listen:\n  port: 9000\n");
  const auto result = load_config_file(file, testing::fake_sources());
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(messages(result.error()));
  EXPECT_EQ(result->listen.port, 9000);
  EXPECT_EQ(result->source_path, file.string());
}

TEST(ConfigLoadFile, ErrorsNameTheFileAsGiven) {
  const ScratchDir dir;
  const auto file = dir.write("payd.yaml", "listen:\n  port: 0\n");
  const auto result = load_config_file(file, testing::fake_sources());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      messages(result.error()),
      std::vector<std::string>{file.string() + ":2: listen.port: expected an integer 1-65535"});
}

TEST(ConfigLoadFile, MissingFileIsOneErrorNamingTheFile) {
  const auto result = load_config_file("/nonexistent/payd/payd.yaml", testing::fake_sources());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(messages(result.error()),
            std::vector<std::string>{
                "/nonexistent/payd/payd.yaml: cannot read config file: No such file or directory"});
}

TEST(ConfigLoadFile, DirectoryIsRejected) {
  const ScratchDir dir;
  const auto result = load_config_file(dir.path(), testing::fake_sources());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      messages(result.error()),
      std::vector<std::string>{dir.path().string() + ": cannot read config file: Is a directory"});
}

TEST(ConfigErrorToString, OmitsEmptyParts) {
  EXPECT_EQ((ConfigError{"payd.yaml", 14, "listen.port", "bad"}).to_string(),
            "payd.yaml:14: listen.port: bad");
  EXPECT_EQ((ConfigError{"payd.yaml", 0, "listen.port", "bad"}).to_string(),
            "payd.yaml: listen.port: bad");
  EXPECT_EQ((ConfigError{"payd.yaml", 3, "", "bad"}).to_string(), "payd.yaml:3: bad");
  EXPECT_EQ((ConfigError{"payd.yaml", 0, "", "bad"}).to_string(), "payd.yaml: bad");
  EXPECT_EQ((ConfigError{"", 0, "", "bad"}).to_string(), "bad");
}

}  // namespace
}  // namespace payd::config

namespace payd::config {
namespace {

TEST(ConnectorsConfig, ReadsEntriesSettingsAndSecrets) {
  testing::fake_env().clear();
  testing::fake_env()["SANDBOX_SECRET"] = "whsec_canary_value_1";
  const std::string yaml =
      "plugins: {dir: /opt/payd/plugins}\n"
      "connectors:\n"
      "  - id: sandbox-test\n"
      "    plugin: sandbox\n"
      "    mode: test\n"
      "    required: true\n"
      "    http: {connect_timeout: 2s, allow_insecure_loopback_http: true}\n"
      "    breaker: {failure_threshold: 3, cool_down: 10s}\n"
      "    config:\n"
      "      latency_ms: 25\n"
      "      webhook_secret: ${SANDBOX_SECRET}\n"
      "      ratio: 0.25\n"
      "      quoted: \"42\"\n"
      "      flags: [true, x]\n"
      "      nested: {enabled: false}\n";
  auto r = load_config_string(yaml, "payd.yaml", testing::fake_sources());
  ASSERT_TRUE(r.ok()) << testing::messages(r.error())[0];
  EXPECT_EQ(r->plugins.dir, "/opt/payd/plugins");
  ASSERT_EQ(r->connectors.size(), 1U);
  const auto& c = r->connectors[0];
  EXPECT_EQ(c.id, "sandbox-test");
  EXPECT_EQ(c.plugin, "sandbox");
  EXPECT_EQ(c.mode, ConnectorMode::test);
  EXPECT_TRUE(c.required);
  EXPECT_EQ(c.http.connect_timeout, Millis{2000});
  EXPECT_TRUE(c.http.allow_insecure_loopback_http);
  EXPECT_EQ(c.breaker.failure_threshold, 3U);
  EXPECT_EQ(c.settings.at("latency_ms").as_int64(), 25);
  EXPECT_EQ(c.settings.at("webhook_secret").as_string(), "whsec_canary_value_1");
  EXPECT_EQ(c.settings.at("ratio").as_string(), "0.25");  // decimals never become doubles
  EXPECT_EQ(c.settings.at("quoted").as_string(), "42");
  EXPECT_TRUE(c.settings.at("flags").as_array()[0].as_bool());
  EXPECT_FALSE(c.settings.at("nested").as_object().at("enabled").as_bool());
  EXPECT_EQ(c.settings_lines.at("connectors[0].config.webhook_secret"), 11);
  const auto secrets = r->secret_values();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "whsec_canary_value_1"), secrets.end());
}

TEST(ConnectorsConfig, DefaultsWhenAbsent) {
  auto r = load_config_string("", "payd.yaml", testing::fake_sources());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->plugins.dir, "/usr/lib/payd/plugins");
  EXPECT_TRUE(r->connectors.empty());
}

}  // namespace
}  // namespace payd::config
