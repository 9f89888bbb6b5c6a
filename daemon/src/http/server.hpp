#pragma once
// The HTTP/1.1 front door: Beast on one io_context, one coroutine per connection.
// Beast is confined to server.cpp; this header exposes only plain types.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/method.hpp"
#include "http/route_table.hpp"

namespace boost::asio {
class io_context;
}

namespace payd::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  unsigned max_json_depth = 32;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  unsigned max_connections = 10'000;
  // Requests handled at once; beyond it 503 SERVICE_UNAVAILABLE with Retry-After at once
  // (load shedding) rather than queuing. 0 = no cap. Exempt: public routes outside /api/
  // (health, readiness, metrics), so probes still see an overloaded daemon.
  unsigned max_in_flight = 0;
};

// One finished exchange, for metrics and the access log.
struct AccessRecord {
  std::string_view request_id;
  Method method;
  std::string_view route;  // route template, "unmatched" (404) or "invalid" (malformed HTTP)
  int status;
  double seconds;          // request fully read -> response written
  std::size_t bytes_out;   // response body bytes
};

struct ServerHooks {
  std::function<void(const AccessRecord&)> on_exchange;
  std::function<void()> on_shed;  // one request refused by max_in_flight
};

class Server {
 public:
  // One acceptor and one share of the connections per io_context. Each io_context must be
  // run by exactly one thread: sessions rely on that instead of strands.
  Server(std::vector<boost::asio::io_context*> contexts, ServerOptions options,
         const RouteTable& routes, ServerHooks hooks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. Throws std::system_error when the address cannot be bound.
  void start();
  [[nodiscard]] std::uint16_t port() const;
  // Changes ServerOptions::max_in_flight live (SIGHUP).
  void set_max_in_flight(unsigned cap) noexcept;

  // Stops accepting, closes idle keep-alive connections and lets in-flight requests
  // finish (their responses carry Connection: close). Calls `on_drained` once, when the
  // last connection has ended or `shutdown_grace` has passed (then the rest are cut).
  void drain(std::function<void()> on_drained);
  // After the io_context threads have stopped: closes every connection and acceptor so
  // that running the contexts once more ends every session coroutine. Call it, then
  // poll each context until idle, before any context is destroyed (frames on one context
  // refer to objects owned by another).
  void abort_all();
  [[nodiscard]] bool draining() const noexcept;
  [[nodiscard]] std::size_t open_connections() const noexcept;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace payd::http
