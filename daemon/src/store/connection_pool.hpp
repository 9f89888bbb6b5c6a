#pragma once
// PostgreSQL connections, each owned by one worker thread. libpqxx is blocking, so store
// calls run here and the caller's coroutine awaits them without blocking an I/O thread:
//
//   auto r = co_await pool.execute([&](pqxx::connection_base& c) { pqxx::work w{c}; ...; w.commit(); });
//
// The job runs on a worker; its completion is posted back to the awaiting coroutine's
// executor. A job is a whole transaction: on a serialization failure or deadlock it is run
// again (at most `max_retries` times), so it must not have effects outside the database.
//
// Failure handling, so that "PostgreSQL went away" is boring:
//   * a broken connection fails the job with `unavailable` (or `in_doubt` when it broke
//     during COMMIT) and the worker reconnects before its next job, at most once per
//     `reconnect_interval`; while no connection can be made, jobs fail fast instead of
//     queuing behind connect timeouts;
//   * at most `max_queue` jobs wait; more fail with `overloaded`;
//   * healthy() is false from the first failed connect to the next successful one
//     (for /readyz and the 503s with Retry-After).

#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "store/store_error.hpp"
#include "store/tx.hpp"

namespace pqxx {
class connection_base;
}

namespace prometheus {
class Registry;
}

namespace payd::store {

struct PoolOptions {
  std::string url;  // libpq URI or key=value string; a secret (never logged)
  unsigned size = 4;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds reconnect_interval{500};
  unsigned max_queue = 4096;
  unsigned max_retries = 3;  // serialization failures and deadlocks
  std::string application_name = "payd";
  // Runs on each new connection (prepared statements, session settings).
  std::function<void(pqxx::connection_base&)> on_connect;
};

using Job = std::function<void(pqxx::connection_base&)>;
using TxJob = std::function<void(Tx&)>;

class ConnectionPool {
 public:
  // `registry` may be null; otherwise payd_db_pool_* families are registered on it.
  explicit ConnectionPool(PoolOptions options, prometheus::Registry* registry = nullptr);
  ~ConnectionPool();  // stop()
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Starts the workers; each connects in the background. Returns at once.
  void start();
  // Connects one worker now: false (and `error`) when PostgreSQL cannot be reached.
  // For start-up checks and the admin commands.
  bool wait_connected(std::chrono::milliseconds timeout, std::string& error);
  // Fails queued jobs with `unavailable`, lets running ones finish, joins the workers.
  // Completions are posted to their executors, which the caller must still run.
  void stop();

  // Runs `job` on a worker. Exceptions from the job become StoreError values; the job's
  // own results travel through variables it captured by reference (the awaiting
  // coroutine's frame outlives the job).
  boost::asio::awaitable<Result<void, StoreError>> execute(Job job);

  // The same, blocking the calling thread: for the CLI and tests, never on an I/O thread.
  Result<void, StoreError> execute_blocking(Job job);

  // One read-committed transaction around `job`: committed when it returns normally and
  // did not call Tx::rollback(); rolled back when it throws (the exception becomes the
  // StoreError) or asked for it (then the result is still ok: the job reports why).
  boost::asio::awaitable<Result<void, StoreError>> transact(TxJob job);
  Result<void, StoreError> transact_blocking(TxJob job);

  // Outside any transaction (autocommit): for a read that is one statement, whose own
  // snapshot is consistent. Saves the BEGIN and COMMIT round trips of transact().
  boost::asio::awaitable<Result<void, StoreError>> read_once(TxJob job);

  [[nodiscard]] bool healthy() const noexcept { return healthy_.load(std::memory_order_relaxed); }
  [[nodiscard]] unsigned size() const noexcept { return options_.size; }

 private:
  struct Impl;
  PoolOptions options_;
  std::atomic<bool> healthy_{false};
  std::unique_ptr<Impl> impl_;
};

// Maps an exception thrown by libpqxx (or anything else) to a StoreError.
[[nodiscard]] StoreError classify_exception(std::exception_ptr error);

}  // namespace payd::store
