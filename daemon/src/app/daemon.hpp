#pragma once
// The serving process: wires config, logging, metrics, routes and the HTTP server onto
// one io_context, handles signals and systemd notifications, and returns the exit code.

#include <string>

#include "config/config.hpp"

namespace payd::app {

// Serves until SIGTERM/SIGINT. Returns 0 after a graceful stop, 1 when start-up fails.
int run_daemon(config::Config config, std::string config_path);

}  // namespace payd::app
