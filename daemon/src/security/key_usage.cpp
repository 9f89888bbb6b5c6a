#include "security/key_usage.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "observability/log.hpp"
#include "store/api_key_store.hpp"
#include "store/connection_pool.hpp"

namespace payd::security {

namespace asio = boost::asio;

struct KeyUsageRecorder::State {
  store::ConnectionPool& pool;
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;
  std::chrono::milliseconds interval;
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};
  std::mutex mutex;
  std::unordered_map<std::string, std::int64_t> pending;  // key id -> last use (unix µs)

  State(store::ConnectionPool& p, const asio::any_io_executor& ex, std::chrono::milliseconds i)
      : pool(p), strand(asio::make_strand(ex)), timer(strand), interval(i) {}
};

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

asio::awaitable<Result<std::size_t, store::StoreError>> write_pending(
    std::shared_ptr<KeyUsageRecorder::State> s) {
  std::vector<store::ApiKeyUse> batch;
  {
    std::lock_guard lock(s->mutex);
    batch.reserve(s->pending.size());
    for (auto& [id, at] : s->pending) batch.push_back({id, at});
    s->pending.clear();
  }
  if (batch.empty()) co_return std::size_t{0};
  auto r = co_await s->pool.transact([&](store::Tx& tx) { store::record_api_key_use(tx, batch); });
  if (!r) {
    // Keep them for the next pass, unless a newer use arrived meanwhile.
    std::lock_guard lock(s->mutex);
    for (auto& u : batch) {
      auto& at = s->pending[u.key_id];
      at = std::max(at, u.used_at_us);
    }
    co_return fail(r.error());
  }
  co_return batch.size();
}

asio::awaitable<void> flush_loop(std::shared_ptr<KeyUsageRecorder::State> s) {
  for (;;) {
    s->timer.expires_after(s->interval);
    boost::system::error_code ec;
    co_await s->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    auto r = co_await write_pending(s);
    if (!r) {
      obs::log_warn("could not record API key use; retrying at the next interval")
          .str("kind", store::to_string(r.error().kind));
    }
    if (s->stopped.load()) co_return;
  }
}

}  // namespace

KeyUsageRecorder::KeyUsageRecorder(store::ConnectionPool& pool, asio::any_io_executor executor,
                                   std::chrono::milliseconds interval)
    : state_(std::make_shared<State>(pool, executor, interval)) {}

KeyUsageRecorder::~KeyUsageRecorder() {
  stop();
}

void KeyUsageRecorder::note(const std::string& key_id) {
  const auto at = now_us();
  std::lock_guard lock(state_->mutex);
  auto& slot = state_->pending[key_id];
  slot = std::max(slot, at);
}

void KeyUsageRecorder::start() {
  if (state_->started.exchange(true) || state_->stopped.load()) return;
  asio::co_spawn(state_->strand, flush_loop(state_), asio::detached);
}

void KeyUsageRecorder::stop() {
  if (state_->stopped.exchange(true) || !state_->started.load()) return;
  // Wakes the loop for its last pass.
  asio::post(state_->strand, [s = state_] { s->timer.cancel(); });
}

asio::awaitable<Result<std::size_t, store::StoreError>> KeyUsageRecorder::flush() {
  co_return co_await write_pending(state_);
}

}  // namespace payd::security
