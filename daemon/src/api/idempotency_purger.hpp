#pragma once
// Forgets idempotency keys older than the retention (24 h by default), so the table stays
// small. Every `interval` (and once at start) it deletes expired rows in batches, each its
// own short transaction that skips rows a running request holds; several daemons on one
// database may all run one. Logs how many rows it deleted; a failed pass is logged and
// retried at the next interval.
//
//   api::IdempotencyPurger purger(pool, io.get_executor(), std::chrono::hours(24));
//   purger.start();
//   ...
//   purger.stop();  // or the destructor
//
// The pool must outlive the purger and the executor's last run (the loop may be inside a
// store call when stop() is called; it ends as soon as that call returns), and the
// executor's io_context must outlive the purger (stop() posts to it).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

#include "common/result.hpp"
#include "store/store_error.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::api {

class IdempotencyPurger {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval = std::chrono::minutes(5);
  static constexpr std::size_t kDefaultBatch = 1000;

  IdempotencyPurger(store::ConnectionPool& pool, boost::asio::any_io_executor executor,
                    std::chrono::seconds retention,
                    std::chrono::milliseconds interval = kDefaultInterval,
                    std::size_t batch = kDefaultBatch);
  ~IdempotencyPurger();  // stop()
  IdempotencyPurger(const IdempotencyPurger&) = delete;
  IdempotencyPurger& operator=(const IdempotencyPurger&) = delete;

  // Starts the loop on the executor (a pass at once, then one per interval). Once only.
  void start();
  // Thread-safe; the loop ends at its next suspension point. Idempotent.
  void stop();

  // One pass: deletes every expired row, batch by batch. How many it deleted, or the
  // error that stopped it (rows deleted before it stay deleted).
  [[nodiscard]] boost::asio::awaitable<Result<std::size_t, store::StoreError>> purge_once();

  struct State;  // shared with the loop (an implementation detail)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace payd::api
