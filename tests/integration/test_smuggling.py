"""Malformed HTTP and request-smuggling shapes.

Every rejected shape is sent together with a second, valid request pipelined in
the same bytes.  The server must answer the first with 400 (JSON envelope,
code BAD_REQUEST), must NOT answer the smuggled second request, and must close
the connection.
"""

import unittest

from paydtest import (SharedPaydTestCase, assert_error_envelope,
                      parse_responses)

SMUGGLED = (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: smuggled\r\n\r\n")

# name -> raw request bytes; each MUST get 400 + close.
MUST_REJECT = {
    # -- framing conflicts -------------------------------------------------
    "cl_and_te": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    "te_and_cl": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  b"Content-Length: 5\r\n\r\n0\r\n\r\n"),
    "te_and_cl_zero": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                       b"Content-Length: 0\r\n\r\n0\r\n\r\n"),
    "double_cl_different": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                            b"Content-Length: 6\r\n\r\nhello!"),
    "double_cl_reversed": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                           b"Content-Length: 0\r\n\r\nhello!"),
    "cl_list_different": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n"
                          b"\r\nhello!"),
    # -- Content-Length syntax --------------------------------------------
    "cl_plus": b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
    "cl_space_inside": b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5 5\r\n\r\nhello",
    "cl_hex": b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello",
    "cl_negative": b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "cl_empty": b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n",
    "cl_letters": b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: five\r\n\r\nhello",
    # -- Transfer-Encoding other than exactly "chunked" -------------------
    "te_chunked_identity": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                            b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
    "te_xchunked": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                    b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
    "te_gzip": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                b"Transfer-Encoding: gzip\r\n\r\n0\r\n\r\n"),
    "te_identity": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                    b"Transfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
    "te_chunked_twice": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    "te_http10": (b"POST /healthz HTTP/1.0\r\nHost: x\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    "te_obs_fold": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n"
                    b" chunked\r\n\r\n0\r\n\r\n"),
    # -- chunked body syntax ----------------------------------------------
    "chunk_size_not_hex": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
    "chunk_size_0x": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"),
    "chunk_size_negative": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n"),
    "chunk_size_overflow": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n"
                            b"10000000000000000000005\r\nhello\r\n0\r\n\r\n"),
    "chunk_size_empty": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n"),
    "chunk_data_too_long": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n"),
    # -- header syntax ------------------------------------------------------
    "space_before_colon_cl": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                              b"Content-Length : 5\r\n\r\nhello"),
    "space_before_colon_te": (b"POST /healthz HTTP/1.1\r\nHost: x\r\n"
                              b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
    "space_before_colon_other": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Foo : bar\r\n\r\n",
    "space_in_header_name": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX Foo: bar\r\n\r\n",
    "header_without_colon": b"GET /healthz HTTP/1.1\r\nHost: x\r\nJustAName\r\n\r\n",
    "obs_fold": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Foo: a\r\n  continued\r\n\r\n",
    # -- request line -------------------------------------------------------
    "request_line_garbage": b"GARBAGE\r\n\r\n",
    "request_line_no_version": b"GET /healthz\r\n\r\n",
    "request_line_extra_token": b"GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    "request_line_bad_version": b"GET /healthz HTTX/1.1\r\nHost: x\r\n\r\n",
    "request_line_binary": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    "request_line_control_char_in_target": b"GET /heal\x01thz HTTP/1.1\r\nHost: x\r\n\r\n",
    "request_line_space_in_target": b"GET /heal thz HTTP/1.1\r\nHost: x\r\n\r\n",
    "missing_host_http11": b"GET /healthz HTTP/1.1\r\nX-A: b\r\n\r\n",
    "duplicate_host": b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
}

# Shapes where the RFC allows either a rejection (400 + close) or a correct
# answer.  We assert one of those and never a desync.
EITHER = {
    # (raw, expected status if accepted)
    "bare_lf": (b"GET /healthz HTTP/1.1\nHost: x\n\n", 200),
    "bare_lf_mixed": (b"GET /healthz HTTP/1.1\r\nHost: x\n\r\n", 200),
    "nul_in_header_value": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Foo: a\x00b\r\n\r\n", 200),
    "double_cl_identical": (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                            b"Content-Length: 5\r\n\r\nhello", 405),
    "http_version_2": (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", (505, 200)),
    # RFC 9112 2.2: reject, or ignore the whitespace-preceded line.
    "leading_whitespace_first_header": (b"GET /healthz HTTP/1.1\r\n X-Foo: x\r\nHost: x\r\n\r\n", 200),
}


class Smuggling(SharedPaydTestCase):
    OVERRIDES = {"server": {"header_timeout": "3s", "body_timeout": "3s"}}

    def _assert_rejected(self, raw):
        c = self.conn(timeout=5)
        c.try_send(raw + SMUGGLED)
        r = c.read_response(timeout=5)
        assert_error_envelope(self, r, 400, "BAD_REQUEST")
        rest, closed = c.read_until_eof(5)
        self.assertTrue(closed, "connection left open after a 400 for malformed HTTP")
        self.assertNotIn(b"HTTP/1.", rest,
                         f"the pipelined request was answered after the 400: {rest!r}")

    def _assert_either(self, raw, accepted_status):
        c = self.conn(timeout=5)
        c.try_send(raw + SMUGGLED)
        r = c.read_response(timeout=5)
        if r.status == 400:
            assert_error_envelope(self, r, 400, "BAD_REQUEST")
            rest, closed = c.read_until_eof(5)
            self.assertTrue(closed, "connection left open after a 400")
            self.assertNotIn(b"HTTP/1.", rest)
            return
        if isinstance(accepted_status, int):
            accepted_status = (accepted_status,)
        self.assertIn(r.status, accepted_status, r)
        if r.status >= 500 or (r.header("Connection") or "").lower() == "close":
            rest, _ = c.read_until_eof(5)
            for extra in parse_responses(rest):
                # If anything follows it must be the smuggled request's answer
                # and nothing else (no desync).
                self.assertEqual(extra.header("X-Request-Id"), "smuggled", extra)
            return
        # Accepted and kept alive: the pipelined request must be answered
        # correctly, as a separate request.
        r2 = c.read_response(timeout=5)
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(r2.header("X-Request-Id"), "smuggled", r2)

    # Controls: correctly framed bodies are accepted and do not desync.
    def test_control_content_length_body_then_pipelined(self):
        c = self.conn()
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED)
        r1 = c.read_response()
        self.assertEqual(r1.status, 405, r1)
        r2 = c.read_response()
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(r2.header("X-Request-Id"), "smuggled")

    def test_control_get_with_body_then_pipelined(self):
        c = self.conn()
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nGET /" + SMUGGLED)
        r1 = c.read_response()
        self.assertEqual(r1.status, 200, r1)
        r2 = c.read_response()
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(r2.header("X-Request-Id"), "smuggled")
        rest, closed = c.read_until_eof(1)
        self.assertEqual(rest, b"", "more responses than requests")

    def test_control_chunked_then_pipelined(self):
        c = self.conn()
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n0\r\n\r\n" + SMUGGLED)
        r1 = c.read_response()
        self.assertEqual(r1.status, 405, r1)
        r2 = c.read_response()
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(r2.header("X-Request-Id"), "smuggled")

    def test_control_chunked_with_trailer(self):
        c = self.conn()
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n" + SMUGGLED)
        r1 = c.read_response()
        self.assertEqual(r1.status, 405, r1)
        r2 = c.read_response()
        self.assertEqual(r2.status, 200, r2)

    def test_control_http10_content_length(self):
        c = self.conn()
        c.send(b"POST /healthz HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello")
        r = c.read_response()
        self.assertEqual(r.status, 405, r)

    def test_server_survives_burst_of_garbage(self):
        for raw in MUST_REJECT.values():
            c = self.conn(timeout=5)
            c.try_send(raw)
            c.read_until_eof(5)
            c.close()
        c = self.conn()
        self.assertEqual(c.request("GET", "/healthz").status, 200)


def _make_reject(raw):
    def t(self):
        self._assert_rejected(raw)
    return t


def _make_either(raw, status):
    def t(self):
        self._assert_either(raw, status)
    return t


for _name, _raw in MUST_REJECT.items():
    setattr(Smuggling, f"test_reject_{_name}", _make_reject(_raw))
for _name, (_raw, _status) in EITHER.items():
    setattr(Smuggling, f"test_either_{_name}", _make_either(_raw, _status))


if __name__ == "__main__":
    unittest.main()
