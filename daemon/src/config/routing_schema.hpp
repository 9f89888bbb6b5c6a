#pragma once
// The schema of payd.yaml's `routing:` section (see routing_config.hpp for the tree it fills
// and docs/operations.md "Routing" for the operator's view).

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace payd::config {

// Reads `routing` into cfg.routing. Must run after `connectors` has been read into `cfg`:
// every connector a rule names is checked against cfg.connectors.
void read_routing(MappingReader& routing, Config& cfg);

}  // namespace payd::config
