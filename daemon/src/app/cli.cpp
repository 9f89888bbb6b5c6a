#include "app/cli.hpp"

#include <boost/program_options.hpp>
#include <sstream>

namespace payd::app {

namespace po = boost::program_options;

CliParse parse_cli(const std::vector<std::string>& args) {
  CliParse out;
  po::options_description desc(
      "Usage: payd [--config FILE] [--check-config | --version | --help]\n"
      "       payd migrate [--config FILE] [--status]\n"
      "       payd admin tenant create NAME [--config FILE] [--json]\n"
      "       payd admin key create --tenant NAME --mode test|live [--config FILE] [--json]\n"
      "       payd admin user create --tenant NAME --email ADDRESS --role ROLE [--json]\n"
      "       payd routes [--config FILE]\n\n"
      "payd serves the payments API described by FILE until SIGTERM; SIGHUP reloads FILE.\n"
      "`payd migrate` applies the database migrations this binary carries.\n"
      "`payd admin` creates tenants and API keys (run `payd admin --help`).\n"
      "`payd routes` prints the HTTP routes FILE makes payd serve, as JSON.\n\n"
      "Options");
  desc.add_options()  //
      ("config,c", po::value<std::string>()->value_name("FILE"),
       "configuration file (default /etc/payd/payd.yaml)")                              //
      ("check-config", "validate the configuration and exit 0 (valid) or 1 (invalid)")  //
      ("version,V", "print the version and exit")                                       //
      ("help,h", "print this help and exit");
  std::ostringstream help;
  help << desc;
  out.help = help.str();

  if (!args.empty() &&
      (args.front() == "migrate" || args.front() == "admin" || args.front() == "routes")) {
    CliOptions sub;
    sub.command = args.front() == "migrate" ? Command::migrate
                  : args.front() == "admin" ? Command::admin
                                            : Command::routes;
    sub.command_args.assign(args.begin() + 1, args.end());
    out.options = std::move(sub);
    return out;
  }

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    out.error = e.what();
    return out;
  }
  CliOptions opts;
  const int exclusive =
      static_cast<int>(vm.count("check-config") + vm.count("version") + vm.count("help"));
  if (exclusive > 1) {
    out.error = "--check-config, --version and --help are mutually exclusive";
    return out;
  }
  if (vm.count("help")) opts.command = Command::help;
  if (vm.count("version")) opts.command = Command::version;
  if (vm.count("check-config")) opts.command = Command::check_config;
  if (vm.count("config")) opts.config_path = vm["config"].as<std::string>();
  out.options = opts;
  return out;
}

}  // namespace payd::app
