#pragma once
// Handlers are coroutines on the server's io_context: they may co_await store and
// provider calls without blocking an I/O thread. Only <boost/asio/awaitable.hpp> is
// needed here, not Beast.

#include <boost/asio/awaitable.hpp>
#include <functional>

#include "http/request_context.hpp"
#include "http/response.hpp"

namespace payd::http {

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

}  // namespace payd::http
