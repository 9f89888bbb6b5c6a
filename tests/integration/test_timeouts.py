"""Slow clients are cut off (slowloris), idle keep-alive connections are closed,
and a slow client never blocks the others."""

import socket
import threading
import time
import unittest

from paydtest import (Conn, SharedPaydTestCase, assert_error_envelope,
                      build_request, http_get, parse_responses)

HEAD = (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slowloris\r\n"
        b"X-Padding: " + b"p" * 60 + b"\r\n\r\n")


def trickle_until_closed(c: Conn, data: bytes, interval: float, limit: float):
    """Send data one byte every `interval` seconds, watching for the server to
    close the connection.  Returns (closed, seconds, bytes received)."""
    t0 = time.monotonic()
    received = b""
    for i in range(len(data)):
        if time.monotonic() - t0 > limit:
            return False, time.monotonic() - t0, received
        if not c.try_send(data[i:i + 1]):
            rest, _ = c.read_until_eof(1)
            return True, time.monotonic() - t0, received + rest
        # Wait `interval`, but notice a close (EOF/RST) immediately.
        end = time.monotonic() + interval
        while time.monotonic() < end:
            c.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                chunk = c.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                break
            except (ConnectionResetError, ConnectionAbortedError):
                return True, time.monotonic() - t0, received
            if not chunk:
                return True, time.monotonic() - t0, received
            received += chunk
    # Whole thing sent (server too lenient?): see whether it closes at all.
    closed, waited, rest = c.wait_closed(max(0.1, limit - (time.monotonic() - t0)))
    return closed, time.monotonic() - t0, received + rest


class Timeouts(SharedPaydTestCase):
    OVERRIDES = {"server": {"header_timeout": "1s", "body_timeout": "1s",
                            "idle_timeout": "1s", "threads": 1}}

    def assert_timeout_response(self, data: bytes):
        """Either nothing, or a single 408 envelope."""
        if not data:
            return
        resps = parse_responses(data)
        self.assertEqual(len(resps), 1, data)
        assert_error_envelope(self, resps[0], 408, "REQUEST_TIMEOUT")

    def test_slowloris_header_cut_off(self):
        c = self.conn(timeout=10)
        closed, secs, data = trickle_until_closed(c, HEAD, 0.3, limit=8)
        self.assertTrue(closed, f"slow header sender still connected after {secs:.1f}s")
        self.assertLess(secs, 4.0, f"cut off only after {secs:.1f}s (header_timeout 1s)")
        self.assertGreater(secs, 0.5, f"cut off after {secs:.2f}s, before header_timeout")
        self.assertNotIn(b"HTTP/1.1 200", data)
        self.assert_timeout_response(data)

    def test_partial_head_then_silence_cut_off(self):
        c = self.conn(timeout=10)
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed, secs, data = c.wait_closed(8)
        self.assertTrue(closed, "partial head connection never closed")
        self.assertLess(secs, 4.0)
        self.assert_timeout_response(data)

    def test_connect_and_send_nothing_cut_off(self):
        c = self.conn(timeout=10)
        closed, secs, data = c.wait_closed(8)
        self.assertTrue(closed, "silent connection never closed")
        self.assertLess(secs, 4.0)
        self.assert_timeout_response(data)

    def test_body_timeout_short_body(self):
        c = self.conn(timeout=10)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
        closed, secs, data = c.wait_closed(8)
        self.assertTrue(closed, "client that never finishes its body is not cut off")
        self.assertLess(secs, 4.0, f"cut off after {secs:.1f}s (body_timeout 1s)")
        self.assertNotIn(b"HTTP/1.1 405", data, "answered an incomplete request")
        self.assert_timeout_response(data)

    def test_body_trickle_cut_off(self):
        c = self.conn(timeout=10)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
        closed, secs, data = trickle_until_closed(c, b"y" * 100, 0.3, limit=8)
        self.assertTrue(closed, f"slow body sender still connected after {secs:.1f}s")
        self.assertLess(secs, 4.0, f"cut off only after {secs:.1f}s (body_timeout 1s)")
        self.assert_timeout_response(data)

    def test_chunked_body_trickle_cut_off(self):
        c = self.conn(timeout=10)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        closed, secs, data = trickle_until_closed(c, b"1\r\nz\r\n" * 40, 0.1, limit=8)
        self.assertTrue(closed, f"slow chunked sender still connected after {secs:.1f}s")
        self.assertLess(secs, 4.0)
        self.assert_timeout_response(data)

    def test_idle_keepalive_closed(self):
        c = self.conn(timeout=10)
        r = c.request("GET", "/healthz")
        self.assertEqual(r.status, 200, r)
        closed, secs, data = c.wait_closed(8)
        self.assertTrue(closed, "idle keep-alive connection never closed")
        self.assertGreater(secs, 0.5, f"closed after {secs:.2f}s, before idle_timeout 1s")
        self.assertLess(secs, 4.0, f"closed only after {secs:.1f}s (idle_timeout 1s)")
        self.assertNotIn(b"HTTP/1.1 200", data)

    def test_active_keepalive_not_cut(self):
        """Timeouts are per request: a client that sends a complete request
        every 0.4 s for 3.2 s (well past every 1 s timeout) is served."""
        c = self.conn(timeout=5)
        t0 = time.monotonic()
        n = 0
        while time.monotonic() - t0 < 3.2:
            r = c.request("GET", "/healthz", {"X-Request-Id": f"active-{n}"})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("X-Request-Id"), f"active-{n}")
            n += 1
            time.sleep(0.4)
        self.assertGreaterEqual(n, 6)

    def test_slow_client_does_not_block_others(self):
        slow = [self.conn(timeout=10) for _ in range(10)]
        for c in slow:
            c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        slow_heads = [self.conn(timeout=10) for _ in range(5)]
        for c in slow_heads:
            c.send(b"GET /healthz HTTP/1.1\r\nHo")
        t0 = time.monotonic()
        status, _, _ = http_get(self.port, "/healthz", timeout=3)
        self.assertEqual(status, 200)
        self.assertLess(time.monotonic() - t0, 0.5, "healthz slow while slow clients connected")


class SlowClientsLongTimeouts(SharedPaydTestCase):
    """With generous timeouts and a single I/O thread, many slow clients are
    held open at once while other clients are still served promptly."""
    OVERRIDES = {"server": {"header_timeout": "20s", "body_timeout": "20s",
                            "idle_timeout": "20s", "threads": 1}}

    def test_slow_clients_do_not_block_others(self):
        stop = threading.Event()
        conns = [self.conn(timeout=30) for _ in range(20)]
        for i, c in enumerate(conns):
            if i % 2:
                c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            else:
                c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab")

        def trickle():
            while not stop.is_set():
                for i, c in enumerate(conns):
                    c.try_send(b"a")
                stop.wait(0.2)
        th = threading.Thread(target=trickle, daemon=True)
        th.start()
        try:
            worst = 0.0
            for _ in range(10):
                t0 = time.monotonic()
                status, _, _ = http_get(self.port, "/healthz", timeout=5)
                worst = max(worst, time.monotonic() - t0)
                self.assertEqual(status, 200)
                time.sleep(0.1)
            self.assertLess(worst, 0.5, f"a /healthz took {worst:.2f}s with slow clients open")
        finally:
            stop.set()
            th.join(2)

    def test_pipelined_fast_after_slow_on_other_conn(self):
        slow = self.conn(timeout=30)
        slow.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        fast = self.conn(timeout=5)
        fast.send(build_request("GET", "/healthz") * 3)
        for _ in range(3):
            self.assertEqual(fast.read_response(timeout=2).status, 200)
        # The slow one finishes late and is still answered (20 s timeouts).
        slow.send(b"\r\n")
        self.assertEqual(slow.read_response(timeout=5).status, 200)


if __name__ == "__main__":
    unittest.main()
