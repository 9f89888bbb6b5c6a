#include "app/routes_command.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>

#include "app/daemon.hpp"
#include "config/config_loader.hpp"
#include "observability/log.hpp"

namespace payd::app {

namespace po = boost::program_options;

int run_routes(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: payd routes [--config FILE]\n\n"
      "Prints the HTTP routes payd serves with FILE as JSON. Loads the plugins and opens the\n"
      "database as `payd` does, but does not listen.\n\nOptions");
  desc.add_options()  //
      ("config,c",
       po::value<std::string>()->value_name("FILE")->default_value("/etc/payd/payd.yaml"),
       "configuration file")  //
      ("help,h", "print this help and exit");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    err << "payd routes: " << e.what() << "\n\n" << desc;
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
  // The log sink is stdout, which carries the JSON here.
  obs::init_logging(obs::Level::off);
  auto routes = served_routes(std::move(cfg).value(), path);
  if (!routes) {
    for (const auto& e : routes.error()) err << "payd routes: " << e << '\n';
    return 1;
  }
  boost::json::array list;
  for (const auto& r : *routes) {
    list.emplace_back(boost::json::object{
        {"method", r.method},
        {"path", r.path},
        {"public", r.is_public},
        {"permission",
         r.permission.empty() ? boost::json::value(nullptr) : boost::json::value(r.permission)}});
  }
  out << boost::json::serialize(boost::json::object{{"routes", std::move(list)}}) << '\n';
  return 0;
}

}  // namespace payd::app
