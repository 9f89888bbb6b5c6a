"""HTTP front door: routing, error envelopes, request ids, keep-alive, limits."""

import json
import unittest

from paydtest import (GENERATED_REQUEST_ID, SharedPaydTestCase,
                      assert_error_envelope, build_request, http_get)

MAX_HEADER = 4096
MAX_BODY = 1024


class Health(SharedPaydTestCase):
    def test_healthz(self):
        c = self.conn()
        r = c.request("GET", "/healthz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"status": "ok"})
        self.assertTrue((r.header("Content-Type") or "").startswith("application/json"), r)
        self.assertRegex(r.header("X-Request-Id") or "", GENERATED_REQUEST_ID)

    def test_readyz(self):
        r = self.conn().request("GET", "/readyz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "ready")
        self.assertEqual(r.json().get("checks", {}).get("connectors"), "ok")
        self.assertTrue((r.header("Content-Type") or "").startswith("application/json"), r)

    def test_head_healthz(self):
        c = self.conn()
        r = c.request("HEAD", "/healthz")
        self.assertEqual(r.status, 200, r)
        # A HEAD response has no body: the next response on the same
        # connection must parse cleanly (no stray body bytes).
        r2 = c.request("GET", "/healthz")
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(r2.json(), {"status": "ok"})

    def test_query_string_ignored_for_routing(self):
        r = self.conn().request("GET", "/healthz?verbose=1&x=%20")
        self.assertEqual(r.status, 200, r)

    def test_http_client_library(self):
        status, headers, body = http_get(self.port, "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"status": "ok"})


class Routing(SharedPaydTestCase):
    def test_404_envelope(self):
        r = self.conn().request("GET", "/definitely/not/here", {"X-Request-Id": "rid-404"})
        body = assert_error_envelope(self, r, 404, "RESOURCE_NOT_FOUND", "rid-404")
        self.assertEqual(body["error"]["type"], "invalid_request_error")
        self.assertIsNone(body["error"]["param"])
        self.assertEqual(body["request_id"], "rid-404")

    def test_404_root(self):
        r = self.conn().request("GET", "/")
        assert_error_envelope(self, r, 404, "RESOURCE_NOT_FOUND")

    def test_404_prefix_of_route(self):
        for path in ("/health", "/healthzz", "/healthz/x", "/HEALTHZ"):
            with self.subTest(path=path):
                r = self.conn().request("GET", path)
                assert_error_envelope(self, r, 404, "RESOURCE_NOT_FOUND")

    def test_405_post_healthz(self):
        r = self.conn().request("POST", "/healthz", {"X-Request-Id": "rid-405"}, b"{}")
        body = assert_error_envelope(self, r, 405, "METHOD_NOT_ALLOWED", "rid-405")
        self.assertEqual(body["error"]["type"], "invalid_request_error")
        allow = r.header("Allow")
        self.assertIsNotNone(allow, f"405 without Allow header: {r}")
        methods = {m.strip().upper() for m in allow.split(",")}
        self.assertIn("GET", methods, allow)
        self.assertIn("HEAD", methods, allow)
        self.assertNotIn("POST", methods, allow)

    def test_405_other_methods(self):
        for method, path in (("DELETE", "/readyz"), ("PUT", "/healthz"),
                             ("PATCH", "/metrics")):
            with self.subTest(method=method, path=path):
                r = self.conn().request(method, path)
                assert_error_envelope(self, r, 405, "METHOD_NOT_ALLOWED")
                self.assertIn("GET", (r.header("Allow") or "").upper())

    def test_405_keeps_connection_usable(self):
        c = self.conn()
        r = c.request("POST", "/healthz", body=b"hello")
        self.assertEqual(r.status, 405, r)
        r2 = c.request("GET", "/healthz")
        self.assertEqual(r2.status, 200, r2)

    def test_unknown_method(self):
        r = self.conn().request("FROBNICATE", "/healthz")
        self.assertIn(r.status, (400, 405, 501), r)
        r.json()  # still a JSON envelope
        self.assertIsNotNone(r.header("X-Request-Id"), r)


class RequestIds(SharedPaydTestCase):
    def get_rid(self, value_bytes):
        c = self.conn()
        c.send(b"GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + value_bytes + b"\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 404, r)
        rid = r.header("X-Request-Id")
        self.assertIsNotNone(rid, r)
        self.assertEqual(r.json().get("request_id"), rid, r)
        return rid

    def test_well_formed_echoed(self):
        for rid in ("abc", "A.b_c:d-e", "0", "x" * 128,
                    "3f2c1e0a-9d8b-4c7a-b6e5-f4d3c2b1a098"):
            with self.subTest(rid=rid):
                self.assertEqual(self.get_rid(rid.encode()), rid)

    def test_malformed_replaced(self):
        for raw in (b"x" * 129, b"has space", b'quo"te', b"semi;colon",
                    "caf\u00e9".encode("utf-8"), b"tab\there", b"slash/x",
                    b"<script>", b"a,b"):
            with self.subTest(raw=raw):
                rid = self.get_rid(raw)
                self.assertRegex(rid, GENERATED_REQUEST_ID)

    def test_empty_replaced(self):
        c = self.conn()
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id:\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 200, r)
        self.assertRegex(r.header("X-Request-Id") or "", GENERATED_REQUEST_ID)

    def test_generated_ids_unique(self):
        c = self.conn()
        ids = set()
        for _ in range(20):
            r = c.request("GET", "/healthz")
            self.assertEqual(r.status, 200, r)
            rid = r.header("X-Request-Id")
            self.assertRegex(rid or "", GENERATED_REQUEST_ID)
            ids.add(rid)
        self.assertEqual(len(ids), 20, ids)

    def test_echoed_on_success(self):
        r = self.conn().request("GET", "/readyz", {"X-Request-Id": "ready-1"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("X-Request-Id"), "ready-1")

    def test_case_insensitive_header_name(self):
        r = self.conn().request("GET", "/healthz", {"x-request-id": "lower-1"})
        self.assertEqual(r.header("X-Request-Id"), "lower-1", r)


class KeepAlive(SharedPaydTestCase):
    def test_sequential_requests_one_connection(self):
        c = self.conn()
        for i in range(5):
            path = "/healthz" if i % 2 == 0 else "/readyz"
            r = c.request("GET", path, {"X-Request-Id": f"seq-{i}"})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("X-Request-Id"), f"seq-{i}")
            self.assertNotEqual((r.header("Connection") or "").lower(), "close", r)

    def test_pipelined_requests_answered_in_order(self):
        c = self.conn()
        data = b"".join(build_request("GET", p, {"X-Request-Id": f"pipe-{i}"})
                        for i, p in enumerate(["/healthz", "/nope", "/readyz", "/healthz"]))
        c.send(data)
        statuses = []
        for i in range(4):
            r = c.read_response()
            self.assertEqual(r.header("X-Request-Id"), f"pipe-{i}", r)
            statuses.append(r.status)
        self.assertEqual(statuses, [200, 404, 200, 200])

    def test_connection_close_honoured(self):
        c = self.conn()
        r = c.request("GET", "/healthz", {"Connection": "close"})
        self.assertEqual(r.status, 200, r)
        rest, closed = c.read_until_eof(3)
        self.assertTrue(closed, "server kept the connection open after Connection: close")
        self.assertEqual(rest, b"")

    def test_connection_close_ignores_pipelined_followup(self):
        c = self.conn()
        c.send(build_request("GET", "/healthz", {"Connection": "close"})
               + build_request("GET", "/readyz"))
        r = c.read_response()
        self.assertEqual(r.status, 200, r)
        rest, closed = c.read_until_eof(3)
        self.assertTrue(closed)
        self.assertNotIn(b"HTTP/1.", rest, "answered a request after Connection: close")

    def test_http10(self):
        c = self.conn()
        c.send(b"GET /healthz HTTP/1.0\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"status": "ok"})
        rest, closed = c.read_until_eof(3)
        self.assertTrue(closed, "HTTP/1.0 request without keep-alive left open")

    def test_http10_keep_alive(self):
        c = self.conn()
        c.send(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 200, r)
        if (r.header("Connection") or "").lower() == "keep-alive":
            r2 = c.request("GET", "/readyz", version="HTTP/1.0",
                           headers={"Connection": "keep-alive"})
            self.assertEqual(r2.status, 200, r2)

    def test_many_concurrent_connections(self):
        conns = [self.conn() for _ in range(50)]
        for i, c in enumerate(conns):
            c.send(build_request("GET", "/healthz", {"X-Request-Id": f"cc-{i}"}))
        for i, c in enumerate(conns):
            r = c.read_response()
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("X-Request-Id"), f"cc-{i}")


class Limits(SharedPaydTestCase):
    OVERRIDES = {"server": {"max_header_bytes": MAX_HEADER, "max_body_bytes": MAX_BODY}}

    def assert_closed_after(self, c, what):
        rest, closed = c.read_until_eof(5)
        self.assertTrue(closed, f"connection left open after {what}")
        self.assertNotIn(b"HTTP/1.", rest, f"a second response after {what}: {rest!r}")

    def test_413_content_length_before_body(self):
        c = self.conn()
        # Body is NOT sent: the server must answer from the header alone.
        c.send(f"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-1\r\n"
               f"Content-Length: {MAX_BODY + 1}\r\n\r\n")
        r = c.read_response()
        assert_error_envelope(self, r, 413, "PAYLOAD_TOO_LARGE", "big-1")
        self.assert_closed_after(c, "413")

    def test_413_huge_content_length(self):
        c = self.conn()
        c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n")
        r = c.read_response()
        assert_error_envelope(self, r, 413, "PAYLOAD_TOO_LARGE")
        self.assert_closed_after(c, "413")

    def test_content_length_overflow_rejected(self):
        c = self.conn()
        c.send("POST /healthz HTTP/1.1\r\nHost: x\r\n"
               "Content-Length: 99999999999999999999999999\r\n\r\n")
        r = c.read_response()
        self.assertIn(r.status, (400, 413), r)
        self.assert_closed_after(c, str(r.status))

    def test_body_at_limit_accepted(self):
        c = self.conn()
        r = c.request("POST", "/healthz", body=b"a" * MAX_BODY)
        self.assertEqual(r.status, 405, r)   # not 413: exactly at the limit is fine
        r2 = c.request("GET", "/healthz")
        self.assertEqual(r2.status, 200, r2)

    def test_413_chunked(self):
        c = self.conn()
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-chunked\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n")
        sent = 0
        chunk = b"200\r\n" + b"b" * 0x200 + b"\r\n"
        while sent <= MAX_BODY + 0x200:
            if not c.try_send(chunk):
                break
            sent += 0x200
        c.try_send(b"0\r\n\r\n")
        r = c.read_response()
        assert_error_envelope(self, r, 413, "PAYLOAD_TOO_LARGE", "big-chunked")
        self.assert_closed_after(c, "chunked 413")

    def test_chunked_within_limit_accepted(self):
        c = self.conn()
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 405, r)
        r2 = c.request("GET", "/healthz")
        self.assertEqual(r2.status, 200, r2)

    def test_431_one_big_header(self):
        c = self.conn()
        c.send(f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-hdr\r\n"
               f"X-Big: {'a' * (MAX_HEADER * 2)}\r\n\r\n")
        r = c.read_response()
        assert_error_envelope(self, r, 431, "HEADERS_TOO_LARGE")
        self.assert_closed_after(c, "431")

    def test_431_many_headers(self):
        c = self.conn()
        hdrs = "".join(f"X-H{i}: {'v' * 60}\r\n" for i in range(MAX_HEADER // 60 + 10))
        c.send(f"GET /healthz HTTP/1.1\r\nHost: x\r\n{hdrs}\r\n")
        r = c.read_response()
        assert_error_envelope(self, r, 431, "HEADERS_TOO_LARGE")
        self.assert_closed_after(c, "431")

    def test_long_request_target(self):
        c = self.conn()
        c.send(f"GET /{'p' * (MAX_HEADER * 2)} HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response()
        self.assertIn(r.status, (414, 431), r)
        r.json()
        self.assert_closed_after(c, str(r.status))

    def test_header_just_under_limit_accepted(self):
        c = self.conn()
        r = c.request("GET", "/healthz", {"X-Pad": "a" * (MAX_HEADER // 2)})
        self.assertEqual(r.status, 200, r)

    def test_still_serving(self):
        self.assertEqual(http_get(self.port, "/healthz")[0], 200)


if __name__ == "__main__":
    unittest.main()
