#include "plugins/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "config/config.hpp"
#include "test_pki.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

namespace payd::plugins {
namespace {

using namespace std::chrono_literals;
using sdk::TransportError;
using test::Reply;
using test::TestServer;
using Clock = std::chrono::steady_clock;

std::string header(const sdk::Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return v;
    }
  }
  return {};
}

class HttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = std::make_unique<test::TestCa>("payd test CA");
    other_ca_ = std::make_unique<test::TestCa>("some other CA");
    localhost_ = ca_->issue({"localhost"}, {"127.0.0.1"});
    other_host_ = ca_->issue({"other.example"}, {});
  }
  static void TearDownTestSuite() {
    ca_.reset();
    other_ca_.reset();
  }

  static TestServer::Tls tls(const test::Pem& pem = localhost_) {
    return TestServer::Tls{pem.cert, pem.key, false};
  }

  ClientOptions options() const {
    ClientOptions o;
    o.ca_file = ca_->cert_file();
    o.connect_timeout = 3s;
    o.total_timeout = 10s;
    return o;
  }

  static ClientOptions insecure_options() {
    ClientOptions o;
    o.allow_insecure_loopback_http = true;
    o.connect_timeout = 3s;
    o.total_timeout = 10s;
    return o;
  }

  static sdk::HttpRequest get(std::string url) {
    sdk::HttpRequest r;
    r.method = "GET";
    r.url = std::move(url);
    return r;
  }

  SendResult send(sdk::HttpRequest request, ClientOptions o) {
    return test::run_on(ioc_, client_.exchange(std::move(request), std::move(o)));
  }

  static inline std::unique_ptr<test::TestCa> ca_;
  static inline std::unique_ptr<test::TestCa> other_ca_;
  static inline test::Pem localhost_;
  static inline test::Pem other_host_;

  boost::asio::io_context ioc_;
  HttpClient client_{ioc_};
};

TEST_F(HttpClientTest, HttpsWithTheRightCaAndHostSucceeds) {
  TestServer server(
      [](const test::ReceivedRequest&) {
        auto r = Reply::ok("hello");
        r.headers.emplace_back("X-Test", "yes");
        return r;
      },
      tls());
  auto req = get(server.url("/v1/ping?x=1"));
  req.headers.emplace_back("Accept", "application/json");
  const auto r = send(std::move(req), options());
  ASSERT_EQ(r.response.transport_error, TransportError::none) << r.detail;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "hello");
  EXPECT_EQ(header(r.response.headers, "x-test"), "yes");
  ASSERT_EQ(server.requests(), 1U);
  const auto seen = server.received().at(0);
  EXPECT_EQ(seen.target, "/v1/ping?x=1");
  EXPECT_EQ(seen.header("Host"), "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(seen.header("User-Agent"), "payd");
  EXPECT_EQ(seen.header("Accept"), "application/json");
}

TEST_F(HttpClientTest, HttpsToAnIpLiteralChecksTheIpInTheCertificate) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, tls());
  const auto r = send(get(server.url("/", "127.0.0.1")), options());
  EXPECT_EQ(r.response.transport_error, TransportError::none) << r.detail;
  EXPECT_EQ(r.response.status, 200);
}

TEST_F(HttpClientTest, AnotherCaIsATlsError) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, tls());
  auto o = options();
  o.ca_file = other_ca_->cert_file();
  const auto r = send(get(server.url()), o);
  EXPECT_EQ(r.response.transport_error, TransportError::tls);
  EXPECT_EQ(r.response.status, 0);
  EXPECT_FALSE(r.request_sent);
  EXPECT_NE(r.detail.find("certificate verification failed"), std::string::npos) << r.detail;
  EXPECT_EQ(server.requests(), 0U);
}

TEST_F(HttpClientTest, TheSystemStoreDoesNotTrustTheTestCa) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, tls());
  auto o = options();
  o.ca_file.clear();
  const auto r = send(get(server.url()), o);
  EXPECT_EQ(r.response.transport_error, TransportError::tls) << r.detail;
  EXPECT_EQ(server.requests(), 0U);
}

TEST_F(HttpClientTest, ACertificateForAnotherHostIsATlsError) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, tls(other_host_));
  const auto r = send(get(server.url()), options());
  EXPECT_EQ(r.response.transport_error, TransportError::tls);
  EXPECT_NE(r.detail.find("hostname mismatch"), std::string::npos) << r.detail;
  EXPECT_EQ(server.requests(), 0U);
  // The same certificate is fine for the host it names... were it that host: not by IP.
  const auto by_ip = send(get(server.url("/", "127.0.0.1")), options());
  EXPECT_EQ(by_ip.response.transport_error, TransportError::tls);
}

TEST_F(HttpClientTest, AnUnreadableCaFileIsRefused) {
  auto o = options();
  o.ca_file = "/nonexistent/ca.pem";
  const auto r = send(get("https://localhost:1/"), o);
  EXPECT_EQ(r.response.transport_error, TransportError::tls);
  EXPECT_TRUE(r.refused);
  EXPECT_NE(r.detail.find("/nonexistent/ca.pem"), std::string::npos);
}

TEST_F(HttpClientTest, PlainHttpIsRefusedUnlessAllowed) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); });
  const auto r = send(get(server.url("/", "127.0.0.1")), options());
  EXPECT_EQ(r.response.transport_error, TransportError::connect);
  EXPECT_TRUE(r.refused);
  EXPECT_FALSE(r.request_sent);
  EXPECT_NE(r.detail.find("plain http refused"), std::string::npos);
  EXPECT_EQ(server.connections(), 0U);
}

TEST_F(HttpClientTest, PlainHttpToLoopbackWorksWhenAllowed) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok("plain"); });
  for (const char* host : {"127.0.0.1", "localhost"}) {
    const auto r = send(get(server.url("/", host)), insecure_options());
    EXPECT_EQ(r.response.status, 200) << host << ": " << r.detail;
    EXPECT_EQ(r.response.body, "plain");
  }
}

TEST_F(HttpClientTest, PlainHttpNeverLeavesLoopbackEvenWhenAllowed) {
  for (const char* url : {"http://example.com/", "http://10.0.0.1/", "http://[2001:db8::1]/",
                          "http://localhost.example.com/", "http://169.254.169.254/latest"}) {
    const auto r = send(get(url), insecure_options());
    EXPECT_EQ(r.response.transport_error, TransportError::connect) << url;
    EXPECT_TRUE(r.refused) << url;
  }
}

TEST_F(HttpClientTest, BadUrlsAreRefused) {
  for (const char* url : {"", "not a url", "ftp://localhost/", "https://user:pw@localhost/",
                          "https:///nohost", "https://localhost:99999/"}) {
    const auto r = send(get(url), options());
    EXPECT_EQ(r.response.transport_error, TransportError::connect) << url;
    EXPECT_TRUE(r.refused) << url;
  }
}

TEST_F(HttpClientTest, ConnectionRefusedIsAConnectError) {
  const auto port = test::unused_port();
  const auto r = send(get("https://127.0.0.1:" + std::to_string(port) + "/"), options());
  EXPECT_EQ(r.response.transport_error, TransportError::connect);
  EXPECT_FALSE(r.request_sent);
  EXPECT_FALSE(r.refused);
}

TEST_F(HttpClientTest, ASilentServerTimesOutWithinTheTotalTimeout) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::hang(); }, tls());
  auto o = options();
  o.total_timeout = 300ms;
  const auto started = Clock::now();
  const auto r = send(get(server.url()), o);
  const auto took = Clock::now() - started;
  EXPECT_EQ(r.response.transport_error, TransportError::timeout) << r.detail;
  EXPECT_TRUE(r.request_sent);
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST_F(HttpClientTest, TheRequestTimeoutOverridesTheConnectorTimeout) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::hang(); });
  auto req = get(server.url("/", "127.0.0.1"));
  req.timeout = 200ms;
  const auto started = Clock::now();
  const auto r = send(std::move(req), insecure_options());
  EXPECT_EQ(r.response.transport_error, TransportError::timeout);
  EXPECT_LT(Clock::now() - started, 3s);
}

TEST_F(HttpClientTest, AHandshakeThatNeverCompletesIsAConnectTimeout) {
  auto t = tls();
  t.never_handshake = true;
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, t);
  auto o = options();
  o.connect_timeout = 300ms;
  const auto started = Clock::now();
  const auto r = send(get(server.url()), o);
  EXPECT_EQ(r.response.transport_error, TransportError::connect) << r.detail;
  EXPECT_FALSE(r.request_sent);
  EXPECT_NE(r.detail.find("timed out"), std::string::npos) << r.detail;
  EXPECT_LT(Clock::now() - started, 3s);
}

TEST_F(HttpClientTest, TenMebibytesIsTooLarge) {
  TestServer server(
      [](const test::ReceivedRequest&) { return Reply::ok(std::string(10 << 20, 'x')); }, tls());
  const auto r = send(get(server.url()), options());  // cap: the default 1 MiB
  EXPECT_EQ(r.response.transport_error, TransportError::too_large) << r.detail;
  EXPECT_TRUE(r.response.body.empty());
}

TEST_F(HttpClientTest, AChunkedBodyOverTheCapIsTooLarge) {
  TestServer server([](const test::ReceivedRequest&) {
    auto reply = Reply::ok(std::string(64 * 1024, 'y'));
    reply.chunked = true;
    return reply;
  });
  auto o = insecure_options();
  o.max_response_bytes = 32 * 1024;
  const auto r = send(get(server.url("/", "127.0.0.1")), o);
  EXPECT_EQ(r.response.transport_error, TransportError::too_large) << r.detail;
}

TEST_F(HttpClientTest, ABodyExactlyAtTheCapIsAccepted) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(std::string(4096, 'z')); },
                    tls());
  auto o = options();
  o.max_response_bytes = 4096;
  const auto r = send(get(server.url()), o);
  EXPECT_EQ(r.response.status, 200) << r.detail;
  EXPECT_EQ(r.response.body.size(), 4096U);
}

TEST_F(HttpClientTest, RedirectsAreReturnedNotFollowed) {
  TestServer server(
      [](const test::ReceivedRequest&) {
        auto r = Reply::with_status(302);
        r.headers.emplace_back("Location", "https://localhost:1/elsewhere");
        return r;
      },
      tls());
  const auto r = send(get(server.url("/start")), options());
  EXPECT_EQ(r.response.transport_error, TransportError::none);
  EXPECT_EQ(r.response.status, 302);
  EXPECT_EQ(header(r.response.headers, "Location"), "https://localhost:1/elsewhere");
  EXPECT_EQ(server.requests(), 1U);
}

TEST_F(HttpClientTest, ATruncatedBodyIsAReset) {
  const auto handler = [](const test::ReceivedRequest&) {
    return Reply::raw_bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
  };
  TestServer secure(handler, tls());
  const auto r = send(get(secure.url()), options());
  EXPECT_EQ(r.response.transport_error, TransportError::reset) << r.detail;
  EXPECT_TRUE(r.request_sent);
  TestServer plain(handler);
  const auto p = send(get(plain.url("/", "127.0.0.1")), insecure_options());
  EXPECT_EQ(p.response.transport_error, TransportError::reset) << p.detail;
}

TEST_F(HttpClientTest, GarbageInsteadOfHttpIsAProtocolError) {
  TestServer server(
      [](const test::ReceivedRequest&) {
        return Reply::raw_bytes("SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n\r\n");
      },
      tls());
  const auto r = send(get(server.url()), options());
  EXPECT_EQ(r.response.transport_error, TransportError::protocol) << r.detail;
}

TEST_F(HttpClientTest, AClosedConnectionWithoutAnswerIsAReset) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::close(); }, tls());
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = server.url("/charges");
  req.body = "amount=100";
  const auto r = send(std::move(req), options());
  EXPECT_EQ(r.response.transport_error, TransportError::reset) << r.detail;
  EXPECT_TRUE(r.request_sent);
}

TEST_F(HttpClientTest, KeepAliveReusesOneConnection) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, tls());
  std::vector<bool> reused;
  for (int i = 0; i < 3; ++i) {
    const auto r = send(get(server.url()), options());
    ASSERT_EQ(r.response.status, 200) << r.detail;
    reused.push_back(r.reused_connection);
  }
  EXPECT_EQ(server.connections(), 1U);
  EXPECT_EQ(server.requests(), 3U);
  EXPECT_EQ(reused, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(client_.idle_connections(), 1U);
  client_.close_idle();
  EXPECT_EQ(client_.idle_connections(), 0U);
}

TEST_F(HttpClientTest, ConnectionCloseIsHonoured) {
  TestServer server([](const test::ReceivedRequest&) {
    auto r = Reply::ok();
    r.keep_alive = false;
    return r;
  });
  for (int i = 0; i < 3; ++i) {
    const auto r = send(get(server.url("/", "127.0.0.1")), insecure_options());
    ASSERT_EQ(r.response.status, 200) << r.detail;
  }
  EXPECT_EQ(server.connections(), 3U);
  EXPECT_EQ(client_.idle_connections(), 0U);
}

TEST_F(HttpClientTest, APooledConnectionThePeerClosedIsNotUsed) {
  // The server announces keep-alive but closes right after answering.
  TestServer server(
      [](const test::ReceivedRequest&) {
        auto r = Reply::ok();
        r.close_after = true;
        return r;
      },
      tls());
  for (int i = 0; i < 3; ++i) {
    sdk::HttpRequest req;
    req.method = "POST";  // not idempotent: only the pre-send check may save it
    req.url = server.url("/charges");
    req.body = "n=" + std::to_string(i);
    std::this_thread::sleep_for(50ms);  // let the close reach us
    const auto r = send(std::move(req), options());
    ASSERT_EQ(r.response.status, 200) << i << ": " << r.detail;
    EXPECT_FALSE(r.reused_connection);
  }
  EXPECT_EQ(server.connections(), 3U);
  EXPECT_EQ(server.requests(), 3U);
}

TEST_F(HttpClientTest, AnIdempotentRequestSurvivesARacingClose) {
  // No pause: the close may or may not have arrived when the next GET goes out; either
  // the pre-send check or the one safe retry must end in a 200.
  TestServer server([](const test::ReceivedRequest&) {
    auto r = Reply::ok();
    r.close_after = true;
    return r;
  });
  for (int i = 0; i < 5; ++i) {
    const auto r = send(get(server.url("/", "127.0.0.1")), insecure_options());
    ASSERT_EQ(r.response.status, 200) << i << ": " << r.detail;
  }
  EXPECT_EQ(server.requests(), 5U);
}

// The server keeps the first connection open but drops it, unanswered, at its second
// request: what a provider does when its keep-alive timer fires as our request arrives.
Reply drop_second_request_on_first_connection(const test::ReceivedRequest& r,
                                              std::atomic<int>& on_first) {
  if (r.connection == 1 && ++on_first == 2) return Reply::close();
  return Reply::ok();
}

TEST_F(HttpClientTest, AReusedConnectionThatFailsIsRetriedOnceWhenIdempotent) {
  std::atomic<int> on_first{0};
  TestServer server(
      [&](const test::ReceivedRequest& r) {
        return drop_second_request_on_first_connection(r, on_first);
      },
      tls());
  ASSERT_EQ(send(get(server.url()), options()).response.status, 200);
  const auto r = send(get(server.url()), options());
  EXPECT_EQ(r.response.status, 200) << r.detail;
  EXPECT_FALSE(r.reused_connection);  // the answer came over the fresh connection
  EXPECT_EQ(server.requests(), 3U);
  EXPECT_EQ(server.connections(), 2U);
}

TEST_F(HttpClientTest, AReusedConnectionThatFailsAfterAPostWasSentIsNotRetried) {
  std::atomic<int> on_first{0};
  TestServer server(
      [&](const test::ReceivedRequest& r) {
        return drop_second_request_on_first_connection(r, on_first);
      },
      tls());
  sdk::HttpRequest post;
  post.method = "POST";
  post.url = server.url("/charges");
  post.body = "amount=100";
  auto first = post;
  ASSERT_EQ(send(std::move(first), options()).response.status, 200);
  auto second = post;
  const auto r = send(std::move(second), options());
  EXPECT_EQ(r.response.transport_error, TransportError::reset) << r.detail;
  EXPECT_TRUE(r.request_sent);
  EXPECT_TRUE(r.reused_connection);
  EXPECT_EQ(server.requests(), 2U);
  // Marked idempotent (it carries an idempotency key): the retry is safe.
  on_first = 0;
  TestServer keyed_server(
      [&](const test::ReceivedRequest& rr) {
        return drop_second_request_on_first_connection(rr, on_first);
      },
      tls());
  post.url = keyed_server.url("/charges");
  post.idempotent = true;
  auto k1 = post;
  ASSERT_EQ(send(std::move(k1), options()).response.status, 200);
  auto k2 = post;
  EXPECT_EQ(send(std::move(k2), options()).response.status, 200);
  EXPECT_EQ(keyed_server.requests(), 3U);
}

TEST_F(HttpClientTest, HeadersWithLineBreaksAreRefusedBeforeConnecting) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, tls());
  auto req = get(server.url());
  req.headers.emplace_back("X-Note", "a\r\nX-Injected: 1");
  const auto r = send(std::move(req), options());
  EXPECT_EQ(r.response.transport_error, TransportError::protocol);
  EXPECT_TRUE(r.refused);
  EXPECT_EQ(r.detail.find("X-Injected"), std::string::npos);
  EXPECT_EQ(server.connections(), 0U);
  auto bad_name = get(server.url());
  bad_name.headers.emplace_back("Bad Name", "x");
  EXPECT_EQ(send(std::move(bad_name), options()).response.transport_error,
            TransportError::protocol);
  auto bad_method = get(server.url());
  bad_method.method = "GET /x HTTP/1.1\r\n";
  EXPECT_EQ(send(std::move(bad_method), options()).response.transport_error,
            TransportError::protocol);
}

TEST_F(HttpClientTest, TheClientOwnsFramingHeaders) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok(); }, tls());
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = server.url("/charges");
  req.body = R"({"amount":100})";
  req.headers = {{"Content-Type", "application/json"},
                 {"Content-Length", "999"},
                 {"Host", "evil.example"},
                 {"Transfer-Encoding", "chunked"},
                 {"User-Agent", "plugin/1.0"}};
  const auto r = send(std::move(req), options());
  ASSERT_EQ(r.response.status, 200) << r.detail;
  const auto seen = server.received().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.body, R"({"amount":100})");
  EXPECT_EQ(seen.header("Content-Length"), "14");
  EXPECT_EQ(seen.header("Host"), "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(seen.header("Transfer-Encoding"), "");
  EXPECT_EQ(seen.header("User-Agent"), "plugin/1.0");
  EXPECT_EQ(seen.header("Content-Type"), "application/json");
}

TEST_F(HttpClientTest, HeadResponsesHaveNoBody) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::ok("body for GET"); });
  auto req = get(server.url("/", "127.0.0.1"));
  req.method = "HEAD";
  const auto r = send(std::move(req), insecure_options());
  EXPECT_EQ(r.response.status, 200) << r.detail;
  EXPECT_TRUE(r.response.body.empty());
}

TEST_F(HttpClientTest, SendReturnsTheResponse) {
  TestServer server([](const test::ReceivedRequest&) { return Reply::with_status(404, "nope"); },
                    tls());
  const auto r = test::run_on(ioc_, client_.send(get(server.url()), options()));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "nope");
}

TEST_F(HttpClientTest, ConcurrentRequestsFromSeveralThreads) {
  TestServer server([](const test::ReceivedRequest& r) { return Reply::ok(r.target); }, tls());
  constexpr int kRequests = 24;
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  const auto o = options();
  for (int i = 0; i < kRequests; ++i) {
    boost::asio::co_spawn(
        ioc_,
        [&, i]() -> boost::asio::awaitable<void> {
          auto req = get(server.url("/n/" + std::to_string(i)));
          auto opts = o;
          auto r = co_await client_.exchange(std::move(req), std::move(opts));
          if (r.response.status == 200 && r.response.body == "/n/" + std::to_string(i)) ++ok;
          ++done;
        },
        boost::asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) threads.emplace_back([&] { ioc_.run_for(20s); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), kRequests);
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_LE(server.connections(), static_cast<std::size_t>(kRequests));
}

TEST(ClientOptions, ComeFromTheConnectorConfig) {
  config::ConnectorHttpConfig c;
  c.connect_timeout = 1500ms;
  c.total_timeout = 9s;
  c.max_response_bytes = 12345;
  c.ca_file = "/etc/payd/ca.pem";
  c.allow_insecure_loopback_http = true;
  const auto o = ClientOptions::from(c);
  EXPECT_EQ(o.connect_timeout, 1500ms);
  EXPECT_EQ(o.total_timeout, 9s);
  EXPECT_EQ(o.max_response_bytes, 12345U);
  EXPECT_EQ(o.ca_file, "/etc/payd/ca.pem");
  EXPECT_TRUE(o.allow_insecure_loopback_http);
}

}  // namespace
}  // namespace payd::plugins
