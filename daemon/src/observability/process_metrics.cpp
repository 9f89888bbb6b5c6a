#include "observability/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace payd::obs {
namespace {

prometheus::MetricFamily gauge_family(std::string name, std::string help, double value,
                                      prometheus::MetricType type = prometheus::MetricType::Gauge) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return family;
}

double open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the descriptor opendir itself holds
}

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double virtual_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  statm >> pages_total;
  return static_cast<double>(pages_total) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

double max_fds() {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  return static_cast<double>(lim.rlim_cur);
}

}  // namespace

ProcessCollector::ProcessCollector()
    : start_time_seconds_(std::chrono::duration<double>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count()) {}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  out.push_back(gauge_family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                             cpu_seconds(), prometheus::MetricType::Counter));
  out.push_back(gauge_family("process_resident_memory_bytes", "Resident memory size in bytes.",
                             resident_bytes()));
  out.push_back(gauge_family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                             virtual_bytes()));
  out.push_back(gauge_family("process_open_fds", "Number of open file descriptors.", open_fds()));
  out.push_back(gauge_family("process_max_fds", "Maximum number of open file descriptors.", max_fds()));
  out.push_back(gauge_family("process_start_time_seconds",
                             "Start time of the process since unix epoch in seconds.",
                             start_time_seconds_));
  return out;
}

}  // namespace payd::obs
