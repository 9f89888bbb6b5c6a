#pragma once
// Named points where a test build can be told to stall, so an integration test can kill
// payd at an exact moment (for example between a provider's answer and the commit that
// records it). Only builds configured with PAYD_BUILD_TESTS compile the hook in; in every
// other build `fault_point` returns at once and reads no environment.
//
//   PAYD_FAULT=after_provider_call:30   stall 30 s at that point, every time it is reached
//
// The stall is a timer: the I/O thread keeps serving other requests meanwhile.

#include <boost/asio/awaitable.hpp>
#include <string_view>

namespace payd::core {

boost::asio::awaitable<void> fault_point(std::string_view name);

}  // namespace payd::core
