#pragma once
// sd_notify(3) for Type=notify units. Every call is a no-op when NOTIFY_SOCKET is unset,
// so the same binary runs under systemd, in a terminal and in tests.

#include <chrono>
#include <string_view>

namespace payd::app {

class SystemdNotifier {
 public:
  void ready(std::string_view status) const;
  void reloading() const;  // RELOADING=1 with MONOTONIC_USEC, as systemd >= 253 expects
  void stopping() const;
  void watchdog() const;
  // Half the WatchdogSec interval when the watchdog is on for this process; zero otherwise.
  [[nodiscard]] std::chrono::microseconds watchdog_interval() const;
};

}  // namespace payd::app
