#pragma once
// One outbound HttpClient + Executor per I/O thread's io_context (the server runs one
// single-threaded context per thread, see docs/architecture-notes.md), and the runtime
// (timeouts, breaker, scrubber) of every available connector. A handler coroutine asks for
// the executor of the context it is running on, so a provider exchange never hops threads
// and the connection pools need no locks.

#include <boost/asio/any_io_executor.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/executor.hpp"

namespace boost::asio {
class io_context;
}

namespace payd::plugins {

class ConnectorRegistry;

class ExecutorPool {
 public:
  // `metrics` may be null. `secrets`: every resolved secret of the connectors' configs.
  ExecutorPool(const std::vector<boost::asio::io_context*>& contexts,
               const ConnectorRegistry& registry, const std::vector<std::string>& secrets,
               ExecutorMetrics* metrics, ExecutorOptions options = {});
  ~ExecutorPool();
  ExecutorPool(const ExecutorPool&) = delete;
  ExecutorPool& operator=(const ExecutorPool&) = delete;

  // The executor bound to the io_context behind `ex`; the first one if `ex` runs elsewhere.
  [[nodiscard]] Executor& executor_for(const boost::asio::any_io_executor& ex);
  // Null for an unknown or unavailable connector.
  [[nodiscard]] const ConnectorRuntime* runtime(std::string_view connector_id) const;

 private:
  struct PerContext;
  std::vector<std::unique_ptr<PerContext>> contexts_;
  std::map<std::string, ConnectorRuntime, std::less<>> runtimes_;
};

}  // namespace payd::plugins
