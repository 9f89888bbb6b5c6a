#include "api/idempotency_purger.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "observability/log.hpp"
#include "store/connection_pool.hpp"
#include "store/idempotency_store.hpp"

namespace payd::api {

namespace asio = boost::asio;

// Shared by the purger and its loop, so that the loop may outlive the purger object.
struct IdempotencyPurger::State {
  store::ConnectionPool& pool;
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;  // only touched on the strand
  std::chrono::seconds retention;
  std::chrono::milliseconds interval;
  std::size_t batch;
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};

  State(store::ConnectionPool& p, const asio::any_io_executor& executor, std::chrono::seconds r,
        std::chrono::milliseconds i, std::size_t b)
      : pool(p),
        strand(asio::make_strand(executor)),
        timer(strand),
        retention(r),
        interval(i),
        batch(b == 0 ? 1 : b) {}
};

namespace {

asio::awaitable<Result<std::size_t, store::StoreError>> purge(
    const std::shared_ptr<IdempotencyPurger::State>& s);

}  // namespace

IdempotencyPurger::IdempotencyPurger(store::ConnectionPool& pool, asio::any_io_executor executor,
                                     std::chrono::seconds retention,
                                     std::chrono::milliseconds interval, std::size_t batch)
    : state_(std::make_shared<State>(pool, executor, retention, interval, batch)) {}

IdempotencyPurger::~IdempotencyPurger() {
  stop();
}

namespace {

asio::awaitable<void> purge_loop(std::shared_ptr<IdempotencyPurger::State> s) {
  while (!s->stopped.load()) {
    auto r = co_await purge(s);
    if (!r) {
      obs::log_warn("idempotency key purge failed; retrying at the next interval")
          .str("kind", store::to_string(r.error().kind))
          .str("detail", r.error().detail);
    } else if (*r > 0) {
      obs::log_info("purged expired idempotency keys")
          .num("deleted", static_cast<std::int64_t>(*r))
          .num("retention_seconds", static_cast<std::int64_t>(s->retention.count()));
    } else {
      obs::log_debug("no expired idempotency keys to purge");
    }
    if (s->stopped.load()) break;
    s->timer.expires_after(s->interval);
    boost::system::error_code ec;
    co_await s->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<Result<std::size_t, store::StoreError>> purge(
    const std::shared_ptr<IdempotencyPurger::State>& s) {
  std::size_t total = 0;
  for (;;) {
    std::size_t deleted = 0;
    auto r = co_await s->pool.transact([&](store::Tx& tx) {
      deleted = store::purge_idempotency_keys(tx, s->retention, s->batch);
    });
    if (!r) co_return fail(r.error());
    total += deleted;
    if (deleted < s->batch || s->stopped.load()) co_return total;
  }
}

}  // namespace

void IdempotencyPurger::start() {
  if (state_->started.exchange(true) || state_->stopped.load()) return;
  asio::co_spawn(state_->strand, purge_loop(state_), [](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      obs::log_error("idempotency key purger stopped").str("error", e.what());
    } catch (...) {
      obs::log_error("idempotency key purger stopped").str("error", "unknown exception");
    }
  });
}

void IdempotencyPurger::stop() {
  if (state_->stopped.exchange(true) || !state_->started.load()) return;
  asio::post(state_->strand, [s = state_] { s->timer.cancel(); });
}

asio::awaitable<Result<std::size_t, store::StoreError>> IdempotencyPurger::purge_once() {
  co_return co_await purge(state_);
}

}  // namespace payd::api
