#pragma once
// Helpers shared by the security tests: running a coroutine to completion, a fake request
// context, a fake key directory.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "http/request_context.hpp"
#include "http/response.hpp"
#include "http/route_table.hpp"
#include "security/authenticator.hpp"

namespace payd::testing {

// Runs `make()`'s awaitable on a fresh io_context until it completes.
template <typename Make>
auto run_coro(Make make) {
  using Awaitable = decltype(make());
  using T = typename Awaitable::value_type;
  boost::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr error;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { out.emplace(co_await make()); },
      [&](std::exception_ptr e) { error = e; });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

class FakeKeyDirectory final : public security::ApiKeyDirectory {
 public:
  std::map<std::string, store::ApiKeyRecord> keys;  // by lookup
  std::optional<store::StoreError> failure;
  int calls = 0;

  boost::asio::awaitable<Result<std::optional<store::ApiKeyRecord>, store::StoreError>> find(
      std::string lookup) override {
    ++calls;
    if (failure) co_return fail(*failure);
    auto it = keys.find(lookup);
    if (it == keys.end()) co_return std::optional<store::ApiKeyRecord>{};
    co_return std::optional<store::ApiKeyRecord>(it->second);
  }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request to a protected route, for calling a wrapped handler directly.
struct FakeCall {
  http::Request request;
  // Declares a permission every default (admin) key holds: RBAC admits it.
  http::Route route{http::Method::get, "/api/v1/test", {}, {.permission = "payments:read"}};

  explicit FakeCall(HeaderList headers = {}) {
    request.method = http::Method::get;
    request.target = request.path = "/api/v1/test";
    for (auto& [k, v] : headers) request.headers.add(k, v);
  }

  http::Response run(const http::Handler& handler) {
    return run_coro([&]() -> boost::asio::awaitable<http::Response> {
      http::RequestContext ctx{request, route, {}, "req_test", {}};
      co_return co_await handler(ctx);
    });
  }
};

inline boost::json::object error_of(const http::Response& r) {
  return boost::json::parse(r.body).as_object().at("error").as_object();
}

}  // namespace payd::testing
