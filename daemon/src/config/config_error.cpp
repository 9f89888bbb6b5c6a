#include "config/config_loader.hpp"

namespace payd::config {

std::string ConfigError::to_string() const {
  // Appends piece by piece: GCC 12 at -O3 reports a false -Wrestrict on `":" + s`.
  std::string out = file;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
  }
  if (!out.empty()) out += ": ";
  if (!path.empty()) {
    out += path;
    out += ": ";
  }
  out += message;
  return out;
}

}  // namespace payd::config
