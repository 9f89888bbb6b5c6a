// The test suite's only Beast translation unit.
#include "test_server.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <future>
#include <mutex>
#include <thread>

namespace payd::test {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

std::string ReceivedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

// Coroutines hold a raw pointer: the io_context (declared first, destroyed last) owns
// their frames, and destroying it after stop() frees them without touching the rest.
struct TestServer::Impl {
  asio::io_context ioc{1};
  Handler handler;
  std::optional<Tls> tls_options;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> requests{0};
  mutable std::mutex mutex;
  std::vector<ReceivedRequest> received;

  Impl(Handler h, std::optional<Tls> t) : handler(std::move(h)), tls_options(std::move(t)) {
    if (tls_options) {
      tls.emplace(ssl::context::tls_server);
      tls->use_certificate_chain(asio::buffer(tls_options->cert_pem));
      tls->use_private_key(asio::buffer(tls_options->key_pem), ssl::context::pem);
    }
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(ep.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen();
  }

  void start() {
    asio::co_spawn(ioc, accept_loop(this), asio::detached);
    thread = std::thread([this] { ioc.run(); });
  }

  void stop() {
    ioc.stop();
    if (thread.joinable()) thread.join();
  }

  static asio::awaitable<void> accept_loop(Impl* self) {
    for (;;) {
      auto [ec, socket] = co_await self->acceptor.async_accept(use_tuple);
      if (ec) co_return;
      const auto id = ++self->connections;
      asio::co_spawn(self->ioc, session(self, std::move(socket), id), asio::detached);
    }
  }

  static asio::awaitable<void> session(Impl* self, tcp::socket socket, std::size_t id) {
    if (!self->tls) {
      co_await serve(self, socket, id);
      co_return;
    }
    if (self->tls_options->never_handshake) {
      co_await forever();
      co_return;
    }
    ssl::stream<tcp::socket> stream(std::move(socket), *self->tls);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (ec) co_return;
    co_await serve(self, stream, id);
  }

  static asio::awaitable<void> forever() {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::hours(1));
    co_await t.async_wait(use_tuple);
  }

  template <typename Stream>
  static asio::awaitable<void> serve(Impl* self, Stream& stream, std::size_t id) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, use_tuple);
      if (ec) co_return;
      ReceivedRequest r;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      for (const auto& f : req) {
        r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      }
      r.body = req.body();
      r.connection = id;
      {
        std::lock_guard lock(self->mutex);
        self->received.push_back(r);
      }
      ++self->requests;
      Reply reply = self->handler(r);
      switch (reply.kind) {
        case Reply::Kind::hang:
          co_await forever();
          co_return;
        case Reply::Kind::close:
          co_return;
        case Reply::Kind::raw: {
          co_await asio::async_write(stream, asio::buffer(reply.raw), use_tuple);
          co_return;
        }
        case Reply::Kind::respond:
          break;
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), 11};
      for (const auto& [name, value] : reply.headers) res.insert(name, value);
      res.body() = std::move(reply.body);
      res.keep_alive(reply.keep_alive && req.keep_alive());
      if (reply.chunked) {
        res.chunked(true);
      } else {
        res.prepare_payload();
      }
      auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
      if (wec || !res.keep_alive() || reply.close_after) co_return;
    }
  }
};

TestServer::TestServer(Handler handler, std::optional<Tls> tls)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(tls))) {
  impl_->start();
}

TestServer::~TestServer() {
  impl_->stop();
}

std::uint16_t TestServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string TestServer::url(std::string_view path, std::string_view host) const {
  return std::string(impl_->tls ? "https://" : "http://") + std::string(host) + ":" +
         std::to_string(port()) + std::string(path);
}

std::size_t TestServer::connections() const {
  return impl_->connections.load();
}
std::size_t TestServer::requests() const {
  return impl_->requests.load();
}

std::vector<ReceivedRequest> TestServer::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::uint16_t unused_port() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = a.local_endpoint().port();
  a.close();
  return port;
}

}  // namespace payd::test
