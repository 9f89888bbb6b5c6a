"""Graceful shutdown on SIGTERM / SIGINT."""

import signal
import socket
import time
import unittest

from paydtest import (Conn, LOCALHOST, PaydTestCase, build_request,
                      parse_responses)


def new_connection_refused(port: int) -> tuple[bool, str]:
    """True if a new connection is refused, or accepted and then closed
    without any response to a request."""
    try:
        s = socket.create_connection((LOCALHOST, port), timeout=2)
    except OSError as e:
        return True, f"connect failed: {e!r}"
    c = Conn.__new__(Conn)
    c.sock, c.timeout, c.buf, c.eof = s, 3, b"", False
    try:
        c.try_send(build_request("GET", "/healthz"))
        data, closed = c.read_until_eof(3)
    finally:
        c.close()
    if data.startswith(b"HTTP/"):
        return False, f"new connection after SIGTERM was answered: {data[:200]!r}"
    return True, f"accepted then closed (closed={closed})"


class GracefulShutdown(PaydTestCase):
    def test_in_flight_request_completes(self):
        p = self.start_payd({"server": {"shutdown_grace": "5s", "body_timeout": "20s",
                                        "header_timeout": "20s"}})
        c = Conn(p.port, timeout=10)
        self.addCleanup(c.close)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: in-flight-1\r\n"
               b"Content-Length: 1000\r\n\r\n" + b"a" * 500)
        time.sleep(0.3)  # let the server read the head and start on the body
        t_term = time.monotonic()
        p.signal(signal.SIGTERM)
        time.sleep(0.5)

        self.assertTrue(p.alive(), "payd exited with a request in flight\n" + p.describe())
        refused, why = new_connection_refused(p.port)
        self.assertTrue(refused, why)

        c.send(b"b" * 500)
        r = c.read_response(timeout=5)
        self.assertEqual(r.status, 405, r)
        self.assertEqual(r.header("X-Request-Id"), "in-flight-1", r)
        r.json()
        rest, closed = c.read_until_eof(5)
        self.assertTrue(closed, "connection not closed after the last in-flight response")
        self.assertEqual(rest, b"")

        code = p.wait_exit(5)
        self.assertEqual(code, 0, "payd did not exit 0 after finishing in-flight work\n"
                         + p.describe())
        self.assertLess(time.monotonic() - t_term, 5.5)

    def test_request_completed_during_drain_is_answered(self):
        """A request already fully received at SIGTERM is answered; the
        connection is then closed (Connection: close or EOF)."""
        p = self.start_payd({"server": {"shutdown_grace": "5s", "body_timeout": "20s"}})
        c = Conn(p.port, timeout=10)
        self.addCleanup(c.close)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234")
        time.sleep(0.3)
        p.signal(signal.SIGTERM)
        time.sleep(0.3)
        c.send(b"56789")
        r = c.read_response(timeout=5)
        self.assertEqual(r.status, 405, r)
        _, closed = c.read_until_eof(5)
        self.assertTrue(closed)
        self.assertEqual(p.wait_exit(6), 0, p.describe())

    def test_readyz_during_drain(self):
        """A /readyz whose head completes during the drain is either not
        answered or answered 503 {"status":"draining"} -- never 'ready'."""
        p = self.start_payd({"server": {"shutdown_grace": "4s", "body_timeout": "20s",
                                        "header_timeout": "20s"}})
        holder = Conn(p.port, timeout=10)     # keeps the drain going
        self.addCleanup(holder.close)
        holder.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0")
        probe = Conn(p.port, timeout=10)
        self.addCleanup(probe.close)
        probe.send(b"GET /readyz HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.3)
        p.signal(signal.SIGTERM)
        time.sleep(0.3)
        probe.try_send(b"\r\n")
        data, _ = probe.read_until_eof(6)
        for r in parse_responses(data):
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.json()["status"], "draining")
        holder.try_send(b"123456789")
        self.assertEqual(p.wait_exit(8), 0, p.describe())

    def test_idle_keepalive_connections_do_not_delay_exit(self):
        p = self.start_payd({"server": {"shutdown_grace": "10s", "idle_timeout": "60s"}})
        conns = []
        for _ in range(5):
            c = Conn(p.port, timeout=10)
            self.addCleanup(c.close)
            self.assertEqual(c.request("GET", "/healthz").status, 200)
            conns.append(c)
        t0 = time.monotonic()
        p.signal(signal.SIGTERM)
        code = p.wait_exit(8)
        elapsed = time.monotonic() - t0
        self.assertEqual(code, 0, p.describe())
        self.assertLess(elapsed, 3.0, f"idle connections delayed exit by {elapsed:.1f}s")
        for c in conns:
            data, closed = c.read_until_eof(2)
            self.assertTrue(closed)
            self.assertNotIn(b"HTTP/1.1 200", data)

    def test_grace_expires_with_stuck_request(self):
        p = self.start_payd({"server": {"shutdown_grace": "1s", "body_timeout": "30s",
                                        "header_timeout": "30s"}})
        c = Conn(p.port, timeout=10)
        self.addCleanup(c.close)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"a" * 10)
        time.sleep(0.3)
        t0 = time.monotonic()
        p.signal(signal.SIGTERM)
        code = p.wait_exit(8)
        elapsed = time.monotonic() - t0
        self.assertIsNotNone(code, "payd still running 8s after SIGTERM with 1s grace\n"
                             + p.describe())
        self.assertEqual(code, 0, p.describe())
        self.assertLess(elapsed, 4.0, f"exit took {elapsed:.1f}s with 1s grace")
        self.assertGreater(elapsed, 0.7,
                           f"exited after {elapsed:.2f}s: did not wait for the in-flight request")
        _, closed = c.read_until_eof(2)
        self.assertTrue(closed)

    def test_sigterm_idle_server_exits_0(self):
        p = self.start_payd()
        t0 = time.monotonic()
        p.signal(signal.SIGTERM)
        self.assertEqual(p.wait_exit(5), 0, p.describe())
        self.assertLess(time.monotonic() - t0, 3.0)
        self.assertFalse(p.alive())

    def test_sigint_like_sigterm(self):
        p = self.start_payd({"server": {"shutdown_grace": "5s", "body_timeout": "20s"}})
        c = Conn(p.port, timeout=10)
        self.addCleanup(c.close)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: sigint-1\r\n"
               b"Content-Length: 20\r\n\r\n0123456789")
        time.sleep(0.3)
        p.signal(signal.SIGINT)
        time.sleep(0.3)
        refused, why = new_connection_refused(p.port)
        self.assertTrue(refused, why)
        c.send(b"0123456789")
        r = c.read_response(timeout=5)
        self.assertEqual(r.status, 405, r)
        self.assertEqual(r.header("X-Request-Id"), "sigint-1")
        self.assertEqual(p.wait_exit(5), 0, p.describe())

    def test_double_sigterm_still_exits_cleanly(self):
        p = self.start_payd()
        p.signal(signal.SIGTERM)
        time.sleep(0.05)
        if p.alive():
            p.signal(signal.SIGTERM)
        code = p.wait_exit(5)
        self.assertIsNotNone(code, "payd hung after two SIGTERMs")
        self.assertEqual(code, 0, p.describe())

    def test_shutdown_is_logged(self):
        p = self.start_payd()
        p.signal(signal.SIGTERM)
        self.assertEqual(p.wait_exit(5), 0)
        lines = p.logs()
        self.assertFalse([l for l in lines if "__unparsed__" in l], p.describe())
        # No error-level lines in a clean start/stop.
        errors = [l for l in lines if str(l.get("level", "")).lower()
                  in ("error", "err", "critical", "fatal")]
        self.assertFalse(errors, errors)


if __name__ == "__main__":
    unittest.main()
