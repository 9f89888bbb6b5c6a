// payd: the payment orchestration daemon.
#include <iostream>
#include <string>
#include <vector>

#include "app/admin_command.hpp"
#include "app/cli.hpp"
#include "app/daemon.hpp"
#include "app/migrate_command.hpp"
#include "app/routes_command.hpp"
#include "common/build_info.hpp"
#include "config/config_loader.hpp"

namespace {

int print_config_errors(const std::vector<payd::config::ConfigError>& errors) {
  for (const auto& e : errors) std::cerr << e.to_string() << '\n';
  std::cerr << errors.size() << (errors.size() == 1 ? " error" : " errors")
            << " in the configuration\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using payd::app::Command;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto cli = payd::app::parse_cli(args);
  if (!cli.options) {
    std::cerr << "payd: " << cli.error << "\n\n" << cli.help;
    return 2;
  }
  const auto& opts = *cli.options;
  switch (opts.command) {
    case Command::help:
      std::cout << cli.help;
      return 0;
    case Command::version:
      std::cout << "payd " << payd::kVersion << " (commit " << payd::kGitCommit << ", "
                << payd::kCompiler << ")\n";
      return 0;
    case Command::check_config: {
      auto cfg = payd::config::load_config_file(opts.config_path);
      if (!cfg) return print_config_errors(cfg.error());
      std::cout << opts.config_path << ": configuration OK\n";
      return 0;
    }
    case Command::migrate:
      return payd::app::run_migrate(opts.command_args, std::cout, std::cerr);
    case Command::admin:
      return payd::app::run_admin(opts.command_args, std::cout, std::cerr);
    case Command::routes:
      return payd::app::run_routes(opts.command_args, std::cout, std::cerr);
    case Command::serve: {
      auto cfg = payd::config::load_config_file(opts.config_path);
      if (!cfg) return print_config_errors(cfg.error());
      return payd::app::run_daemon(std::move(cfg).value(), opts.config_path);
    }
  }
  return 2;
}
