#include "plugins/executor_pool.hpp"

#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>

#include "plugins/connector_registry.hpp"
#include "plugins/http_client.hpp"

namespace payd::plugins {

struct ExecutorPool::PerContext {
  PerContext(boost::asio::io_context& io, ExecutorMetrics* metrics, ExecutorOptions options)
      : context(&io), client(io), executor(client, metrics, options) {}
  boost::asio::io_context* context;
  HttpClient client;
  Executor executor;
};

ExecutorPool::ExecutorPool(const std::vector<boost::asio::io_context*>& contexts,
                           const ConnectorRegistry& registry,
                           const std::vector<std::string>& secrets, ExecutorMetrics* metrics,
                           ExecutorOptions options) {
  for (auto* io : contexts) contexts_.push_back(std::make_unique<PerContext>(*io, metrics, options));
  for (const auto* c : registry.all()) {
    if (!c->available()) continue;
    auto runtime = ConnectorRuntime::from(c->config(), secrets);
    if (!contexts_.empty()) contexts_.front()->executor.register_connector(runtime);
    runtimes_.emplace(c->id(), std::move(runtime));
  }
}

ExecutorPool::~ExecutorPool() = default;

Executor& ExecutorPool::executor_for(const boost::asio::any_io_executor& ex) {
  auto& ctx = boost::asio::query(ex, boost::asio::execution::context);
  for (auto& pc : contexts_) {
    if (static_cast<boost::asio::execution_context*>(pc->context) == &ctx) return pc->executor;
  }
  return contexts_.front()->executor;
}

const ConnectorRuntime* ExecutorPool::runtime(std::string_view connector_id) const {
  auto it = runtimes_.find(connector_id);
  return it == runtimes_.end() ? nullptr : &it->second;
}

}  // namespace payd::plugins
