#include "app/migrate_command.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "app/database_open.hpp"
#include "config/config_loader.hpp"

namespace payd::app {

namespace po = boost::program_options;

namespace {

std::string join_versions(const std::vector<int>& versions) {
  std::string out;
  for (int v : versions) {
    if (!out.empty()) out += ", ";
    out += std::to_string(v);
  }
  return out;
}

}  // namespace

int run_migrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc("Usage: payd migrate [--config FILE] [--status]\n\nOptions");
  desc.add_options()  //
      ("config,c",
       po::value<std::string>()->value_name("FILE")->default_value("/etc/payd/payd.yaml"),
       "configuration file (database.url)")                                         //
      ("status", "show the schema version and pending migrations; change nothing")  //
      ("help,h", "print this help and exit");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "payd migrate: " << e.what() << "\n\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    out << desc;
    return 0;
  }
  const auto path = vm["config"].as<std::string>();
  auto cfg = config::load_config_file(path);
  if (!cfg) {
    for (const auto& e : cfg.error()) err << e.to_string() << '\n';
    return 1;
  }
  auto pool = open_database(*cfg, 1);
  if (!pool) {
    err << "payd migrate: " << pool.error() << '\n';
    return 1;
  }
  auto status = schema_status(**pool);
  if (!status) {
    err << "payd migrate: " << status.error() << '\n';
    return 1;
  }
  for (int v : status->changed) {
    err << "payd migrate: warning: migration " << v
        << " was applied from different SQL than this payd carries\n";
  }
  if (vm.count("status")) {
    out << "database schema version: " << status->database_version << '\n'
        << "this payd knows up to:   " << status->known_version << '\n'
        << "pending: " << (status->pending.empty() ? "none" : join_versions(status->pending))
        << '\n';
    return status->database_version > status->known_version ? 1 : 0;
  }
  auto applied = apply_migrations(**pool);
  if (!applied) {
    err << "payd migrate: " << applied.error() << '\n';
    return 1;
  }
  if (applied->empty()) {
    out << "schema is up to date at version " << status->known_version << '\n';
  } else {
    out << "applied migrations " << join_versions(*applied) << "; schema is at version "
        << applied->back() << '\n';
  }
  return 0;
}

}  // namespace payd::app
