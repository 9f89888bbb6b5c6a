#pragma once
// Runs one coroutine to completion on a test io_context, with a hard time bound.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace payd::test {

template <typename T>
T run_on(boost::asio::io_context& ioc, boost::asio::awaitable<T> work,
         std::chrono::seconds limit = std::chrono::seconds(30)) {
  std::optional<T> result;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, std::move(work), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result = std::move(value);
  });
  ioc.restart();
  ioc.run_for(limit);
  if (error) std::rethrow_exception(error);
  if (!result) throw std::runtime_error("the coroutine did not finish in time");
  return std::move(*result);
}

}  // namespace payd::test
