#pragma once
// A small HTTP/1.1 server on 127.0.0.1 (plain or TLS) running on its own thread, whose
// replies each test scripts: ordinary responses, raw bytes, silence, early close.
// It counts TCP connections and requests so tests can see reuse and retries.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "payd/sdk/types.hpp"

namespace payd::test {

struct ReceivedRequest {
  std::string method;
  std::string target;
  sdk::Headers headers;
  std::string body;
  std::size_t connection = 0;  // 1-based accept number

  [[nodiscard]] std::string header(std::string_view name) const;  // "" when absent
};

struct Reply {
  enum class Kind {
    respond,  // status/headers/body
    raw,      // write `raw` as-is, then close the connection
    hang,     // never answer (until the server stops)
    close,    // close the connection without answering
  };
  Kind kind = Kind::respond;
  int status = 200;
  sdk::Headers headers;
  std::string body;
  bool keep_alive = true;
  bool chunked = false;
  bool close_after = false;  // close right after answering although keep-alive was announced
  std::string raw;

  static Reply ok(std::string body = "ok") {
    Reply r;
    r.body = std::move(body);
    return r;
  }
  static Reply with_status(int status, std::string body = {}) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Reply raw_bytes(std::string bytes) {
    Reply r;
    r.kind = Kind::raw;
    r.raw = std::move(bytes);
    return r;
  }
  static Reply hang() {
    Reply r;
    r.kind = Kind::hang;
    return r;
  }
  static Reply close() {
    Reply r;
    r.kind = Kind::close;
    return r;
  }
};

class TestServer {
 public:
  using Handler = std::function<Reply(const ReceivedRequest&)>;
  struct Tls {
    std::string cert_pem;
    std::string key_pem;
    bool never_handshake = false;  // accept TCP, then say nothing at all
  };

  explicit TestServer(Handler handler, std::optional<Tls> tls = std::nullopt);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // scheme://host:port + path, scheme by TLS or not.
  [[nodiscard]] std::string url(std::string_view path = "/",
                                std::string_view host = "localhost") const;
  [[nodiscard]] std::size_t connections() const;
  [[nodiscard]] std::size_t requests() const;
  [[nodiscard]] std::vector<ReceivedRequest> received() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A loopback port with nothing listening on it (bound, then closed).
std::uint16_t unused_port();

}  // namespace payd::test
