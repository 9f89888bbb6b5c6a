#include "plugins/circuit_breaker.hpp"

#include <utility>

#include "config/config.hpp"

namespace payd::plugins {

CircuitBreaker::Permit::Permit(Permit&& other) noexcept
    : breaker_(std::exchange(other.breaker_, nullptr)),
      probe_(other.probe_),
      generation_(other.generation_) {}

CircuitBreaker::Permit& CircuitBreaker::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (breaker_ != nullptr) breaker_->report(probe_, generation_, Result::abandoned);
    breaker_ = std::exchange(other.breaker_, nullptr);
    probe_ = other.probe_;
    generation_ = other.generation_;
  }
  return *this;
}

CircuitBreaker::Permit::~Permit() {
  if (breaker_ != nullptr) breaker_->report(probe_, generation_, Result::abandoned);
}

void CircuitBreaker::Permit::success() {
  if (auto* b = std::exchange(breaker_, nullptr)) b->report(probe_, generation_, Result::success);
}

void CircuitBreaker::Permit::failure() {
  if (auto* b = std::exchange(breaker_, nullptr)) b->report(probe_, generation_, Result::failure);
}

CircuitBreaker::CircuitBreaker(Options options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

CircuitBreaker::Options CircuitBreaker::options_from(const config::BreakerConfig& config) {
  return Options{config.failure_threshold, config.cool_down};
}

void CircuitBreaker::on_change(std::function<void(State)> callback) {
  std::lock_guard lock(mutex_);
  on_change_ = std::move(callback);
}

void CircuitBreaker::notify(std::optional<State> changed) {
  if (!changed) return;
  std::function<void(State)> callback;
  {
    std::lock_guard lock(mutex_);
    callback = on_change_;
  }
  if (callback) callback(*changed);
}

CircuitBreaker::State CircuitBreaker::state_locked(TimePoint now) const {
  if (state_ == State::open && now - opened_at_ >= options_.cool_down) return State::half_open;
  return state_;
}

std::optional<CircuitBreaker::Permit> CircuitBreaker::try_acquire() {
  std::optional<State> changed;
  std::optional<Permit> permit;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    switch (state_) {
      case State::closed:
        permit = Permit(this, false, 0);
        break;
      case State::open:
        if (now - opened_at_ < options_.cool_down) break;
        state_ = State::half_open;
        changed = State::half_open;
        [[fallthrough]];
      case State::half_open:
        // A probe that has been out for a whole cool-down was lost: send another.
        if (probe_out_ && now - probe_started_ < options_.cool_down) break;
        probe_out_ = true;
        probe_started_ = now;
        permit = Permit(this, true, ++probe_generation_);
        break;
    }
  }
  notify(changed);
  return permit;
}

void CircuitBreaker::report(bool probe, std::uint64_t generation, Result result) {
  std::optional<State> changed;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (probe) {
      // Only the current probe decides; a late report of a given-up probe is ignored.
      if (state_ != State::half_open || generation != probe_generation_ || !probe_out_) return;
      probe_out_ = false;
      if (result == Result::success) {
        state_ = State::closed;
        failures_ = 0;
        changed = State::closed;
      } else if (result == Result::failure) {
        state_ = State::open;
        opened_at_ = now;
        changed = State::open;
      }
    } else if (state_ == State::closed) {
      // Operations admitted while closed that finish after it opened change nothing.
      if (result == Result::success) {
        failures_ = 0;
      } else if (result == Result::failure) {
        ++failures_;
        if (options_.failure_threshold > 0 && failures_ >= options_.failure_threshold) {
          state_ = State::open;
          opened_at_ = now;
          changed = State::open;
        }
      }
    }
  }
  notify(changed);
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_locked(clock_());
}

unsigned CircuitBreaker::consecutive_failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

std::string_view to_string(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::closed:
      return "closed";
    case CircuitBreaker::State::open:
      return "open";
    case CircuitBreaker::State::half_open:
      return "half_open";
  }
  return "closed";
}

}  // namespace payd::plugins
