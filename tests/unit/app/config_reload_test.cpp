#include "app/config_reload.hpp"

#include <gtest/gtest.h>

namespace payd::app {
namespace {

TEST(ConfigReload, LogSettingsApplyLive) {
  config::Config a;
  config::Config b = a;
  b.log.level = config::LogLevel::debug;
  b.log.access_log = false;
  EXPECT_TRUE(restart_required_changes(a, b).empty());
}

TEST(ConfigReload, ListenerAndLimitsNeedRestart) {
  config::Config a;
  config::Config b = a;
  b.listen.port = 9999;
  b.server.threads = 7;
  b.server.max_body_bytes = 1;
  b.database.url = config::Secret("postgresql:///other");
  const auto changed = restart_required_changes(a, b);
  EXPECT_EQ(changed, (std::vector<std::string>{"listen.port", "server.threads",
                                               "server.max_body_bytes", "database.url"}));
}

}  // namespace
}  // namespace payd::app

namespace payd::app {
namespace {

TEST(ConfigReload, ConnectorChangesNeedRestart) {
  config::Config a;
  config::ConnectorConfig c;
  c.id = "sandbox";
  c.plugin = "sandbox";
  a.connectors.push_back(c);
  config::Config b = a;
  EXPECT_TRUE(restart_required_changes(a, b).empty());
  b.connectors[0].settings["latency_ms"] = 5;
  EXPECT_EQ(restart_required_changes(a, b), std::vector<std::string>{"connectors"});
  b = a;
  b.connectors.clear();
  EXPECT_EQ(restart_required_changes(a, b), std::vector<std::string>{"connectors"});
  b = a;
  b.plugins.dir = "/elsewhere";
  EXPECT_EQ(restart_required_changes(a, b), std::vector<std::string>{"plugins.dir"});
}

}  // namespace
}  // namespace payd::app

namespace payd::app {
namespace {

TEST(ConfigReload, RoutingChangesNeedRestart) {
  config::Config a;
  config::RoutingRule rule;
  rule.name = "eu";
  rule.match.currencies = {"EUR"};
  rule.connectors = {"sandbox"};
  a.routing.rules.push_back(rule);
  config::Config b = a;
  EXPECT_TRUE(restart_required_changes(a, b).empty());
  b.routing.rules[0].match.currencies = {"GBP"};
  EXPECT_EQ(restart_required_changes(a, b), std::vector<std::string>{"routing"});
  b = a;
  b.routing.rules[0].failover_on_decline = true;
  EXPECT_EQ(restart_required_changes(a, b), std::vector<std::string>{"routing"});
  b = a;
  b.routing.default_connectors = std::vector<std::string>{"sandbox"};
  EXPECT_EQ(restart_required_changes(a, b), std::vector<std::string>{"routing"});
}

}  // namespace
}  // namespace payd::app
