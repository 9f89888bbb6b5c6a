#pragma once
// The schema of payd.yaml's `rate_limits:` section (see rate_limit_config.hpp for the tree it
// fills and docs/rate-limits.md for the operator's view):
//
//   rate_limits:
//     enabled: true
//     max_buckets: 100000
//     classes:
//       checkout_create: {limit: 10, per: 1m}         # burst defaults to limit
//       general: {limit: 100, per: 1s, burst: 200}

#include "config/rate_limit_config.hpp"
#include "config/yaml_reader.hpp"

namespace payd::config {

void read_rate_limits(MappingReader& section, RateLimitConfig& out);

}  // namespace payd::config
