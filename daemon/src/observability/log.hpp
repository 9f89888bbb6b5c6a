#pragma once
// Structured JSON-line logging on stdout (journald picks it up).
//
//   log_info("listening").str("address", addr).num("port", port);
//
// The line is emitted when the LogLine goes out of scope. Nothing is formatted when
// the level is disabled. Every line passes through the SecretScrubber before it is
// written, so a configured secret never reaches the output even by accident.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace payd::obs {

enum class Level { trace, debug, info, warn, error, critical, off };

class LogLine {
 public:
  LogLine(Level level, std::string_view msg);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  LogLine& str(std::string_view key, std::string_view value);
  LogLine& num(std::string_view key, std::int64_t value);
  LogLine& num(std::string_view key, double value);
  LogLine& flag(std::string_view key, bool value);
  LogLine& strings(std::string_view key, const std::vector<std::string>& values);

 private:
  void key(std::string_view k);
  bool enabled_;
  Level level_;
  std::size_t fields_start_ = 0;  // text format: where the field list begins
  std::string buf_;
};

inline LogLine log_trace(std::string_view msg) { return {Level::trace, msg}; }
inline LogLine log_debug(std::string_view msg) { return {Level::debug, msg}; }
inline LogLine log_info(std::string_view msg) { return {Level::info, msg}; }
inline LogLine log_warn(std::string_view msg) { return {Level::warn, msg}; }
inline LogLine log_error(std::string_view msg) { return {Level::error, msg}; }
inline LogLine log_critical(std::string_view msg) { return {Level::critical, msg}; }

// Sets up the stdout sink. Safe to call once at start-up.
void init_logging(Level level);
void set_log_level(Level level);
// JSON lines (the default, for journald and log shippers) or text lines for terminals.
void set_log_text_format(bool text);
[[nodiscard]] bool log_enabled(Level level);
// Replaces the set of values that must never appear in output.
void set_log_secrets(std::vector<std::string> secrets);
// Writes buffered lines out (called at exit and periodically).
void flush_logs();

}  // namespace payd::obs
