#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <vector>
#include <sys/socket.h>

#include <list>
#include <mutex>

#include "http/api_error.hpp"
#include "http/head_scanner.hpp"
#include "http/response_writer.hpp"
#include "http/request_id.hpp"
#include "observability/log.hpp"

namespace payd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A protocol-level refusal: answered, then the connection is closed.
struct Refusal {
  ApiError error;
};

Refusal refusal(int status, std::string code, std::string message) {
  return {ApiError{status, ErrorType::invalid_request, std::move(code), std::move(message), {}}};
}

// Framing rules that close request-smuggling gaps between payd and any proxy in front.
std::optional<Refusal> check_framing(const bhttp::request<bhttp::string_body>& req) {
  if (req.version() >= 11 && req.count(bhttp::field::host) != 1) {
    return refusal(400, "BAD_REQUEST", "HTTP/1.1 requests need exactly one Host header.");
  }
  const auto cl = req.count(bhttp::field::content_length);
  const auto te = req.count(bhttp::field::transfer_encoding);
  if (cl > 1) return refusal(400, "BAD_REQUEST", "Repeated Content-Length header.");
  if (te > 1) return refusal(400, "BAD_REQUEST", "Repeated Transfer-Encoding header.");
  if (cl > 0 && te > 0) {
    return refusal(400, "BAD_REQUEST", "Content-Length and Transfer-Encoding are exclusive.");
  }
  if (te > 0) {
    if (req.version() < 11) {
      return refusal(400, "BAD_REQUEST", "Transfer-Encoding requires HTTP/1.1.");
    }
    if (!iequals(req[bhttp::field::transfer_encoding], "chunked")) {
      return refusal(400, "BAD_REQUEST", "Only Transfer-Encoding: chunked is accepted.");
    }
  }
  return std::nullopt;
}

// Maps a read failure to the answer owed (if any). nullopt: the peer is gone, just close.
std::optional<Refusal> refusal_for(const boost::system::error_code& ec, std::size_t max_header,
                                   std::size_t max_body) {
  if (ec == bhttp::error::header_limit) {
    return refusal(431, "HEADERS_TOO_LARGE",
                   "The request head exceeds " + std::to_string(max_header) + " bytes.");
  }
  if (ec == bhttp::error::body_limit) return Refusal{ApiError::payload_too_large(max_body)};
  // beast::tcp_stream closes the socket when a timer expires, so a slow client simply
  // loses its connection; there is nobody left to send a 408 to.
  if (ec == beast::error::timeout) return std::nullopt;
  if (ec == bhttp::error::bad_content_length) {
    return refusal(400, "BAD_REQUEST", "Invalid, repeated or conflicting Content-Length.");
  }
  if (ec == bhttp::error::bad_transfer_encoding) {
    return refusal(400, "BAD_REQUEST", "Invalid or conflicting Transfer-Encoding.");
  }
  if (ec == bhttp::error::bad_chunk || ec == bhttp::error::bad_chunk_extension) {
    return refusal(400, "BAD_REQUEST", "Malformed chunked body.");
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::operation_aborted || ec == asio::error::broken_pipe) {
    return std::nullopt;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
    return refusal(400, "BAD_REQUEST", "Malformed HTTP request.");
  }
  return std::nullopt;
}

Request to_request(bhttp::request<bhttp::string_body>&& in, const std::string& remote) {
  Request r;
  r.method = parse_method(in.method_string());
  r.target = std::string(in.target());
  const auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& f : in) r.headers.add(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(in.body());
  r.remote_address = remote;
  r.version = in.version();
  return r;
}

}  // namespace

// Per-connection bookkeeping the drain logic needs. Touched only on the session's own
// io_context thread (one thread per io_context, so no strand is needed).
struct SessionSlot {
  asio::any_io_executor executor;
  beast::tcp_stream* stream = nullptr;
  bool idle = false;
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  std::vector<asio::io_context*> contexts;
  ServerOptions opts;
  const RouteTable& routes;
  ServerHooks hooks;
  // One acceptor per io_context on the same port (SO_REUSEPORT): the kernel spreads
  // connections, and each connection lives on one single-threaded context.
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  asio::steady_timer grace_timer;
  std::atomic<bool> is_draining{false};
  std::atomic<std::size_t> open{0};
  std::atomic<unsigned> max_in_flight{0};
  std::atomic<unsigned> in_flight{0};
  std::mutex mutex;  // guards slots and on_drained
  std::list<std::shared_ptr<SessionSlot>> slots;
  std::function<void()> on_drained;

  Impl(std::vector<asio::io_context*> ctxs, ServerOptions o, const RouteTable& r, ServerHooks h)
      : contexts(std::move(ctxs)),
        opts(std::move(o)),
        routes(r),
        hooks(std::move(h)),
        grace_timer(*contexts.front()) {
    max_in_flight = opts.max_in_flight;
    for (auto* c : contexts) acceptors.push_back(std::make_unique<tcp::acceptor>(*c));
  }

  void report(const AccessRecord& rec) const {
    if (hooks.on_exchange) hooks.on_exchange(rec);
  }

  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (is_draining) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        // EMFILE and friends: back off briefly instead of spinning.
        obs::log_warn("accept failed").str("error", ec.message());
        asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      if (open.load() >= opts.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      auto slot = std::make_shared<SessionSlot>();
      slot->executor = socket.get_executor();
      {
        std::lock_guard lock(mutex);
        slots.push_back(slot);
      }
      ++open;
      asio::co_spawn(slot->executor, run_session(std::move(socket), slot), asio::detached);
    }
  }

  void session_ended(const std::shared_ptr<SessionSlot>& slot) {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex);
      slots.remove(slot);
      if (--open == 0 && is_draining && on_drained) done = std::exchange(on_drained, nullptr);
    }
    if (done) {
      // The timer belongs to the first context; cancel it there, not from this thread.
      asio::post(*contexts.front(), [self = shared_from_this()] { self->grace_timer.cancel(); });
      done();
    }
  }

  // Half-close and drain what the client still sends, so the kernel does not answer
  // our last response with a RST that could destroy it before the client reads it.
  static asio::awaitable<void> close_gracefully(beast::tcp_stream& stream) {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::milliseconds(500));
    std::array<char, 4096> sink{};
    for (std::size_t total = 0; total < 256 * 1024;) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
      if (rec) break;
      total += n;
    }
    stream.socket().close(ec);
  }

  asio::awaitable<bool> write(beast::tcp_stream& stream, const std::string& wire) {
    stream.expires_after(opts.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(wire), use_tuple);
    co_return !ec;
  }

  // Parameters by value: GCC 12 mishandles temporaries bound to references of a
  // coroutine (double destruction), so callers pass named values only.
  asio::awaitable<void> refuse(beast::tcp_stream& stream, Refusal r, std::string request_id,
                               unsigned version, Method method) {
    auto res = r.error.to_response(request_id);
    res.headers.set("X-Request-Id", request_id);
    const auto bytes = res.body.size();
    std::string wire;
    serialize_response(res, version, false, false, wire);
    co_await write(stream, wire);
    report({request_id, method, "invalid", r.error.status, 0.0, bytes});
    co_await close_gracefully(stream);
  }

  asio::awaitable<Response> dispatch(Request& req, std::string_view request_id,
                                     std::string_view& route_label) {
    auto match = routes.match(req.method, req.path);
    if (match.kind == RouteMatch::Kind::not_found) {
      route_label = "unmatched";
      co_return ApiError::not_found("No route matches " + req.path + ".").to_response(request_id);
    }
    if (match.kind == RouteMatch::Kind::method_not_allowed || req.method == Method::other) {
      route_label = match.route ? std::string_view(match.route->pattern) : "unmatched";
      auto res = ApiError::method_not_allowed().to_response(request_id);
      res.headers.set("Allow", match.allow);
      co_return res;
    }
    route_label = match.route->pattern;
    // Load shedding: count this request in, or refuse it at once while the cap is reached.
    const bool sheddable =
        !(match.route->options.is_public && !match.route->pattern.starts_with("/api/"));
    struct InFlight {
      std::atomic<unsigned>* counter = nullptr;
      ~InFlight() {
        if (counter != nullptr) --*counter;
      }
    } in_flight_slot;
    if (sheddable) {
      const unsigned cap = max_in_flight.load(std::memory_order_relaxed);
      if (++in_flight > cap && cap != 0) {
        --in_flight;
        if (hooks.on_shed) hooks.on_shed();
        co_return ApiError::unavailable(
            "payd is handling as many requests as it is configured "
            "to (server.max_in_flight); retry shortly.",
            1)
            .to_response(request_id);
      }
      in_flight_slot.counter = &in_flight;
    }
    RequestContext ctx{req, *match.route, std::move(match.params), std::string(request_id),
                       RequestLimits{opts.max_json_depth}};
    try {
      co_return co_await match.route->handler(ctx);
    } catch (const std::exception& e) {
      obs::log_error("handler threw")
          .str("request_id", request_id)
          .str("route", route_label)
          .str("error", e.what());
    }
    co_return ApiError::internal().to_response(request_id);
  }

  asio::awaitable<void> run_session(tcp::socket socket, std::shared_ptr<SessionSlot> slot) {
    auto self = shared_from_this();
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = socket.remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    beast::tcp_stream stream(std::move(socket));
    slot->stream = &stream;
    beast::flat_buffer buffer;
    try {
      co_await serve_connection(stream, buffer, *slot, remote);
    } catch (const std::exception& e) {
      obs::log_error("connection failed").str("error", e.what());
    }
    slot->stream = nullptr;
    boost::system::error_code ignored;
    stream.socket().close(ignored);
    session_ended(slot);
  }

  struct HeadRead {
    std::size_t size = 0;  // 0 with no refusal: the peer went away or timed out
    std::optional<Refusal> refusal;
  };

  // Reads until the buffer holds a complete head. Beast's own header_limit counts each
  // chunk it is fed, not the head, so the limit is enforced here on the bytes themselves.
  asio::awaitable<HeadRead> read_head(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
    for (;;) {
      const auto data = buffer.data();
      const std::string_view received(static_cast<const char*>(data.data()), data.size());
      const auto scan =
          scan_request_head(received.substr(0, std::min(received.size(), opts.max_header_bytes)));
      HeadRead out;
      if (scan.kind == HeadScan::Kind::complete) {
        out.size = scan.size;
        co_return out;
      }
      if (scan.kind == HeadScan::Kind::malformed) {
        out.refusal = refusal(400, "BAD_REQUEST", std::string(scan.reason));
        co_return out;
      }
      if (received.size() >= opts.max_header_bytes) {
        out.refusal = refusal_for(bhttp::error::header_limit, opts.max_header_bytes,
                                  opts.max_body_bytes);
        co_return out;
      }
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec) co_return out;
      buffer.commit(n);
    }
  }

  asio::awaitable<void> serve_connection(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                         SessionSlot& slot, const std::string& remote) {
    std::string wire;  // reused for every response on this connection
    for (;;) {
      // Idle keep-alive wait: the idle timeout runs until the first byte of a request.
      if (buffer.size() == 0) {
        if (is_draining) co_return;
        slot.idle = true;
        stream.expires_after(opts.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
        slot.idle = false;
        if (ec) co_return;
        buffer.commit(n);
      }

      // The whole head must arrive within header_timeout and fit max_header_bytes.
      stream.expires_after(opts.header_timeout);
      const auto head = co_await read_head(stream, buffer);
      if (head.refusal) {
        std::string rid = generate_request_id();
        co_await refuse(stream, *head.refusal, std::move(rid), 11, Method::other);
        co_return;
      }
      if (head.size == 0) co_return;

      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(head.size));
      parser.body_limit(opts.max_body_bytes);
      boost::system::error_code hec;
      parser.put(asio::buffer(buffer.data().data(), head.size), hec);
      if (!hec) buffer.consume(head.size);
      if (hec) {
        // A Content-Length above the body limit is reported here, with the head parsed.
        const auto& partial = parser.get();
        // The fields parsed so far are usable even though Beast has not marked the head done.
        const std::string rid = choose_request_id(partial["X-Request-Id"]);
        auto r = refusal_for(hec, opts.max_header_bytes, opts.max_body_bytes);
        Refusal answer = r ? *r : refusal(400, "BAD_REQUEST", "Malformed HTTP request.");
        const Method method = parse_method(partial.method_string());
        co_await refuse(stream, std::move(answer), rid, 11, method);
        co_return;
      }

      auto& fields = parser.get();
      const std::string request_id = choose_request_id(fields["X-Request-Id"]);
      const Method method = parse_method(fields.method_string());
      if (auto r = check_framing(fields)) {
        co_await refuse(stream, *r, request_id, fields.version(), method);
        co_return;
      }
      if (!parser.is_done()) {
        if (iequals(fields[bhttp::field::expect], "100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
          stream.expires_after(opts.write_timeout);
          auto [cec, cn] = co_await bhttp::async_write(stream, cont, use_tuple);
          if (cec) co_return;
        }
        stream.expires_after(opts.body_timeout);
        auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
        if (bec) {
          if (auto r = refusal_for(bec, opts.max_header_bytes, opts.max_body_bytes)) {
            co_await refuse(stream, *r, request_id, fields.version(), method);
          }
          co_return;
        }
      }

      const auto started = Clock::now();
      const bool client_keep_alive = parser.keep_alive();
      Request req = to_request(parser.release(), remote);
      std::string_view route_label;
      Response res = co_await dispatch(req, request_id, route_label);
      res.headers.set("X-Request-Id", request_id);
      const bool keep_alive = client_keep_alive && !is_draining;
      const auto bytes = res.body.size();
      const int status = res.status;
      serialize_response(res, req.version, keep_alive, req.method == Method::head, wire);
      const bool written = co_await write(stream, wire);
      report({request_id, req.method, route_label, status,
              std::chrono::duration<double>(Clock::now() - started).count(), bytes});
      if (!written) co_return;
      if (!keep_alive) {
        co_await close_gracefully(stream);
        co_return;
      }
    }
  }

  void begin_drain(std::function<void()> done) {
    bool finished_now = false;
    {
      std::lock_guard lock(mutex);
      if (is_draining.exchange(true)) return;
      on_drained = std::move(done);
      finished_now = open == 0;
      for (auto& slot : slots) {
        asio::post(slot->executor, [slot] {
          if (slot->idle && slot->stream != nullptr) slot->stream->cancel();
        });
      }
    }
    for (auto& a : acceptors) {
      asio::post(a->get_executor(), [acceptor = a.get(), self = shared_from_this()] {
        boost::system::error_code ignored;
        acceptor->close(ignored);
      });
    }
    if (finished_now) {
      std::function<void()> cb;
      {
        std::lock_guard lock(mutex);
        cb = std::exchange(on_drained, nullptr);
      }
      if (cb) cb();
      return;
    }
    grace_timer.expires_after(opts.shutdown_grace);
    grace_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      std::function<void()> cb;
      {
        std::lock_guard lock(self->mutex);
        for (auto& slot : self->slots) {
          asio::post(slot->executor, [slot] {
            if (slot->stream != nullptr) slot->stream->socket().close();
          });
        }
        cb = std::exchange(self->on_drained, nullptr);
      }
      if (cb) {
        obs::log_warn("shutdown grace expired").num("connections_cut",
                                                    static_cast<std::int64_t>(self->open.load()));
        cb();
      }
    });
  }
};

Server::Server(std::vector<asio::io_context*> contexts, ServerOptions options,
               const RouteTable& routes, ServerHooks hooks)
    : impl_(std::make_shared<Impl>(std::move(contexts), std::move(options), routes,
                                   std::move(hooks))) {}

Server::~Server() = default;

void Server::start() {
  auto ep = tcp::endpoint{asio::ip::make_address(impl_->opts.address), impl_->opts.port};
  for (auto& a : impl_->acceptors) {
    a->open(ep.protocol());
    a->set_option(asio::socket_base::reuse_address(true));
    // Every context binds the same port; the kernel balances new connections.
    const int one = 1;
    if (::setsockopt(a->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      throw std::system_error(errno, std::generic_category(), "SO_REUSEPORT");
    }
    a->bind(ep);
    a->listen(asio::socket_base::max_listen_connections);
    ep.port(a->local_endpoint().port());  // port 0: the others join the chosen port
  }
  for (auto& a : impl_->acceptors) {
    asio::co_spawn(a->get_executor(), impl_->accept_loop(*a), asio::detached);
  }
}

void Server::set_max_in_flight(unsigned cap) noexcept {
  impl_->max_in_flight = cap;
}

std::uint16_t Server::port() const { return impl_->acceptors.front()->local_endpoint().port(); }

void Server::drain(std::function<void()> on_drained) { impl_->begin_drain(std::move(on_drained)); }

void Server::abort_all() {
  auto& impl = *impl_;
  impl.is_draining = true;
  {
    std::lock_guard lock(impl.mutex);
    impl.on_drained = nullptr;
    for (auto& slot : impl.slots) {
      asio::post(slot->executor, [slot] {
        boost::system::error_code ignored;
        if (slot->stream != nullptr) slot->stream->socket().close(ignored);
      });
    }
  }
  for (auto& a : impl.acceptors) {
    asio::post(a->get_executor(), [acceptor = a.get()] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    });
  }
  asio::post(*impl.contexts.front(), [self = impl_] { self->grace_timer.cancel(); });
}

bool Server::draining() const noexcept { return impl_->is_draining; }

std::size_t Server::open_connections() const noexcept { return impl_->open; }

}  // namespace payd::http
