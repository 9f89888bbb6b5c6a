#pragma once
// The serving process: wires config, logging, metrics, routes and the HTTP server onto
// one io_context, handles signals and systemd notifications, and returns the exit code.

#include <string>
#include <vector>

#include "common/result.hpp"
#include "config/config.hpp"

namespace payd::app {

// Serves until SIGTERM/SIGINT. Returns 0 after a graceful stop, 1 when start-up fails.
int run_daemon(config::Config config, std::string config_path);

// One route of the table payd serves.
struct RouteEntry {
  std::string method;      // GET, POST, ... (every GET route answers HEAD too)
  std::string path;        // the template, e.g. /api/v1/payments/{id}
  bool is_public = false;  // served without credentials
  std::string permission;  // empty on public routes
};

// The routes run_daemon would serve with `config`, in registration order: builds everything
// run_daemon builds (loads the plugins, opens the database and checks its schema, applying
// migrations where database.migrate_on_start says so) but never listens. Fails with the
// reasons payd would not start. Logs as run_daemon does: set the log level first.
[[nodiscard]] Result<std::vector<RouteEntry>, std::vector<std::string>> served_routes(
    config::Config config, std::string config_path);

}  // namespace payd::app
