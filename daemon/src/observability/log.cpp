#include "observability/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "observability/json_escape.hpp"

namespace payd::obs {
namespace {

spdlog::level::level_enum to_spdlog(Level l) {
  switch (l) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::critical: return spdlog::level::critical;
    case Level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::string_view level_name(Level l) {
  switch (l) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::critical: return "critical";
    case Level::off: return "off";
  }
  return "info";
}

// Lines arrive fully formatted; the sink only scrubs and writes. stdout is block-buffered
// and flushed every second and on warnings, so an access line costs no syscall.
class JsonLineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_secrets(std::vector<std::string> secrets) {
    std::lock_guard lock(mutex_);
    secrets_.clear();
    for (auto& s : secrets) {
      if (s.size() < 4) continue;  // too short to scrub without mangling ordinary text
      std::string escaped;
      append_json_escaped(escaped, s);
      secrets_.push_back(std::move(escaped));
      if (secrets_.back() != s) secrets_.push_back(std::move(s));
    }
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    line_.assign(msg.payload.data(), msg.payload.size());
    for (const auto& secret : secrets_) {
      for (auto pos = line_.find(secret); pos != std::string::npos;
           pos = line_.find(secret, pos + 10)) {
        line_.replace(pos, secret.size(), "[REDACTED]");
      }
    }
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }

 private:
  std::vector<std::string> secrets_;
  std::string line_;
};

struct LogState {
  std::shared_ptr<JsonLineSink> sink = std::make_shared<JsonLineSink>();
  std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>("payd", sink);
  LogState() {
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::warn);
  }
};

LogState& state() {
  static LogState s;
  return s;
}

// "2026-11-23T09:19:22.106Z". The date-and-seconds part is formatted once per second per
// thread; an access line then costs three digits, not a gmtime_r and an snprintf.
void append_timestamp(std::string& out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[64] = {};  // "YYYY-MM-DDTHH:MM:SS."
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
      1000);
  if (secs != cached_second) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = secs;
  }
  out.append(cached, 20);
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
}

}  // namespace

std::atomic<bool> g_text_format{false};

LogLine::LogLine(Level level, std::string_view msg) : enabled_(log_enabled(level)), level_(level) {
  if (!enabled_) return;
  buf_.reserve(256);
  if (g_text_format.load(std::memory_order_relaxed)) {
    // Text: "<time> <level> <msg> {fields}" for people reading a terminal.
    append_timestamp(buf_);
    buf_ += ' ';
    buf_ += level_name(level);
    buf_ += ' ';
    append_json_escaped(buf_, msg);
    buf_ += " {";
    fields_start_ = buf_.size();
    return;
  }
  buf_ += "{\"time\":\"";
  append_timestamp(buf_);
  buf_ += "\",\"level\":\"";
  buf_ += level_name(level);
  buf_ += "\",\"msg\":\"";
  append_json_escaped(buf_, msg);
  buf_ += '"';
}

LogLine::~LogLine() {
  if (!enabled_) return;
  if (fields_start_ != 0) {
    if (buf_.size() == fields_start_) {
      buf_.resize(fields_start_ - 2);  // no fields: drop " {"
    } else {
      buf_.erase(fields_start_, 1);  // the leading comma of the first field
      buf_ += '}';
    }
  } else {
    buf_ += '}';
  }
  state().logger->log(to_spdlog(level_), std::string_view(buf_));
}

void LogLine::key(std::string_view k) {
  buf_ += ",\"";
  append_json_escaped(buf_, k);
  buf_ += "\":";
}

LogLine& LogLine::str(std::string_view k, std::string_view value) {
  if (!enabled_) return *this;
  key(k);
  buf_ += '"';
  append_json_escaped(buf_, value);
  buf_ += '"';
  return *this;
}

LogLine& LogLine::num(std::string_view k, std::int64_t value) {
  if (!enabled_) return *this;
  key(k);
  char tmp[24];
  const auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, value);
  buf_.append(tmp, static_cast<std::size_t>(end - tmp));
  return *this;
}

LogLine& LogLine::num(std::string_view k, double value) {
  if (!enabled_) return *this;
  key(k);
  char tmp[32];
  const auto [end, ec] =
      std::to_chars(tmp, tmp + sizeof tmp, value, std::chars_format::fixed, 3);
  buf_.append(tmp, ec == std::errc() ? static_cast<std::size_t>(end - tmp) : 0);
  if (ec != std::errc()) buf_ += "null";
  return *this;
}

LogLine& LogLine::flag(std::string_view k, bool value) {
  if (!enabled_) return *this;
  key(k);
  buf_ += value ? "true" : "false";
  return *this;
}

LogLine& LogLine::strings(std::string_view k, const std::vector<std::string>& values) {
  if (!enabled_) return *this;
  key(k);
  buf_ += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) buf_ += ',';
    buf_ += '"';
    append_json_escaped(buf_, values[i]);
    buf_ += '"';
  }
  buf_ += ']';
  return *this;
}

void set_log_text_format(bool text) { g_text_format = text; }

void init_logging(Level level) {
  auto& s = state();
  // Block-buffered stdout (flushed every second and on warnings): one write per many lines.
  static char stdout_buffer[64 * 1024];
  static const bool buffered = std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer) == 0;
  (void)buffered;
  s.logger->set_level(to_spdlog(level));
  if (!spdlog::get(s.logger->name())) spdlog::register_logger(s.logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

void set_log_level(Level level) { state().logger->set_level(to_spdlog(level)); }

bool log_enabled(Level level) { return state().logger->should_log(to_spdlog(level)); }

void set_log_secrets(std::vector<std::string> secrets) {
  state().sink->set_secrets(std::move(secrets));
}

void flush_logs() { state().logger->flush(); }

}  // namespace payd::obs
