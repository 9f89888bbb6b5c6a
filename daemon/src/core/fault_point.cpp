#include "core/fault_point.hpp"

#ifdef PAYD_FAULT_POINTS
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <string>

#include "observability/log.hpp"
#endif

namespace payd::core {

#ifdef PAYD_FAULT_POINTS
namespace {

struct FaultSetting {
  std::string point;
  int seconds = 0;
};

FaultSetting read_setting() {
  FaultSetting s;
  // NOLINTNEXTLINE(concurrency-mt-unsafe): payd never calls setenv
  const char* raw = std::getenv("PAYD_FAULT");
  if (raw == nullptr) return s;
  const std::string_view text(raw);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return s;
  int seconds = 0;
  const auto digits = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
  if (ec != std::errc{} || end != digits.data() + digits.size() || seconds <= 0) return s;
  s.point = std::string(text.substr(0, colon));
  s.seconds = seconds;
  return s;
}

}  // namespace

boost::asio::awaitable<void> fault_point(std::string_view name) {
  static const FaultSetting setting = read_setting();
  if (setting.seconds == 0 || name != setting.point) co_return;
  obs::log_warn("fault point: stalling (test build, PAYD_FAULT)")
      .str("point", setting.point)
      .num("seconds", static_cast<std::int64_t>(setting.seconds));
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  timer.expires_after(std::chrono::seconds(setting.seconds));
  co_await timer.async_wait(boost::asio::use_awaitable);
}
#else
boost::asio::awaitable<void> fault_point(std::string_view /*name*/) {
  co_return;
}
#endif

}  // namespace payd::core
