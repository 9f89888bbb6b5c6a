#pragma once
// A per-connector circuit breaker. Pure logic with an injectable clock.
//
//   closed     every operation goes through; N consecutive failures open it
//   open       every operation is refused at once (not_attempted / circuit_open)
//   half_open  after `cool_down`, exactly one operation (the probe) goes through and
//              everyone else is refused; the probe's success closes the breaker, its
//              failure opens it again for a fresh cool_down
//
// An operation asks for a Permit before its first HTTP exchange and reports through it
// once, at the end. A Permit dropped without a report (the operation was abandoned)
// frees the probe slot without changing the state. A probe that never reports at all
// (its coroutine was lost) is given up after one cool_down.
//
// Thread-safe: every member takes one mutex.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

namespace payd::config {
struct BreakerConfig;
}

namespace payd::plugins {

class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  enum class State { closed, open, half_open };

  struct Options {
    unsigned failure_threshold = 5;  // 0: never opens
    std::chrono::milliseconds cool_down{30'000};
  };

  // One admitted operation. Move-only; report success() or failure() once.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

    [[nodiscard]] bool probe() const noexcept { return probe_; }
    void success();
    void failure();

   private:
    friend class CircuitBreaker;
    Permit(CircuitBreaker* breaker, bool probe, std::uint64_t generation)
        : breaker_(breaker), probe_(probe), generation_(generation) {}
    CircuitBreaker* breaker_ = nullptr;
    bool probe_ = false;
    std::uint64_t generation_ = 0;
  };

  explicit CircuitBreaker(Options options, Clock clock = &std::chrono::steady_clock::now);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  [[nodiscard]] static Options options_from(const config::BreakerConfig& config);

  // nullopt: refused (open, or half-open with the probe already out).
  [[nodiscard]] std::optional<Permit> try_acquire();

  // The current state; an open breaker whose cool-down has passed reports half_open.
  [[nodiscard]] State state() const;
  [[nodiscard]] unsigned consecutive_failures() const;
  [[nodiscard]] const Options& options() const noexcept { return options_; }

  // Called after every state change, outside the lock (e.g. to update a gauge).
  void on_change(std::function<void(State)> callback);

 private:
  enum class Result { success, failure, abandoned };
  void report(bool probe, std::uint64_t generation, Result result);
  [[nodiscard]] State state_locked(TimePoint now) const;
  void notify(std::optional<State> changed);

  Options options_;
  Clock clock_;
  mutable std::mutex mutex_;
  State state_ = State::closed;
  unsigned failures_ = 0;
  TimePoint opened_at_{};
  bool probe_out_ = false;
  TimePoint probe_started_{};
  std::uint64_t probe_generation_ = 0;  // tells a stale probe's report from the current one
  std::function<void(State)> on_change_;
};

[[nodiscard]] std::string_view to_string(CircuitBreaker::State state);

}  // namespace payd::plugins
