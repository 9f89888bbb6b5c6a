#pragma once
// `payd routes [--config FILE]`: prints, as JSON on stdout, the routes payd would serve with
// FILE (tests/integration/test_openapi.py holds docs/openapi.yaml equal to it):
//
//   {"routes": [{"method": "GET", "path": "/api/v1/payments/{id}", "public": false,
//                "permission": "payments:read"}, ...]}
//
// It starts everything `payd` starts except the listener, so a configuration with
// database.url needs that database reachable and migrated. Logging is off: stdout carries
// only the JSON. Exit 0, 1 when payd could not start (the reasons on stderr), 2 on a usage
// error.

#include <ostream>
#include <string>
#include <vector>

namespace payd::app {

int run_routes(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace payd::app
