#pragma once
// What a SIGHUP may change in a running payd. Settings that are applied live are
// listed in apply_live(); everything else is reported as needing a restart.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace payd::app {

// Dotted paths of settings that differ between `running` and `next` but cannot change
// without a restart (listen address, thread count, limits, database ...).
[[nodiscard]] std::vector<std::string> restart_required_changes(const config::Config& running,
                                                                const config::Config& next);

}  // namespace payd::app
