#pragma once
// Captures what payd's logger writes to stdout by pointing fd 1 at a temporary file,
// for tests that assert on log lines (and on what must never appear in them).

#include <unistd.h>

#include <cstdio>
#include <string>

#include "observability/log.hpp"

namespace payd::testing {

class StdoutCapture {
 public:
  StdoutCapture() {
    std::fflush(stdout);
    saved_ = dup(1);
    file_ = std::tmpfile();
    dup2(fileno(file_), 1);
  }
  StdoutCapture(const StdoutCapture&) = delete;
  StdoutCapture& operator=(const StdoutCapture&) = delete;
  ~StdoutCapture() {
    if (file_ != nullptr) finish();
  }

  // Restores stdout and returns everything written since construction.
  std::string finish() {
    obs::flush_logs();
    std::fflush(stdout);
    dup2(saved_, 1);
    close(saved_);
    std::rewind(file_);
    std::string out;
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, file_)) out.append(buf, n);
    std::fclose(file_);
    file_ = nullptr;
    return out;
  }

 private:
  int saved_ = -1;
  std::FILE* file_ = nullptr;
};

}  // namespace payd::testing
