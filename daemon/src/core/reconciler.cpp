#include "core/reconciler.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "core/payment_service.hpp"
#include "observability/log.hpp"
#include "store/connection_pool.hpp"
#include "store/job_store.hpp"

namespace payd::core {

namespace asio = boost::asio;

struct Reconciler::State {
  store::ConnectionPool& pool;
  PaymentService& payments;
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;  // only touched on the strand
  ReconcilerOptions options;
  prometheus::Family<prometheus::Counter>* jobs = nullptr;
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};

  State(store::ConnectionPool& p, PaymentService& s, const asio::any_io_executor& executor,
        ReconcilerOptions o, prometheus::Registry* registry)
      : pool(p), payments(s), strand(asio::make_strand(executor)), timer(strand), options(o) {
    if (options.batch == 0) options.batch = 1;
    if (registry != nullptr) {
      jobs = &prometheus::BuildCounter()
                  .Name("payd_reconciler_jobs_total")
                  .Help("Reconciliation jobs run, by kind and result (settled, retry).")
                  .Register(*registry);
    }
  }

  void count(store::JobKind kind, const char* result) const {
    if (jobs == nullptr) return;
    jobs->Add({{"kind", std::string(store::to_string(kind))}, {"result", result}}).Increment();
  }
};

namespace {

asio::awaitable<Reconciled> run_job(Reconciler::State& s, const store::JobRecord& job) {
  switch (job.kind) {
    case store::JobKind::sync_payment:
      co_return co_await s.payments.sync_payment(job.tenant_id, job.object_id);
    case store::JobKind::sync_refund:
      co_return co_await s.payments.sync_refund(job.tenant_id, job.object_id);
    case store::JobKind::expire_payment:
      co_return co_await s.payments.expire_payment(job.tenant_id, job.object_id);
  }
  co_return Reconciled{true, "unknown job kind", {}};
}

asio::awaitable<std::size_t> pass(std::shared_ptr<Reconciler::State> s) {
  std::size_t ran = 0;
  while (!s->stopped.load()) {
    std::vector<store::JobRecord> jobs;
    auto claimed = co_await s->pool.transact([&](store::Tx& tx) {
      jobs = store::claim_due_jobs(tx, static_cast<unsigned>(s->options.batch), s->options.lease);
    });
    if (!claimed) {
      obs::log_warn("reconciler could not claim jobs; retrying at the next interval")
          .str("kind", store::to_string(claimed.error().kind))
          .str("detail", claimed.error().detail);
      co_return ran;
    }
    for (const auto& job : jobs) {
      Reconciled result;
      try {
        result = co_await run_job(*s, job);
      } catch (const std::exception& e) {
        // The lease keeps the job; log and let the backoff bring it back.
        result = Reconciled{false, std::string("error: ") + e.what(), {}};
      }
      ++ran;
      s->count(job.kind, result.settled ? "settled" : "retry");
      const auto id = job.id;
      const auto delay = result.retry_after.count() > 0
                             ? result.retry_after
                             : Reconciler::backoff(job.attempts, s->options);
      auto written = co_await s->pool.transact([&](store::Tx& tx) {
        if (result.settled) {
          store::delete_job(tx, id);
        } else {
          store::reschedule_job(tx, id, delay, result.note);
        }
      });
      auto log = result.settled ? obs::log_debug("reconciliation job done")
                                : obs::log_info("reconciliation job will run again");
      log.str("kind", store::to_string(job.kind))
          .str("object", job.object_id)
          .num("attempts", static_cast<std::int64_t>(job.attempts))
          .str("result", result.note);
      if (!result.settled) log.num("retry_in_seconds", static_cast<std::int64_t>(delay.count()));
      if (!written) {
        obs::log_warn("reconciler could not record a job's result; its lease brings it back")
            .str("kind", store::to_string(job.kind))
            .str("object", job.object_id);
      }
      if (s->stopped.load()) co_return ran;
    }
    if (jobs.size() < s->options.batch) co_return ran;
  }
  co_return ran;
}

asio::awaitable<void> loop(std::shared_ptr<Reconciler::State> s) {
  while (!s->stopped.load()) {
    (void)co_await pass(s);
    if (s->stopped.load()) break;
    s->timer.expires_after(s->options.interval);
    boost::system::error_code ec;
    co_await s->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

Reconciler::Reconciler(store::ConnectionPool& pool, PaymentService& payments,
                       const asio::any_io_executor& executor, ReconcilerOptions options,
                       prometheus::Registry* metrics)
    : state_(std::make_shared<State>(pool, payments, executor, options, metrics)) {}

Reconciler::~Reconciler() {
  stop();
}

std::chrono::seconds Reconciler::backoff(int attempts, const ReconcilerOptions& o) {
  const int doublings = std::clamp(attempts - 1, 0, 20);
  const auto delay = o.first_backoff * (std::int64_t{1} << doublings);
  return std::min(delay, o.max_backoff);
}

void Reconciler::start() {
  if (state_->started.exchange(true) || state_->stopped.load()) return;
  asio::co_spawn(state_->strand, loop(state_), [](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      obs::log_error("reconciler stopped").str("error", e.what());
    } catch (...) {
      obs::log_error("reconciler stopped").str("error", "unknown exception");
    }
  });
}

void Reconciler::stop() {
  if (state_->stopped.exchange(true) || !state_->started.load()) return;
  asio::post(state_->strand, [s = state_] { s->timer.cancel(); });
}

asio::awaitable<std::size_t> Reconciler::run_once() {
  co_return co_await pass(state_);
}

}  // namespace payd::core
