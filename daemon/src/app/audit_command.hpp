#pragma once
// `payd admin audit ...`: the audit log's chains, checked offline against the database
// (docs/audit.md).
//   payd admin audit verify [--tenant NAME] [--checkpoint FILE] [--json]
//   payd admin audit checkpoint --tenant NAME [--json]
// verify checks every chain (or one tenant's, or the platform chain with --tenant
// _platform) and prints the first broken link of each; with --checkpoint, a file written
// by `checkpoint --json`, it also detects a tail deleted together with its head.
// Exit 0 intact, 1 a chain is broken or the database failed, 2 usage error.

#include <ostream>
#include <string>
#include <vector>

namespace payd::app {

// `args`: what follows `payd admin audit`.
int run_admin_audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace payd::app
