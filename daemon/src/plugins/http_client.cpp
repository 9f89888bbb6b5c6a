// The only translation unit of the executor that includes Beast and Asio SSL.
#include "plugins/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "observability/log.hpp"
#include "payd/sdk/headers.hpp"
#include "plugins/outbound_target.hpp"

namespace payd::plugins {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;
using TransportError = sdk::TransportError;

ClientOptions ClientOptions::from(const config::ConnectorHttpConfig& config) {
  ClientOptions o;
  o.connect_timeout = config.connect_timeout;
  o.total_timeout = config.total_timeout;
  o.max_response_bytes = config.max_response_bytes;
  o.ca_file = config.ca_file;
  o.allow_insecure_loopback_http = config.allow_insecure_loopback_http;
  return o;
}

namespace {

using sdk::iequals;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kMaxResponseHead = 64 * 1024;
constexpr int kMaxInformational = 5;  // 1xx responses skipped before the real one

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// Headers whose framing or connection semantics belong to the client, not the plugin.
bool reserved_header(std::string_view name) {
  for (std::string_view r : {"host", "content-length", "transfer-encoding", "connection",
                             "keep-alive", "upgrade", "te", "trailer", "proxy-connection"}) {
    if (iequals(name, r)) return true;
  }
  return false;
}

using BeastRequest = bhttp::request<bhttp::string_body>;

// Empty string: built. Otherwise why the request is refused (without echoing values).
std::string build_request(sdk::HttpRequest& in, const Target& target, BeastRequest& out) {
  if (!is_token(in.method)) return "invalid HTTP method";
  out.version(11);
  out.method_string(in.method);
  out.target(target.target);
  out.set(bhttp::field::host, target.host_header);
  bool has_user_agent = false;
  for (const auto& [name, value] : in.headers) {
    if (!is_token(name)) return "invalid header name";
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return "header " + name + " contains CR, LF or NUL";
    }
    if (reserved_header(name)) continue;
    if (iequals(name, "user-agent")) has_user_agent = true;
    out.insert(name, value);
  }
  if (!has_user_agent) out.set(bhttp::field::user_agent, "payd");
  out.body() = std::move(in.body);
  out.keep_alive(true);
  out.prepare_payload();
  return {};
}

TransportError read_error_kind(const error_code& ec) {
  if (ec == beast::error::timeout) return TransportError::timeout;
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
      ec == bhttp::error::buffer_overflow) {
    return TransportError::too_large;
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::connection_aborted || ec == asio::error::broken_pipe ||
      ec == asio::error::operation_aborted || ec == ssl::error::stream_truncated) {
    return TransportError::reset;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return TransportError::protocol;
  }
  return TransportError::reset;
}

sdk::HttpResponse to_response(bhttp::response<bhttp::string_body>&& msg) {
  sdk::HttpResponse r;
  r.status = static_cast<int>(msg.result_int());
  r.headers.reserve(static_cast<std::size_t>(std::distance(msg.begin(), msg.end())));
  for (const auto& f : msg) {
    r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  r.body = std::move(msg.body());
  return r;
}

// True when an idle pooled connection shows no sign of the peer's close: nothing to read.
// A close_notify, a FIN or stray bytes on an idle HTTP/1.1 connection all retire it.
bool idle_socket_healthy(int fd) {
  char byte = 0;
  const auto n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  struct Conn {
    explicit Conn(asio::any_io_executor ex) : strand(std::move(ex)) {}
    asio::any_io_executor strand;
    std::shared_ptr<ssl::context> context;  // keeps the SSL_CTX of this connection alive
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    std::string key;
    Clock::time_point idle_since{};

    beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
    void close() {
      error_code ignored;
      if (tls || plain) tcp().socket().close(ignored);
    }
  };

  struct Failure {
    TransportError kind;
    std::string detail;
  };

  struct Attempt {
    SendResult result;
    std::unique_ptr<Conn> keep;  // healthy keep-alive connection to pool
    bool ok = false;
    bool response_started = false;
  };

  asio::io_context& ioc;
  PoolOptions pool_options;
  mutable std::mutex mutex;  // guards idle and contexts
  std::unordered_map<std::string, std::deque<std::unique_ptr<Conn>>> idle;
  std::size_t idle_count = 0;
  std::map<std::string, std::shared_ptr<ssl::context>> contexts;

  Impl(asio::io_context& io, PoolOptions p) : ioc(io), pool_options(p) {}

  ~Impl() { close_idle(); }

  void close_idle() {
    std::unordered_map<std::string, std::deque<std::unique_ptr<Conn>>> doomed;
    {
      std::lock_guard lock(mutex);
      doomed.swap(idle);
      idle_count = 0;
      contexts.clear();  // a reload may have replaced a CA file
    }
    for (auto& [key, conns] : doomed) {
      for (auto& c : conns) c->close();
    }
  }

  std::shared_ptr<ssl::context> context_for(const std::string& ca_file, std::string& problem) {
    std::lock_guard lock(mutex);
    if (auto it = contexts.find(ca_file); it != contexts.end()) return it->second;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    ctx->set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (ca_file.empty()) {
      ctx->set_default_verify_paths(ec);
    } else {
      ctx->load_verify_file(ca_file, ec);
    }
    if (ec) {
      problem = ca_file.empty() ? "cannot load the system trust store"
                                : "cannot load CA file " + ca_file + ": " + ec.message();
      return nullptr;
    }
    contexts.emplace(ca_file, ctx);
    return ctx;
  }

  std::unique_ptr<Conn> take(const std::string& key) {
    std::vector<std::unique_ptr<Conn>> retired;
    std::unique_ptr<Conn> found;
    {
      std::lock_guard lock(mutex);
      auto it = idle.find(key);
      if (it == idle.end()) return nullptr;
      auto& conns = it->second;
      const auto now = Clock::now();
      while (!conns.empty() && !found) {
        auto c = std::move(conns.back());  // most recently used first
        conns.pop_back();
        --idle_count;
        const bool fresh = now - c->idle_since < pool_options.max_idle_time;
        if (fresh && idle_socket_healthy(c->tcp().socket().native_handle())) {
          found = std::move(c);
        } else {
          retired.push_back(std::move(c));
        }
      }
      if (conns.empty()) idle.erase(it);
    }
    for (auto& c : retired) c->close();
    return found;
  }

  void put(std::unique_ptr<Conn> conn) {
    if (pool_options.max_idle_per_host == 0) {
      conn->close();
      return;
    }
    conn->idle_since = Clock::now();
    std::unique_ptr<Conn> evicted;
    {
      std::lock_guard lock(mutex);
      auto& conns = idle[conn->key];
      if (conns.size() >= pool_options.max_idle_per_host) {
        evicted = std::move(conns.front());
        conns.pop_front();
        --idle_count;
      }
      conns.push_back(std::move(conn));
      ++idle_count;
    }
    if (evicted) evicted->close();
  }

  // DNS (unless a literal), TCP connect and TLS handshake, all within connect_deadline.
  static asio::awaitable<std::optional<Failure>> connect(Conn& conn, const Target& target,
                                                         Clock::time_point connect_deadline) {
    std::vector<tcp::endpoint> endpoints;
    if (target.is_ip) {
      endpoints.emplace_back(target.ip, target.port);
    } else {
      // The resolver has no timeout of its own: a timer cancels it.
      auto resolver = std::make_shared<tcp::resolver>(conn.strand);
      auto timer = std::make_shared<asio::steady_timer>(conn.strand, connect_deadline);
      timer->async_wait([resolver](const error_code& ec) {
        if (!ec) resolver->cancel();
      });
      auto [ec, results] = co_await resolver->async_resolve(
          target.host, std::to_string(target.port), tcp::resolver::numeric_service, use_tuple);
      timer->cancel();
      if (ec) {
        co_return Failure{TransportError::connect, ec == asio::error::operation_aborted
                                                       ? std::string("DNS resolution timed out")
                                                       : "DNS resolution failed: " + ec.message()};
      }
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    if (!target.tls) {
      std::erase_if(endpoints,
                    [](const tcp::endpoint& e) { return !is_loopback_address(e.address()); });
      if (endpoints.empty()) {
        co_return Failure{TransportError::connect,
                          "plain http refused: the host did not resolve to a loopback address"};
      }
    }

    conn.tcp().expires_at(connect_deadline);
    auto [cec, endpoint] = co_await conn.tcp().async_connect(endpoints, use_tuple);
    if (cec) {
      co_return Failure{TransportError::connect, cec == beast::error::timeout
                                                     ? std::string("connect timed out")
                                                     : "connect failed: " + cec.message()};
    }
    error_code ignored;
    conn.tcp().socket().set_option(tcp::no_delay(true), ignored);
    if (!conn.tls) co_return std::nullopt;

    SSL* ssl_handle = conn.tls->native_handle();
    if (target.is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), target.host.c_str());
    } else {
      // SNI (SSL_set_tlsext_host_name, spelled out to avoid its C cast) and host check.
      SSL_ctrl(ssl_handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(target.host.c_str()));
      SSL_set_hostflags(ssl_handle, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      if (SSL_set1_host(ssl_handle, target.host.c_str()) != 1) {
        co_return Failure{TransportError::tls, "cannot set the expected host name"};
      }
    }
    auto [hec] = co_await conn.tls->async_handshake(ssl::stream_base::client, use_tuple);
    if (hec) {
      if (hec == beast::error::timeout) {
        co_return Failure{TransportError::connect, "TLS handshake timed out"};
      }
      const long verify = SSL_get_verify_result(ssl_handle);
      if (verify != X509_V_OK) {
        co_return Failure{TransportError::tls, std::string("certificate verification failed: ") +
                                                   X509_verify_cert_error_string(verify)};
      }
      co_return Failure{TransportError::tls, "TLS handshake failed: " + hec.message()};
    }
    co_return std::nullopt;
  }

  // Writes the request and reads the response (skipping 1xx).
  template <typename Stream>
  static asio::awaitable<void> write_read(Stream& stream, Conn& conn, const BeastRequest& request,
                                          std::size_t max_body, bool head, Attempt& out) {
    auto [wec, written] = co_await bhttp::async_write(stream, request, use_tuple);
    if (wec) {
      out.result.response.transport_error =
          wec == beast::error::timeout ? TransportError::timeout : TransportError::reset;
      out.result.detail = "writing the request failed: " + wec.message();
      co_return;
    }
    out.result.request_sent = true;
    for (int i = 0; i <= kMaxInformational; ++i) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.header_limit(kMaxResponseHead);
      parser.body_limit(max_body);
      if (head) parser.skip(true);
      auto [rec, n] = co_await bhttp::async_read(stream, conn.buffer, parser, use_tuple);
      out.response_started = out.response_started || parser.got_some() || conn.buffer.size() > 0;
      if (rec == ssl::error::stream_truncated && parser.is_header_done() && parser.need_eof()) {
        // A body delimited by the close, from a peer that skipped close_notify.
        rec = {};
        parser.put_eof(rec);
      }
      if (rec) {
        out.result.response.transport_error = read_error_kind(rec);
        out.result.detail = "reading the response failed: " + rec.message();
        co_return;
      }
      const auto status = parser.get().result_int();
      if (status >= 100 && status < 200 && status != 101) continue;
      const bool keep_alive = parser.keep_alive() && status != 101;
      out.result.response = to_response(parser.release());
      out.ok = true;
      if (!keep_alive || conn.buffer.size() > 0) conn.close();
      co_return;
    }
    out.result.response.transport_error = TransportError::protocol;
    out.result.detail = "too many informational responses";
  }

  // One try on one connection, run on that connection's strand.
  static asio::awaitable<Attempt> run_attempt(std::unique_ptr<Conn> conn,
                                              std::shared_ptr<const Target> target,
                                              std::shared_ptr<const BeastRequest> request,
                                              std::shared_ptr<ssl::context> context,
                                              std::size_t max_body, Clock::time_point connect_by,
                                              Clock::time_point deadline, bool head) {
    Attempt out;
    out.result.reused_connection = conn != nullptr;
    try {
      if (!conn) {
        conn = std::make_unique<Conn>(co_await asio::this_coro::executor);
        conn->key = target->pool_key;
        if (target->tls) {
          conn->context = context;
          conn->tls.emplace(conn->strand, *context);
        } else {
          conn->plain.emplace(conn->strand);
        }
        auto failure = co_await connect(*conn, *target, connect_by);
        if (failure) {
          out.result.response.transport_error = failure->kind;
          out.result.detail = std::move(failure->detail);
          conn->close();
          co_return out;
        }
      }
      conn->tcp().expires_at(deadline);
      if (conn->tls) {
        co_await write_read(*conn->tls, *conn, *request, max_body, head, out);
      } else {
        co_await write_read(*conn->plain, *conn, *request, max_body, head, out);
      }
      if (out.ok && (conn->tls || conn->plain) && conn->tcp().socket().is_open()) {
        conn->tcp().expires_never();
        out.keep = std::move(conn);
      } else if (conn) {
        conn->close();
      }
    } catch (const std::exception& e) {
      out.ok = false;
      out.keep.reset();
      out.result.response = {};
      out.result.response.transport_error =
          out.result.request_sent ? TransportError::reset : TransportError::connect;
      out.result.detail = std::string("internal error: ") + e.what();
      if (conn) conn->close();
    }
    co_return out;
  }

  static asio::awaitable<SendResult> exchange(std::shared_ptr<Impl> self, sdk::HttpRequest request,
                                              ClientOptions options) {
    SendResult failed;
    bool dispatched = false;  // an attempt may have sent the request
    try {
      const auto started = Clock::now();
      const auto total = request.timeout.count() > 0 ? request.timeout : options.total_timeout;
      const auto deadline = started + total;
      const auto connect_by = std::min(deadline, started + options.connect_timeout);

      auto target = std::make_shared<Target>();
      if (auto problem = parse_target(request.url, options, *target); !problem.empty()) {
        failed.response.transport_error = TransportError::connect;
        failed.refused = true;
        failed.detail = std::move(problem);
        co_return failed;
      }
      auto beast_request = std::make_shared<BeastRequest>();
      if (auto problem = build_request(request, *target, *beast_request); !problem.empty()) {
        failed.response.transport_error = TransportError::protocol;
        failed.refused = true;
        failed.detail = std::move(problem);
        co_return failed;
      }
      std::shared_ptr<ssl::context> context;
      if (target->tls) {
        std::string problem;
        context = self->context_for(options.ca_file, problem);
        if (!context) {
          failed.response.transport_error = TransportError::tls;
          failed.refused = true;
          failed.detail = std::move(problem);
          co_return failed;
        }
      }
      const bool head = iequals(request.method, "HEAD");
      const bool idempotent = request.idempotent || head || iequals(request.method, "GET") ||
                              iequals(request.method, "OPTIONS");
      std::shared_ptr<const Target> const_target = target;
      std::shared_ptr<const BeastRequest> const_request = beast_request;

      for (int round = 0;; ++round) {
        auto conn = round == 0 ? self->take(target->pool_key) : nullptr;
        const bool reused = conn != nullptr;
        asio::any_io_executor ex =
            conn ? conn->strand : asio::any_io_executor(asio::make_strand(self->ioc));
        dispatched = true;
        auto attempt = co_await asio::co_spawn(
            ex,
            run_attempt(std::move(conn), const_target, const_request, context,
                        options.max_response_bytes, connect_by, deadline, head),
            asio::use_awaitable);
        if (attempt.keep) self->put(std::move(attempt.keep));
        attempt.result.reused_connection = reused;
        if (attempt.ok || !reused || round > 0) co_return std::move(attempt.result);
        // A reused connection the peer had already given up on: once more on a fresh one,
        // only if the provider cannot have acted on the first try or acting twice is safe.
        const bool safe = !attempt.response_started && (idempotent || !attempt.result.request_sent);
        if (!safe || Clock::now() >= deadline) co_return std::move(attempt.result);
        obs::log_debug("pooled connection failed; retrying on a fresh connection")
            .str("host", target->host_header)
            .str("error", attempt.result.detail);
      }
    } catch (const std::exception& e) {
      failed = {};
      failed.request_sent = dispatched;
      failed.response.transport_error =
          dispatched ? TransportError::reset : TransportError::connect;
      failed.detail = std::string("internal error: ") + e.what();
    }
    co_return failed;
  }
};

HttpClient::HttpClient(asio::io_context& ioc, PoolOptions pool)
    : impl_(std::make_shared<Impl>(ioc, pool)) {}

HttpClient::~HttpClient() {
  impl_->close_idle();
}

asio::awaitable<SendResult> HttpClient::exchange(sdk::HttpRequest request, ClientOptions options) {
  auto self = impl_;
  co_return co_await Impl::exchange(std::move(self), std::move(request), std::move(options));
}

asio::awaitable<sdk::HttpResponse> HttpClient::send(sdk::HttpRequest request,
                                                    ClientOptions options) {
  auto self = impl_;
  auto result = co_await Impl::exchange(std::move(self), std::move(request), std::move(options));
  co_return std::move(result.response);
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->idle_count;
}

void HttpClient::close_idle() {
  impl_->close_idle();
}

}  // namespace payd::plugins
