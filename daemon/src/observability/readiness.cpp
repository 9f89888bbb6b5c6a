#include "observability/readiness.hpp"

namespace payd::obs {

void Readiness::add_check(std::string name, std::function<bool()> ready) {
  std::lock_guard lock(mutex_);
  checks_.push_back({std::move(name), std::move(ready)});
}

Readiness::Report Readiness::report() const {
  Report r;
  r.draining = draining_;
  r.ready = !r.draining;
  std::lock_guard lock(mutex_);
  for (const auto& c : checks_) {
    const bool ok = c.ready();
    r.checks.emplace_back(c.name, ok);
    r.ready = r.ready && ok;
  }
  return r;
}

}  // namespace payd::obs
