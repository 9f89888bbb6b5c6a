#pragma once
// `payd migrate [--config FILE] [--status]`: applies the embedded migrations (or shows
// where the database stands). Exit 0 on success, 1 on failure, 2 on a usage error.

#include <ostream>
#include <string>
#include <vector>

namespace payd::app {

int run_migrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace payd::app
