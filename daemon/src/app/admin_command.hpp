#pragma once
// `payd admin ...`: one-shot administration against the configured database
// (tenants and API keys now; users and the audit chain in #5).
//   payd admin tenant create NAME [--json]
//   payd admin key create --tenant NAME --mode test|live [--name TEXT] [--json]
// Exit 0 on success, 1 on failure, 2 on a usage error.

#include <ostream>
#include <string>
#include <vector>

namespace payd::app {

int run_admin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace payd::app
