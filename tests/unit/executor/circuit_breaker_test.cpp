#include "plugins/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "config/config.hpp"

namespace payd::plugins {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;

struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
  CircuitBreaker::Clock clock() const {
    return
        [ms = ms] { return CircuitBreaker::TimePoint{} + std::chrono::milliseconds(ms->load()); };
  }
  void advance(std::chrono::milliseconds d) const { *ms += d.count(); }
};

CircuitBreaker make(const FakeClock& fc, unsigned threshold = 3,
                    std::chrono::milliseconds cool_down = 1000ms) {
  return CircuitBreaker(CircuitBreaker::Options{threshold, cool_down}, fc.clock());
}

void fail_once(CircuitBreaker& b) {
  auto p = b.try_acquire();
  ASSERT_TRUE(p.has_value());
  p->failure();
}

TEST(CircuitBreaker, StaysClosedBelowTheThresholdAndSuccessResetsTheCount) {
  FakeClock fc;
  auto b = make(fc);
  fail_once(b);
  fail_once(b);
  EXPECT_EQ(b.state(), State::closed);
  EXPECT_EQ(b.consecutive_failures(), 2U);
  b.try_acquire()->success();
  EXPECT_EQ(b.consecutive_failures(), 0U);
  fail_once(b);
  fail_once(b);
  EXPECT_EQ(b.state(), State::closed);
}

TEST(CircuitBreaker, OpensAfterNConsecutiveFailuresAndRejects) {
  FakeClock fc;
  auto b = make(fc);
  for (int i = 0; i < 3; ++i) fail_once(b);
  EXPECT_EQ(b.state(), State::open);
  EXPECT_FALSE(b.try_acquire().has_value());
  fc.advance(999ms);
  EXPECT_EQ(b.state(), State::open);
  EXPECT_FALSE(b.try_acquire().has_value());
}

TEST(CircuitBreaker, HalfOpenAfterCoolDownLetsExactlyOneProbeThrough) {
  FakeClock fc;
  auto b = make(fc);
  for (int i = 0; i < 3; ++i) fail_once(b);
  fc.advance(1000ms);
  EXPECT_EQ(b.state(), State::half_open);
  auto probe = b.try_acquire();
  ASSERT_TRUE(probe.has_value());
  EXPECT_TRUE(probe->probe());
  EXPECT_FALSE(b.try_acquire().has_value());
  EXPECT_FALSE(b.try_acquire().has_value());
  EXPECT_EQ(b.state(), State::half_open);
  probe->success();
  EXPECT_EQ(b.state(), State::closed);
  auto normal = b.try_acquire();
  ASSERT_TRUE(normal.has_value());
  EXPECT_FALSE(normal->probe());
}

TEST(CircuitBreaker, FailedProbeReopensWithAFreshCoolDown) {
  FakeClock fc;
  auto b = make(fc);
  for (int i = 0; i < 3; ++i) fail_once(b);
  fc.advance(1500ms);
  auto probe = b.try_acquire();
  ASSERT_TRUE(probe.has_value());
  probe->failure();
  EXPECT_EQ(b.state(), State::open);
  fc.advance(999ms);  // counted from the probe's failure, not from the first opening
  EXPECT_FALSE(b.try_acquire().has_value());
  fc.advance(1ms);
  auto second = b.try_acquire();
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->probe());
  second->success();
  EXPECT_EQ(b.state(), State::closed);
}

TEST(CircuitBreaker, AbandonedProbeFreesTheSlotWithoutClosing) {
  FakeClock fc;
  auto b = make(fc);
  for (int i = 0; i < 3; ++i) fail_once(b);
  fc.advance(1000ms);
  {
    auto probe = b.try_acquire();
    ASSERT_TRUE(probe.has_value());
  }
  EXPECT_EQ(b.state(), State::half_open);
  auto next = b.try_acquire();
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(next->probe());
}

TEST(CircuitBreaker, LostProbeIsReplacedAfterACoolDown) {
  FakeClock fc;
  auto b = make(fc);
  for (int i = 0; i < 3; ++i) fail_once(b);
  fc.advance(1000ms);
  auto lost = b.try_acquire();
  ASSERT_TRUE(lost.has_value());
  fc.advance(500ms);
  EXPECT_FALSE(b.try_acquire().has_value());
  fc.advance(500ms);
  auto replacement = b.try_acquire();
  ASSERT_TRUE(replacement.has_value());
  lost->success();  // the stale probe's late report changes nothing
  EXPECT_EQ(b.state(), State::half_open);
  replacement->failure();
  EXPECT_EQ(b.state(), State::open);
}

TEST(CircuitBreaker, LateReportsFromBeforeTheOpeningChangeNothing) {
  FakeClock fc;
  auto b = make(fc, 1);
  auto early = b.try_acquire();
  fail_once(b);
  EXPECT_EQ(b.state(), State::open);
  early->success();
  EXPECT_EQ(b.state(), State::open);
}

TEST(CircuitBreaker, ZeroThresholdNeverOpens) {
  FakeClock fc;
  auto b = make(fc, 0);
  for (int i = 0; i < 100; ++i) fail_once(b);
  EXPECT_EQ(b.state(), State::closed);
}

TEST(CircuitBreaker, ReportsStateChanges) {
  FakeClock fc;
  auto b = make(fc, 1);
  std::vector<State> seen;
  b.on_change([&](State s) { seen.push_back(s); });
  fail_once(b);
  fc.advance(1000ms);
  b.try_acquire()->success();
  EXPECT_EQ(seen, (std::vector<State>{State::open, State::half_open, State::closed}));
}

TEST(CircuitBreaker, OptionsComeFromTheConnectorConfig) {
  config::BreakerConfig c;
  c.failure_threshold = 7;
  c.cool_down = 1234ms;
  const auto o = CircuitBreaker::options_from(c);
  EXPECT_EQ(o.failure_threshold, 7U);
  EXPECT_EQ(o.cool_down, 1234ms);
}

TEST(CircuitBreaker, ConcurrentCallersGetExactlyOneProbe) {
  FakeClock fc;
  auto b = make(fc, 1);
  fail_once(b);
  fc.advance(1000ms);
  constexpr int kThreads = 8;
  std::atomic<int> admitted{0};
  std::atomic<bool> go{false};
  std::vector<std::optional<CircuitBreaker::Permit>> permits(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      for (int k = 0; k < 1000; ++k) {
        if (permits[static_cast<std::size_t>(i)]) break;
        if (auto p = b.try_acquire()) {
          ++admitted;
          permits[static_cast<std::size_t>(i)] = std::move(p);
        }
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 1);
  EXPECT_EQ(b.state(), State::half_open);
}

TEST(CircuitBreaker, ConcurrentFailuresOpenItOnce) {
  FakeClock fc;
  auto b = make(fc, 50);
  std::atomic<int> opened{0};
  b.on_change([&](State s) { opened += s == State::open ? 1 : 0; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (auto p = b.try_acquire()) p->failure();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(b.state(), State::open);
  EXPECT_EQ(opened.load(), 1);
}

}  // namespace
}  // namespace payd::plugins
