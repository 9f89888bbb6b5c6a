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
