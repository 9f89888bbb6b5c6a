"""JSON log lines on stdout: format, listening line, access log, secret hygiene."""

import calendar
import json
import os
import signal
import subprocess
import time
import unittest

from paydtest import (GENERATED_REQUEST_ID, ISO8601_UTC, Conn, PaydTestCase,
                      clean_env, free_port, http_get, payd_bin)
import paydb

CANARY_URL = "postgresql://u:CANARY-s3cr3t-9f2@localhost/x"
CANARY_URL_SECRET = "CANARY-s3cr3t-9f2"
CANARY_KEY = "sk_test_CANARYKEY123"


def run(args, env, timeout=20):
    try:
        return subprocess.run([payd_bin(), *args], env=env, capture_output=True,
                              text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"payd {args} did not exit within {timeout}s") from None


def access_line(p, request_id, timeout=5):
    return p.wait_for_log(msg="access", request_id=request_id, timeout=timeout)


class LogFormat(PaydTestCase):
    def test_every_line_is_json_with_time_level_msg(self):
        p = self.start_payd()
        http_get(p.port, "/healthz")
        http_get(p.port, "/nope")
        p.signal(signal.SIGTERM)
        self.assertEqual(p.wait_exit(5), 0)
        lines = p.logs()
        self.assertTrue(lines, "no log output at all")
        for line in lines:
            self.assertNotIn("__unparsed__", line, f"non-JSON stdout line: {line}")
            for key in ("time", "level", "msg"):
                self.assertIn(key, line, line)
            self.assertRegex(line["time"], ISO8601_UTC, line)
            self.assertIn(str(line["level"]).lower(),
                          ("trace", "debug", "info", "warn", "warning", "error",
                           "critical"), line)
            self.assertIsInstance(line["msg"], str)

    def test_listening_line(self):
        p = self.start_payd()
        line = p.wait_for_log(msg="listening", timeout=5)
        self.assertEqual(line.get("address"), "127.0.0.1", line)
        self.assertEqual(line.get("port"), p.port, line)
        self.assertEqual(str(line.get("level")).lower(), "info", line)
        # Time is "now" in UTC.
        t = time.strptime(line["time"][:19], "%Y-%m-%dT%H:%M:%S")
        self.assertLess(abs(calendar.timegm(t) - time.time()), 120,
                        f"log time {line['time']} is not current UTC")

    def test_stderr_quiet_on_normal_run(self):
        p = self.start_payd()
        http_get(p.port, "/healthz")
        p.signal(signal.SIGTERM)
        p.wait_exit(5)
        self.assertEqual(p.stderr_text().strip(), "", "unexpected stderr output")


class AccessLog(PaydTestCase):
    def setUp(self):
        self.p = self.start_payd()

    def test_access_line_fields(self):
        status, headers, body = http_get(self.p.port, "/healthz",
                                         {"X-Request-Id": "acc-ok-1"})
        self.assertEqual(status, 200)
        line = access_line(self.p, "acc-ok-1")
        self.assertEqual(line.get("method"), "GET", line)
        self.assertEqual(line.get("route"), "/healthz", line)
        self.assertEqual(line.get("status"), 200, line)
        self.assertIsInstance(line.get("duration_ms"), (int, float), line)
        self.assertGreaterEqual(line["duration_ms"], 0)
        self.assertLess(line["duration_ms"], 5000)
        self.assertIsInstance(line.get("bytes"), int, line)
        self.assertGreaterEqual(line["bytes"], len(body), line)
        self.assertEqual(len(self.p.find_logs(msg="access", request_id="acc-ok-1")), 1,
                         "more than one access line for one request")

    def test_unmatched_route(self):
        http_get(self.p.port, "/secret/path/123?token=abc", {"X-Request-Id": "acc-404"})
        line = access_line(self.p, "acc-404")
        self.assertEqual(line.get("route"), "unmatched", line)
        self.assertEqual(line.get("status"), 404, line)

    def test_405_route_template(self):
        http_get(self.p.port, "/readyz", {"X-Request-Id": "acc-405"}, method="DELETE")
        line = access_line(self.p, "acc-405")
        self.assertEqual(line.get("route"), "/readyz", line)
        self.assertEqual(line.get("method"), "DELETE", line)
        self.assertEqual(line.get("status"), 405, line)

    def test_generated_request_id_matches_response(self):
        status, headers, _ = http_get(self.p.port, "/readyz")
        rid = headers.get("X-Request-Id")
        self.assertRegex(rid or "", GENERATED_REQUEST_ID)
        line = access_line(self.p, rid)
        self.assertEqual(line.get("route"), "/readyz")

    def test_malformed_request_id_not_logged(self):
        bad = 'evil" injected \\ value'
        c = Conn(self.p.port)
        self.addCleanup(c.close)
        c.send(f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: {bad}\r\n\r\n")
        r = c.read_response()
        rid = r.header("X-Request-Id")
        self.assertRegex(rid, GENERATED_REQUEST_ID)
        access_line(self.p, rid)
        self.assertNotIn("injected", self.p.stdout_text())
        self.assertFalse([l for l in self.p.logs() if "__unparsed__" in l])

    def test_error_responses_logged(self):
        c = Conn(self.p.port)
        self.addCleanup(c.close)
        c.send(b"POST /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: acc-413\r\n"
               b"Content-Length: 99999999\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 413, r)
        line = access_line(self.p, "acc-413")
        self.assertEqual(line.get("status"), 413, line)

    def test_keepalive_each_request_logged(self):
        c = Conn(self.p.port)
        self.addCleanup(c.close)
        for i in range(3):
            self.assertEqual(c.request("GET", "/healthz", {"X-Request-Id": f"ka-{i}"}).status, 200)
        for i in range(3):
            access_line(self.p, f"ka-{i}")


class LogConfig(PaydTestCase):
    def test_access_log_disabled(self):
        p = self.start_payd({"log": {"access_log": False}})
        http_get(p.port, "/healthz", {"X-Request-Id": "no-access"})
        http_get(p.port, "/nope", {"X-Request-Id": "no-access-404"})
        time.sleep(0.5)
        self.assertFalse(p.find_logs(msg="access"), p.describe())

    def test_level_warn_suppresses_info(self):
        p = self.start_payd({"log": {"level": "warn"}})
        http_get(p.port, "/healthz")
        time.sleep(0.3)
        low = [l for l in p.logs()
               if str(l.get("level")).lower() in ("trace", "debug", "info")]
        self.assertFalse(low, f"lines below warn logged at level warn: {low}")

    def test_level_debug_is_valid(self):
        p = self.start_payd({"log": {"level": "debug"}})
        http_get(p.port, "/healthz")
        p.signal(signal.SIGTERM)
        self.assertEqual(p.wait_exit(5), 0)
        self.assertFalse([l for l in p.logs() if "__unparsed__" in l], p.describe())


class SecretCanary(PaydTestCase):
    """Configured secrets and Authorization header values never appear in logs
    (at the most verbose level), on stderr, or in /metrics."""

    def assert_no_canary(self, blob, where):
        for canary in (CANARY_URL_SECRET, CANARY_KEY, "CANARYKEY"):
            self.assertNotIn(canary, blob, f"secret canary {canary!r} leaked into {where}")

    def test_canaries_never_leak(self):
        # A real database whose URL carries the canary as its password (the throwaway
        # cluster trusts local connections, so the password is sent and ignored).
        db = paydb.Database("payd_canary")
        self.addCleanup(db.drop)
        base = db.url
        sep = "&" if "?" in base else "?"
        url = f"{base}{sep}password={CANARY_URL_SECRET}"
        r = subprocess.run([payd_bin(), "migrate", "--config", self.write_db_config(url)],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_no_canary(r.stdout + r.stderr, "payd migrate output")
        env = clean_env({"PAYD_CANARY_URL": url})
        p = self.start_payd({"log": {"level": "trace"},
                             "database": {"url": "${PAYD_CANARY_URL}"}}, env=env)
        auth = {"Authorization": f"Bearer {CANARY_KEY}"}
        http_get(p.port, "/healthz", auth)
        http_get(p.port, "/nope/secret", auth)
        http_get(p.port, "/healthz", auth, method="POST", body=b"{}")
        http_get(p.port, "/healthz", {"authorization": f"Basic {CANARY_KEY}"})
        # Malformed and oversized requests carrying the header, too.
        for raw in (
            f"POST /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {CANARY_KEY}\r\n"
            f"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            f"GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {CANARY_KEY}\r\n"
            f"X-Big: {'a' * 40000}\r\n\r\n",
            f"POST /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {CANARY_KEY}\r\n"
            f"Content-Length: 999999999\r\n\r\n",
        ):
            c = Conn(p.port)
            c.try_send(raw)
            c.read_until_eof(5)
            c.close()
        status, _, metrics = http_get(p.port, "/metrics", auth)
        self.assertEqual(status, 200)
        self.assert_no_canary(metrics.decode("utf-8", "replace"), "/metrics")
        # A reload logs the (new) config state: still nothing.
        p.signal(signal.SIGHUP)
        p.wait_for_log(msg="config reloaded", timeout=5)
        # And a rejected reload that also carries the secret.
        cfg = dict(p.config)
        cfg = {**cfg, "listen": {**cfg["listen"], "port": "abc"}}
        p.write_config(cfg)
        p.signal(signal.SIGHUP)
        p.wait_for_log(msg="config reload rejected", timeout=5)
        p.signal(signal.SIGTERM)
        self.assertEqual(p.wait_exit(5), 0)
        self.assert_no_canary(p.stdout_text(), "stdout")
        self.assert_no_canary(p.stderr_text(), "stderr")
        self.assertTrue(p.find_logs(msg="access"), "no access lines: test is vacuous")

    def write_db_config(self, url: str) -> str:
        path = os.path.join(self.make_tempdir(), "migrate.yaml")
        with open(path, "w") as f:
            f.write("database:\n  url: " + json.dumps(url) + "\n")
        return path

    def test_unreachable_database_stops_startup_without_the_secret(self):
        d = self.make_tempdir()
        path = os.path.join(d, "down.yaml")
        with open(path, "w") as f:
            f.write(f'listen:\n  port: {free_port()}\ndatabase:\n  url: "${{PAYD_CANARY_URL}}"\n'
                    '  connect_timeout: 2s\n')
        env = clean_env({"PAYD_CANARY_URL": CANARY_URL.replace("localhost", "127.0.0.1:1")})
        r = subprocess.run([payd_bin(), "--config", path], capture_output=True, text=True,
                           timeout=60, env=env)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("cannot connect to the database", r.stdout + r.stderr)
        self.assert_no_canary(r.stdout + r.stderr, "startup failure output")

    def test_check_config_does_not_print_secret(self):
        d = self.make_tempdir()
        path = os.path.join(d, "bad.yaml")
        with open(path, "w") as f:
            f.write('listen:\n  port: 0\ndatabase:\n  url: "${PAYD_CANARY_URL}"\n'
                    '  pool_size: many\n')
        env = clean_env({"PAYD_CANARY_URL": CANARY_URL})
        r = run(["--check-config", "--config", path], env)
        self.assertEqual(r.returncode, 1, r)
        self.assert_no_canary(r.stdout + r.stderr, "--check-config output")
        with open(path, "w") as f:
            f.write('listen:\n  port: 8080\ndatabase:\n  url: "${PAYD_CANARY_URL}"\n')
        r = run(["--check-config", "--config", path], env)
        self.assertEqual(r.returncode, 0, r)
        self.assert_no_canary(r.stdout + r.stderr, "--check-config output")

    def test_inline_secret_in_startup_failure_not_printed(self):
        """A secret that resolves fine but sits next to a startup failure
        (port in use) is not echoed in the diagnostics."""
        import socket as _s
        with _s.socket() as blocker:
            blocker.bind(("127.0.0.1", 0))
            blocker.listen(1)
            port = blocker.getsockname()[1]
            d = self.make_tempdir()
            path = os.path.join(d, "payd.yaml")
            with open(path, "w") as f:
                f.write(f'listen:\n  address: 127.0.0.1\n  port: {port}\n'
                        f'database:\n  url: "${{PAYD_CANARY_URL}}"\nlog:\n  level: trace\n')
            env = clean_env({"PAYD_CANARY_URL": CANARY_URL})
            r = run(["--config", path], env)
        self.assertNotEqual(r.returncode, 0)
        self.assert_no_canary(r.stdout + r.stderr, "startup failure output")


if __name__ == "__main__":
    unittest.main()
