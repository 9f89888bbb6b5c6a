#pragma once
// The executor's outbound HTTP/1.1 client: HTTPS with certificate and host name
// verification, per-host keep-alive pool, connect and total timeouts, a response size cap.
// Beast and OpenSSL stay inside http_client.cpp.
//
// What it guarantees:
//   - https only, TLS 1.2 or later, the peer's chain verified against the system store or
//     the connector's CA file, the host name (or IP literal) checked against the
//     certificate, SNI sent for names. Plain http only when the connector sets
//     allow_insecure_loopback_http and the host is a loopback literal or `localhost`
//     (then only loopback addresses are dialled).
//   - Redirects are never followed: a 3xx comes back as an ordinary response with its
//     Location header, and the plugin decides what it means. TransportError::redirect is
//     never produced by the client.
//   - send() never throws; every failure is a TransportError:
//       connect    the request was certainly not sent: bad or refused URL, DNS failure,
//                  connection refused or unreachable, connect or TLS-handshake timeout
//       tls        handshake failure, untrusted chain, certificate for another host
//       timeout    the total timeout expired after the request was (being) sent
//       reset      the connection failed or closed before the whole response arrived
//       too_large  the body exceeds max_response_bytes (or the head exceeds 64 KiB)
//       protocol   the peer did not speak HTTP/1.x, or the request had CR/LF in a header
//   - A pooled connection is checked before reuse (a peer's close or stray bytes retire
//     it). If a reused connection still fails before the first response byte, the
//     exchange is repeated once on a fresh connection when that is safe: the request is
//     idempotent, or it was not completely written.
//
// Threading: one client serves the whole daemon; send() may be called concurrently from
// any thread running the io_context. Each connection lives on its own strand.
// Destroy the client before its io_context.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "payd/sdk/types.hpp"

namespace boost::asio {
class io_context;
}

namespace payd::config {
struct ConnectorHttpConfig;
}

namespace payd::plugins {

// Per connector.
struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5'000};  // DNS + TCP + TLS handshake
  std::chrono::milliseconds total_timeout{30'000};   // whole exchange; HttpRequest::timeout wins
  std::size_t max_response_bytes = 1024 * 1024;      // body bytes
  std::string ca_file;                               // PEM bundle; empty: system store
  bool allow_insecure_loopback_http = false;

  [[nodiscard]] static ClientOptions from(const config::ConnectorHttpConfig& config);
};

// Per client.
struct PoolOptions {
  std::size_t max_idle_per_host = 8;
  std::chrono::milliseconds max_idle_time{20'000};  // below typical server keep-alive limits
};

// What happened, for the executor's retry and logging decisions.
struct SendResult {
  sdk::HttpResponse response;
  // The whole request was handed to the connection. False: the provider cannot have acted
  // on it (nothing sent, or only part of it, which no HTTP server processes).
  bool request_sent = false;
  bool reused_connection = false;
  // Refused before any network activity (bad URL, plain http, bad header, CA file):
  // repeating it cannot help.
  bool refused = false;
  std::string detail;  // why it failed, for logs (no secrets: never echoes the request)
};

class HttpClient {
 public:
  explicit HttpClient(boost::asio::io_context& ioc, PoolOptions pool = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Parameters by value (GCC 12 coroutine temporaries); pass with std::move.
  boost::asio::awaitable<sdk::HttpResponse> send(sdk::HttpRequest request, ClientOptions options);
  boost::asio::awaitable<SendResult> exchange(sdk::HttpRequest request, ClientOptions options);

  // Idle pooled connections (all hosts).
  [[nodiscard]] std::size_t idle_connections() const;
  // Closes every idle connection and forgets the loaded trust stores, so a reload that
  // replaced a CA file takes effect (e.g. on reload or shutdown).
  void close_idle();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace payd::plugins
