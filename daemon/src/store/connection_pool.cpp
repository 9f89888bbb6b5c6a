#include "store/connection_pool.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "observability/log.hpp"

namespace payd::store {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

std::string_view to_string(StoreError::Kind kind) noexcept {
  switch (kind) {
    case StoreError::Kind::unavailable: return "unavailable";
    case StoreError::Kind::overloaded: return "overloaded";
    case StoreError::Kind::in_doubt: return "in_doubt";
    case StoreError::Kind::conflict: return "conflict";
    case StoreError::Kind::internal: return "internal";
  }
  return "internal";
}

namespace {

// The server's primary message only: DETAIL lines carry row values.
std::string first_line(std::string_view text) {
  auto end = text.find('\n');
  std::string line(text.substr(0, end));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string quoted_after(std::string_view text, std::string_view marker) {
  auto at = text.find(marker);
  if (at == std::string_view::npos) return {};
  auto open = text.find('"', at + marker.size());
  if (open == std::string_view::npos) return {};
  auto close = text.find('"', open + 1);
  if (close == std::string_view::npos) return {};
  return std::string(text.substr(open + 1, close - open - 1));
}

bool is_retryable_conflict(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  return state == "40001" || state == "40P01";  // serialization_failure, deadlock_detected
}

// libpq's connect_timeout (whole seconds, at least 2) and application_name, added to
// either form of connection string.
std::string conninfo(const PoolOptions& o) {
  const auto seconds = std::max<long long>(
      2, std::chrono::duration_cast<std::chrono::seconds>(o.connect_timeout).count());
  const bool uri = o.url.starts_with("postgres://") || o.url.starts_with("postgresql://");
  if (uri) {
    const char sep = o.url.find('?') == std::string::npos ? '?' : '&';
    return o.url + sep + "connect_timeout=" + std::to_string(seconds) +
           "&application_name=" + o.application_name;
  }
  return o.url + " connect_timeout=" + std::to_string(seconds) +
         " application_name=" + o.application_name;
}

struct PoolMetrics {
  explicit PoolMetrics(prometheus::Registry& r)
      : in_use(prometheus::BuildGauge()
                   .Name("payd_db_pool_in_use")
                   .Help("Database connections running a store call")
                   .Register(r)
                   .Add({})),
        size(prometheus::BuildGauge()
                 .Name("payd_db_pool_size")
                 .Help("Database connections the pool keeps")
                 .Register(r)
                 .Add({})),
        connected(prometheus::BuildGauge()
                      .Name("payd_db_pool_connected")
                      .Help("Database connections currently open")
                      .Register(r)
                      .Add({})),
        queued(prometheus::BuildGauge()
                   .Name("payd_db_pool_queued")
                   .Help("Store calls waiting for a connection")
                   .Register(r)
                   .Add({})),
        errors(prometheus::BuildCounter()
                   .Name("payd_db_errors_total")
                   .Help("Store calls that failed, by kind")
                   .Register(r)) {}

  prometheus::Gauge& in_use;
  prometheus::Gauge& size;
  prometheus::Gauge& connected;
  prometheus::Gauge& queued;
  prometheus::Family<prometheus::Counter>& errors;
};

using Completion = std::function<void(Result<void, StoreError>)>;

struct Task {
  Job job;
  Completion complete;
};

}  // namespace

StoreError classify_exception(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const pqxx::in_doubt_error& e) {
    return {StoreError::Kind::in_doubt, first_line(e.what()), {}};
  } catch (const pqxx::broken_connection& e) {
    return {StoreError::Kind::unavailable, first_line(e.what()), {}};
  } catch (const pqxx::integrity_constraint_violation& e) {
    const std::string what = e.what();
    std::string constraint = quoted_after(what, "constraint");
    return {StoreError::Kind::conflict, e.sqlstate() + ": " + first_line(what),
            std::move(constraint)};
  } catch (const pqxx::sql_error& e) {
    return {StoreError::Kind::internal, e.sqlstate() + ": " + first_line(e.what()), {}};
  } catch (const std::exception& e) {
    return {StoreError::Kind::internal, first_line(e.what()), {}};
  } catch (...) {
    return {StoreError::Kind::internal, "unknown exception", {}};
  }
}

struct ConnectionPool::Impl {
  Impl(ConnectionPool& pool, prometheus::Registry* registry) : owner(pool) {
    if (registry != nullptr) metrics = std::make_unique<PoolMetrics>(*registry);
  }

  ConnectionPool& owner;
  std::unique_ptr<PoolMetrics> metrics;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Task> queue;
  bool stopping = false;
  std::vector<std::thread> workers;
  std::atomic<int> connected{0};

  void count_error(const StoreError& e) {
    if (metrics) metrics->errors.Add({{"kind", std::string(to_string(e.kind))}}).Increment();
  }

  void submit(Task task) {
    {
      std::unique_lock lock(mutex);
      if (stopping || workers.empty()) {
        lock.unlock();
        task.complete(fail(StoreError{StoreError::Kind::unavailable,
                                      stopping ? "store is stopping" : "store not started", {}}));
        return;
      }
      if (queue.size() >= owner.options_.max_queue) {
        lock.unlock();
        StoreError e{StoreError::Kind::overloaded, "too many queued store calls", {}};
        count_error(e);
        task.complete(fail(std::move(e)));
        return;
      }
      queue.push_back(std::move(task));
      if (metrics) metrics->queued.Set(static_cast<double>(queue.size()));
    }
    wake.notify_one();
  }

  std::unique_ptr<pqxx::connection> connect(std::string& error) {
    try {
      auto c = std::make_unique<pqxx::connection>(conninfo(owner.options_));
      if (owner.options_.on_connect) owner.options_.on_connect(*c);
      return c;
    } catch (...) {
      error = classify_exception(std::current_exception()).detail;
      return nullptr;
    }
  }

  void set_connected(bool now_connected, bool& was_connected) {
    if (now_connected == was_connected) return;
    was_connected = now_connected;
    const int n = connected.fetch_add(now_connected ? 1 : -1) + (now_connected ? 1 : -1);
    if (metrics) metrics->connected.Set(n);
  }

  // Runs one task's job with the retries the contract allows. `conn` may be replaced.
  Result<void, StoreError> run(Task& task, std::unique_ptr<pqxx::connection>& conn,
                               bool& was_connected) {
    unsigned conflicts = 0;
    bool reconnected = false;
    for (;;) {
      try {
        task.job(*conn);
        return {};
      } catch (const pqxx::in_doubt_error&) {
        conn.reset();
        set_connected(false, was_connected);
        return fail(classify_exception(std::current_exception()));
      } catch (const pqxx::broken_connection&) {
        // An idle connection the server dropped (restart, failover): the transaction
        // never committed, so one retry on a fresh connection is safe.
        conn.reset();
        set_connected(false, was_connected);
        auto error = classify_exception(std::current_exception());
        if (reconnected) return fail(std::move(error));
        std::string why;
        conn = connect(why);
        if (!conn) {
          owner.healthy_.store(false);
          return fail(StoreError{StoreError::Kind::unavailable, why, {}});
        }
        set_connected(true, was_connected);
        reconnected = true;
      } catch (const pqxx::sql_error& e) {
        if (is_retryable_conflict(e) && conflicts < owner.options_.max_retries) {
          ++conflicts;
          continue;
        }
        return fail(classify_exception(std::current_exception()));
      } catch (...) {
        return fail(classify_exception(std::current_exception()));
      }
    }
  }

  void worker_loop() {
    std::unique_ptr<pqxx::connection> conn;
    bool was_connected = false;
    Clock::time_point next_connect{};
    Clock::time_point last_used = Clock::now();
    constexpr auto kProbeAfter = std::chrono::seconds(5);

    auto try_connect = [&]() -> std::string {
      std::string why;
      conn = connect(why);
      if (conn) {
        set_connected(true, was_connected);
        owner.healthy_.store(true);
        last_used = Clock::now();
      } else {
        owner.healthy_.store(false);
        next_connect = Clock::now() + owner.options_.reconnect_interval;
      }
      return why;
    };

    for (;;) {
      std::optional<Task> task;
      {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, owner.options_.reconnect_interval,
                      [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        if (!queue.empty()) {
          task.emplace(std::move(queue.front()));
          queue.pop_front();
          if (metrics) metrics->queued.Set(static_cast<double>(queue.size()));
        }
      }
      if (!task) {
        // Idle: reconnect in the background, and notice a server that went away so
        // /readyz is right even without traffic.
        if (!conn && Clock::now() >= next_connect) {
          try_connect();
        } else if (conn && Clock::now() - last_used > kProbeAfter) {
          try {
            pqxx::nontransaction probe(*conn);
            probe.exec("SELECT 1");
            owner.healthy_.store(true);
          } catch (...) {
            conn.reset();
            set_connected(false, was_connected);
            owner.healthy_.store(false);
          }
          last_used = Clock::now();
        }
        continue;
      }

      if (!conn) {
        if (Clock::now() < next_connect) {
          StoreError e{StoreError::Kind::unavailable, "no connection to the database", {}};
          count_error(e);
          task->complete(fail(std::move(e)));
          continue;
        }
        std::string why = try_connect();
        if (!conn) {
          StoreError e{StoreError::Kind::unavailable, why, {}};
          count_error(e);
          task->complete(fail(std::move(e)));
          continue;
        }
      }

      if (metrics) metrics->in_use.Increment();
      auto result = run(*task, conn, was_connected);
      if (metrics) metrics->in_use.Decrement();
      last_used = Clock::now();
      if (result.ok()) {
        owner.healthy_.store(true);
      } else {
        count_error(result.error());
        if (result.error().kind == StoreError::Kind::unavailable) owner.healthy_.store(false);
      }
      task->complete(std::move(result));
    }
  }
};

ConnectionPool::ConnectionPool(PoolOptions options, prometheus::Registry* registry)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(*this, registry)) {
  if (options_.size == 0) options_.size = 1;
  if (impl_->metrics) impl_->metrics->size.Set(options_.size);
}

ConnectionPool::~ConnectionPool() { stop(); }

void ConnectionPool::start() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->workers.empty() || impl_->stopping) return;
  for (unsigned i = 0; i < options_.size; ++i) {
    impl_->workers.emplace_back([this] { impl_->worker_loop(); });
  }
}

bool ConnectionPool::wait_connected(std::chrono::milliseconds timeout, std::string& error) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto r = execute_blocking([](pqxx::connection_base& c) {
      pqxx::nontransaction probe(c);
      probe.exec("SELECT 1");
    });
    if (r.ok()) return true;
    error = r.error().detail;
    if (Clock::now() + options_.reconnect_interval >= deadline) return false;
    std::this_thread::sleep_for(options_.reconnect_interval);
  }
}

void ConnectionPool::stop() {
  std::deque<Task> abandoned;
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    abandoned.swap(impl_->queue);
    workers.swap(impl_->workers);
  }
  impl_->wake.notify_all();
  for (auto& t : abandoned) {
    t.complete(fail(StoreError{StoreError::Kind::unavailable, "store is stopping", {}}));
  }
  for (auto& w : workers) w.join();
}

asio::awaitable<Result<void, StoreError>> ConnectionPool::execute(Job job) {
  auto initiate = [this](auto handler, Job work) {
    using Handler = decltype(handler);
    auto guard = asio::make_work_guard(asio::get_associated_executor(handler));
    // std::function needs a copyable callable; the handler is move-only.
    auto shared = std::make_shared<Handler>(std::move(handler));
    auto keep = std::make_shared<decltype(guard)>(std::move(guard));
    impl_->submit(Task{std::move(work), [shared, keep](Result<void, StoreError> r) {
                         auto ex = keep->get_executor();
                         asio::post(ex, [shared, r = std::move(r)]() mutable {
                           (*shared)(std::move(r));
                         });
                         keep->reset();
                       }});
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&,
                                          void(Result<void, StoreError>)>(
      std::move(initiate), asio::use_awaitable, std::move(job));
}

namespace {

Job in_transaction(TxJob job) {
  return [job = std::move(job)](pqxx::connection_base& c) {
    pqxx::work work(c);
    Tx tx(work);
    job(tx);
    if (!tx.rolled_back()) work.commit();
  };
}

// A named function, not a lambda temporary inside co_await: GCC 12 destroys such a
// temporary's captures twice (found with valgrind).
Job outside_transaction(TxJob job) {
  return [job = std::move(job)](pqxx::connection_base& c) {
    pqxx::nontransaction autocommit(c);
    Tx tx(autocommit);
    job(tx);
  };
}

}  // namespace

asio::awaitable<Result<void, StoreError>> ConnectionPool::read_once(TxJob job) {
  co_return co_await execute(outside_transaction(std::move(job)));
}

asio::awaitable<Result<void, StoreError>> ConnectionPool::transact(TxJob job) {
  co_return co_await execute(in_transaction(std::move(job)));
}

Result<void, StoreError> ConnectionPool::transact_blocking(TxJob job) {
  return execute_blocking(in_transaction(std::move(job)));
}

Result<void, StoreError> ConnectionPool::execute_blocking(Job job) {
  auto promise = std::make_shared<std::promise<Result<void, StoreError>>>();
  auto future = promise->get_future();
  impl_->submit(Task{std::move(job), [promise](Result<void, StoreError> r) {
                       promise->set_value(std::move(r));
                     }});
  return future.get();
}

}  // namespace payd::store
