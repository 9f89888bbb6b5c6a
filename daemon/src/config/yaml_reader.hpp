#pragma once
// A small typed reader over yaml-cpp nodes. It records every problem as a ConfigError (file,
// 1-based line, dotted key path) instead of throwing, so one run reports all mistakes, and it
// rejects keys the schema never asked for, so a typo cannot silently fall back to a default.

#include <yaml-cpp/yaml.h>

#include <concepts>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config/config_loader.hpp"

namespace payd::config {

// The errors found in one document.
class ErrorList {
 public:
  explicit ErrorList(std::string file) : file_(std::move(file)) {}

  // An error located at a YAML node (a null mark gives line 0).
  void add(const YAML::Mark& mark, std::string path, std::string message);
  [[nodiscard]] bool empty() const noexcept { return errors_.empty(); }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }

  // The errors in file order: readers visit keys in schema order, which need not be the
  // order the operator wrote them in.
  [[nodiscard]] std::vector<ConfigError> take_in_file_order();

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

// Reads the keys of one YAML mapping. Every key the schema asks about becomes "known";
// reject_unknown_keys() then reports the rest.
class MappingReader {
 public:
  // `node` may be undefined or null (an empty document or section): every field then keeps
  // its default. Any other non-mapping is reported as "expected a mapping".
  MappingReader(const YAML::Node& node, std::string path, ErrorList& errors);

  // Reads the nested mapping under `key` with `read`, then rejects its unknown keys.
  // Absent or null sections are skipped.
  void section(std::string_view key, const std::function<void(MappingReader&)>& read);
  // Reads each mapping of the sequence under `key` as `key[i]`, then rejects its unknown
  // keys. Absent or null sequences are skipped; anything else is "expected a list".
  void sequence(std::string_view key,
                const std::function<void(MappingReader&, std::size_t index)>& read);
  // The mapping node itself, for errors about the whole entry.
  [[nodiscard]] const YAML::Node& node() const noexcept { return node_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] ErrorList& errors() noexcept { return errors_; }

  template <std::integral T>
  void integer(std::string_view key, T& out, T min, T max) {
    if (const auto value =
            read_integer(key, static_cast<long long>(min), static_cast<long long>(max))) {
      out = static_cast<T>(*value);
    }
  }
  void boolean(std::string_view key, bool& out);
  void string(std::string_view key, std::string& out);
  // A string that must satisfy `valid`; otherwise `expectation` is the message,
  // e.g. "expected a path starting with /".
  void string(std::string_view key, std::string& out, bool (*valid)(std::string_view),
              std::string_view expectation);
  void duration(std::string_view key, Millis& out, Millis min, Millis max);
  void size(std::string_view key, std::size_t& out, std::size_t min, std::size_t max);

  // One of `values`, spelled as to_string(value) (found by argument-dependent lookup).
  template <typename E>
  void enumeration(std::string_view key, E& out, std::span<const E> values) {
    std::vector<std::string_view> names;
    names.reserve(values.size());
    for (const E value : values) names.push_back(to_string(value));
    if (const auto index = read_choice(key, names)) out = values[*index];
  }

  // The value node under `key`, or nullopt when absent. Marks `key` as known; the building
  // block for readers of new value kinds (see read_secret).
  [[nodiscard]] std::optional<YAML::Node> field(std::string_view key);
  // Records an error about the value of `key` at `at`.
  void error(const YAML::Node& at, std::string_view key, std::string message);
  // "a.b.key" for a key of this mapping.
  [[nodiscard]] std::string path_of(std::string_view key) const;

  // Reports each key never asked about, suggesting the nearest known key, and duplicate keys.
  void reject_unknown_keys();

 private:
  std::optional<long long> read_integer(std::string_view key, long long min, long long max);
  std::optional<std::size_t> read_choice(std::string_view key,
                                         std::span<const std::string_view> names);
  // The scalar text under `key`; reports `expectation` when the value is not a scalar.
  std::optional<std::string> scalar(std::string_view key, std::string_view expectation,
                                    YAML::Node& node);
  // Where `key` is written, for errors about values that carry no position of their own.
  [[nodiscard]] YAML::Mark key_mark(std::string_view key) const;

  YAML::Node node_;
  std::string path_;
  ErrorList& errors_;
  bool is_mapping_ = false;
  std::vector<std::string> known_keys_;  // in the order asked, which is schema order
};

}  // namespace payd::config
