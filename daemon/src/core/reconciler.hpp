#pragma once
// Runs the reconciliation schedule (store/job_store): every `interval` it claims the due
// jobs (FOR UPDATE SKIP LOCKED, leased, so several daemons on one database share the
// work and a daemon that dies mid-job only delays it) and runs each through the
// PaymentService: sync a `processing` payment or a `pending` refund, expire a
// `requires_action` payment. A job that is not settled runs again with exponential
// backoff (10 s, 20 s, ... up to an hour), its note kept in scheduled_jobs.last_error.
//
//   core::Reconciler reconciler(pool, payments, io.get_executor(), options, &registry);
//   reconciler.start();
//   ...
//   reconciler.stop();  // or the destructor
//
// The pool, the service and the executor's io_context must outlive the loop's last run.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

namespace prometheus {
class Registry;
}
namespace payd::store {
class ConnectionPool;
}

namespace payd::core {

class PaymentService;

struct ReconcilerOptions {
  std::chrono::milliseconds interval{1000};
  std::chrono::seconds lease{120};  // the payments' in_flight_timeout
  std::size_t batch = 32;
  std::chrono::seconds first_backoff{10};
  std::chrono::seconds max_backoff{3600};
};

class Reconciler {
 public:
  Reconciler(store::ConnectionPool& pool, PaymentService& payments,
             const boost::asio::any_io_executor& executor, ReconcilerOptions options,
             prometheus::Registry* metrics = nullptr);
  ~Reconciler();  // stop()
  Reconciler(const Reconciler&) = delete;
  Reconciler& operator=(const Reconciler&) = delete;

  void start();  // once
  void stop();   // thread-safe, idempotent

  // One pass: claims and runs due jobs until none is due (or stop). How many ran.
  [[nodiscard]] boost::asio::awaitable<std::size_t> run_once();

  // The backoff after `attempts` claims of a job that did not settle.
  [[nodiscard]] static std::chrono::seconds backoff(int attempts, const ReconcilerOptions& o);

  struct State;  // shared with the loop

 private:
  std::shared_ptr<State> state_;
};

}  // namespace payd::core
