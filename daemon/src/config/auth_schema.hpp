#pragma once
// The schema of payd.yaml's `auth:` section (auth_config.hpp shows it whole).

#include <optional>

#include "config/auth_config.hpp"
#include "config/yaml_reader.hpp"

namespace payd::config {

// Reads the section into `out` (engaged even when the section is empty, which then fails
// the required keys).
void read_auth(MappingReader& section, std::optional<AuthConfig>& out);

}  // namespace payd::config
