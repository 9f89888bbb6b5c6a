#pragma once
// The schema of payd.yaml: which keys exist, their types, ranges and defaults (the defaults
// themselves live in config.hpp).

#include "config/config.hpp"
#include "config/config_loader.hpp"
#include "config/yaml_reader.hpp"

namespace payd::config {

// Reads every section of the top-level mapping into `out`; errors go to the reader's list.
// Does not call root.reject_unknown_keys(): the caller owns the root reader.
void read_config(MappingReader& root, Config& out, const SecretSources& sources);

}  // namespace payd::config
