#pragma once
// Command line of the single `payd` binary.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace payd::app {

enum class Command { serve, check_config, version, help, migrate, admin, routes };

struct CliOptions {
  Command command = Command::serve;
  std::string config_path = "/etc/payd/payd.yaml";
  // migrate/admin/routes: the words after the subcommand, parsed by that subcommand.
  std::vector<std::string> command_args;
};

struct CliParse {
  std::optional<CliOptions> options;  // nullopt: usage error, `error` says why
  std::string error;
  std::string help;  // the generated usage text
};

[[nodiscard]] CliParse parse_cli(const std::vector<std::string>& args);

}  // namespace payd::app
