#pragma once
// /readyz: payd is ready when it is not draining and every registered check passes.
// Later issues register the database pool and required connectors.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace payd::obs {

class Readiness {
 public:
  struct Check {
    std::string name;
    std::function<bool()> ready;
  };
  struct Report {
    bool ready = true;
    bool draining = false;
    std::vector<std::pair<std::string, bool>> checks;
  };

  void add_check(std::string name, std::function<bool()> ready);
  void set_draining() noexcept { draining_ = true; }
  [[nodiscard]] Report report() const;

 private:
  std::atomic<bool> draining_{false};
  mutable std::mutex mutex_;
  std::vector<Check> checks_;
};

}  // namespace payd::obs
