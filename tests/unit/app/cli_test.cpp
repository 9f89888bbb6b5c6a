#include "app/cli.hpp"

#include <gtest/gtest.h>

namespace payd::app {
namespace {

TEST(Cli, DefaultsToServingTheSystemConfig) {
  auto p = parse_cli({});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->command, Command::serve);
  EXPECT_EQ(p.options->config_path, "/etc/payd/payd.yaml");
}

TEST(Cli, ParsesEachCommand) {
  EXPECT_EQ(parse_cli({"--config", "x.yaml"}).options->config_path, "x.yaml");
  EXPECT_EQ(parse_cli({"-c", "y.yaml"}).options->config_path, "y.yaml");
  auto check = parse_cli({"--check-config", "--config", "z.yaml"});
  EXPECT_EQ(check.options->command, Command::check_config);
  EXPECT_EQ(check.options->config_path, "z.yaml");
  EXPECT_EQ(parse_cli({"--version"}).options->command, Command::version);
  EXPECT_EQ(parse_cli({"-V"}).options->command, Command::version);
  EXPECT_EQ(parse_cli({"--help"}).options->command, Command::help);
}

TEST(Cli, SubcommandsTakeTheRestOfTheWords) {
  auto routes = parse_cli({"routes", "--config", "x.yaml"});
  ASSERT_TRUE(routes.options);
  EXPECT_EQ(routes.options->command, Command::routes);
  EXPECT_EQ(routes.options->command_args, (std::vector<std::string>{"--config", "x.yaml"}));
  EXPECT_EQ(parse_cli({"migrate"}).options->command, Command::migrate);
  EXPECT_EQ(parse_cli({"admin"}).options->command, Command::admin);
}

TEST(Cli, UsageErrorsAreReported) {
  auto unknown = parse_cli({"--bogus"});
  EXPECT_FALSE(unknown.options);
  EXPECT_NE(unknown.error.find("bogus"), std::string::npos);
  EXPECT_FALSE(parse_cli({"--config"}).options);
  EXPECT_FALSE(parse_cli({"--version", "--help"}).options);
}

TEST(Cli, HelpMentionsEveryOption) {
  auto p = parse_cli({"--help"});
  for (const char* opt : {"--config", "--check-config", "--version", "--help"}) {
    EXPECT_NE(p.help.find(opt), std::string::npos) << opt;
  }
}

}  // namespace
}  // namespace payd::app
