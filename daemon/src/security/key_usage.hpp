#pragma once
// api_keys.last_used_at without a write per request: each authentication notes the key's
// use in memory (a map, one entry per key however busy it is), and a loop writes them all
// in one statement every `interval` and when stopped. last_used_at is therefore up to one
// interval late, and a daemon killed with SIGKILL loses at most one interval of it.
//
//   security::KeyUsageRecorder usage(pool, executor, std::chrono::seconds(10));
//   usage.start();
//   usage.note("key_...");   // from any thread
//   co_await usage.stop_and_flush();

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "store/store_error.hpp"

namespace payd::store {
class ConnectionPool;
}

namespace payd::security {

class KeyUsageRecorder {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval = std::chrono::seconds(10);

  KeyUsageRecorder(store::ConnectionPool& pool, boost::asio::any_io_executor executor,
                   std::chrono::milliseconds interval = kDefaultInterval);
  ~KeyUsageRecorder();
  KeyUsageRecorder(const KeyUsageRecorder&) = delete;
  KeyUsageRecorder& operator=(const KeyUsageRecorder&) = delete;

  // Thread-safe, no I/O: remembers that the key was used now.
  void note(const std::string& key_id);

  void start();
  // Ends the loop (its last pass writes what is pending). Thread-safe, idempotent.
  void stop();
  // Writes what is pending now; on failure the uses are kept for the next pass.
  [[nodiscard]] boost::asio::awaitable<Result<std::size_t, store::StoreError>> flush();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace payd::security
