#pragma once
// A resolved secret. It never prints itself: formatting yields "[REDACTED]".

#include <ostream>
#include <string>
#include <utility>

namespace payd::config {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // The only way to read the value; grep for reveal() to audit every use.
  [[nodiscard]] const std::string& reveal() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "[REDACTED]"; }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

}  // namespace payd::config
