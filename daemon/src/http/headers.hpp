#pragma once
// An ordered list of header fields with case-insensitive lookup. Small (a request has
// a dozen fields), so a vector beats a map.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace payd::http {

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  // Replaces every field of that name with one.
  void set(std::string_view name, std::string value);
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] std::size_t count(std::string_view name) const;
  [[nodiscard]] const std::vector<Field>& fields() const noexcept { return fields_; }

 private:
  std::vector<Field> fields_;
};

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace payd::http
