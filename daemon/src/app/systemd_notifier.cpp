#include "app/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <string>

namespace payd::app {

void SystemdNotifier::ready(std::string_view status) const {
  const std::string msg = "READY=1\nSTATUS=" + std::string(status);
  sd_notify(0, msg.c_str());
}

void SystemdNotifier::reloading() const {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<unsigned long long>(ts.tv_sec) * 1'000'000ULL +
                    static_cast<unsigned long long>(ts.tv_nsec) / 1'000ULL;
  const std::string msg = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
  sd_notify(0, msg.c_str());
}

void SystemdNotifier::stopping() const {
  sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::watchdog() const {
  sd_notify(0, "WATCHDOG=1");
}

std::chrono::microseconds SystemdNotifier::watchdog_interval() const {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(usec / 2);
  }
  return std::chrono::microseconds(0);
}

}  // namespace payd::app
