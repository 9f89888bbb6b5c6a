"""Rate limits and load shedding over the wire: the real payd with small limits in its YAML, a
real PostgreSQL database, requests from several loopback source addresses (127.0.0.x) so that
per-IP budgets can be told apart.

Limits here are tiny (2 per 2 s) so that refills take about a second; every wait is bounded."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import paydb
import paydtest

CARD_OK = "4242424242424242"

LIMITS = """rate_limits:
  classes:
    checkout_create: {limit: 2, per: 2s}
    session_status: {limit: 1, per: 1m}
    link_info: {limit: 2, per: 2s}
    link_checkout: {limit: 1, per: 1m}
    auth_failures: {limit: 3, per: 1m}
"""

RELOADED = LIMITS.replace("session_status: {limit: 1, per: 1m}",
                          "session_status: {limit: 20, per: 1s}")


def config_text(port: int, db_url: str, server: str = "", limits: str = LIMITS) -> str:
    """paydb.daemon_config's file, with our own server: and rate_limits: sections."""
    text = paydb.daemon_config(port, db_url, extra=limits, rate_limits=True)
    if server:
        text = text.replace("server: {threads: 2, shutdown_grace: 3s}",
                            "server: {threads: 2, shutdown_grace: 3s, " + server + "}")
    return text


def request(port: int, method: str, path: str, *, key: str | None = None, body=None,
            source: str = "127.0.0.1", timeout: float = 15.0):
    """One request from `source` (any 127.0.0.0/8 address reaches the loopback listener)."""
    headers = {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                   source_address=(source, 0))
    try:
        c.request(method, path, body=data, headers=headers)
        r = c.getresponse()
        out = r.read()
        try:
            parsed = json.loads(out) if out else None
        except ValueError:
            parsed = None
        return r.status, r.headers, parsed
    finally:
        c.close()


def session_body() -> dict:
    return {"amount": 2500, "currency": "USD", "reference": "order-1",
            "success_url": "https://shop.example/success",
            "cancel_url": "https://shop.example/cancel"}


class RateLimitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-ratelimit-")
        cls.db, cls.cfg = paydb.migrated_database(
            cls.work, ("acme", "globex", "initech", "umbrella"))
        cls.acme = paydb.create_key(cls.cfg, "acme", "test")
        cls.globex = paydb.create_key(cls.cfg, "globex", "test")
        cls.initech = paydb.create_key(cls.cfg, "initech", "test")
        cls.umbrella = paydb.create_key(cls.cfg, "umbrella", "test")
        cls.payd = paydtest.start_payd(
            cls.work, config_text=lambda port: config_text(port, cls.db.url))
        cls.port = cls.payd.port

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def create_session(self, key, source="127.0.0.1"):
        return request(self.port, "POST", "/api/v1/checkout/sessions", key=key,
                       body=session_body(), source=source)

    def assert_rate_limited(self, response, limit: int, max_wait: int):
        status, headers, body = response
        self.assertEqual(status, 429, body)
        retry_after = int(headers["Retry-After"])
        self.assertGreaterEqual(retry_after, 1)
        self.assertLessEqual(retry_after, max_wait)
        self.assertEqual(int(headers["RateLimit-Limit"]), limit)
        self.assertEqual(int(headers["RateLimit-Remaining"]), 0)
        reset = int(headers["RateLimit-Reset"])
        self.assertGreaterEqual(reset, retry_after)
        self.assertTrue(headers["X-Request-Id"])
        self.assertEqual(body["error"]["type"], "rate_limit_error")
        self.assertEqual(body["error"]["code"], "RATE_LIMIT_EXCEEDED")
        self.assertIsNone(body["error"]["param"])
        self.assertEqual(body["error"]["retry_after"], retry_after)
        self.assertEqual(body["request_id"], headers["X-Request-Id"])
        return retry_after

    def metric(self, name: str, **labels) -> float:
        status, _, text = paydtest.http_get(self.port, "/metrics")
        self.assertEqual(status, 200)
        return paydtest.metric_value(paydtest.parse_prometheus(text.decode()), name,
                                     **labels) or 0.0

    def make_link(self, key) -> str:
        status, _, link = request(self.port, "POST", "/api/v1/payment_links", key=key,
                                  body={"amount": 9900, "currency": "USD", "reference": "promo"})
        self.assertEqual(status, 201, link)
        return link["slug"]

    # --- per tenant -------------------------------------------------------------------------

    def test_burst_then_429_then_refill(self):
        before = self.metric("payd_rate_limited_total", **{"class": "checkout_create",
                                                            "scope": "tenant"})
        for _ in range(2):
            status, _, body = self.create_session(self.acme)
            self.assertEqual(status, 201, body)
        retry_after = self.assert_rate_limited(self.create_session(self.acme), 2, 1)
        self.assertEqual(retry_after, 1)  # 2 per 2 s: one token a second
        after = self.metric("payd_rate_limited_total", **{"class": "checkout_create",
                                                           "scope": "tenant"})
        self.assertEqual(after, before + 1)
        # Another tenant is not affected by acme's exhausted bucket.
        status, _, body = self.create_session(self.globex)
        self.assertEqual(status, 201, body)
        # After Retry-After, acme has one token again, and only one.
        time.sleep(retry_after + 0.1)
        status, _, body = self.create_session(self.acme)
        self.assertEqual(status, 201, body)
        self.assertEqual(self.create_session(self.acme)[0], 429)

    def test_metric_labels_carry_no_tenant_or_address(self):
        _, _, text = paydtest.http_get(self.port, "/metrics")
        for line in text.decode().splitlines():
            if line.startswith("payd_rate_limited_total{"):
                self.assertNotIn("127.0.0", line)
                self.assertNotIn("acme", line)
                self.assertRegex(line, r'^payd_rate_limited_total\{(class|scope)="[a-z_]+",'
                                       r'(class|scope)="[a-z_]+"\} ')

    # --- per IP -----------------------------------------------------------------------------

    def test_public_link_info_per_ip(self):
        slug = self.make_link(self.initech)
        path = f"/api/v1/links/{slug}"
        for remaining in (1, 0):
            status, headers, body = request(self.port, "GET", path, source="127.0.0.21")
            self.assertEqual(status, 200, body)
            self.assertEqual(int(headers["RateLimit-Limit"]), 2)
            self.assertEqual(int(headers["RateLimit-Remaining"]), remaining)
        self.assert_rate_limited(request(self.port, "GET", path, source="127.0.0.21"), 2, 1)
        # Another client address has its own budget.
        status, _, body = request(self.port, "GET", path, source="127.0.0.22")
        self.assertEqual(status, 200, body)
        self.assertGreaterEqual(
            self.metric("payd_rate_limited_total", **{"class": "link_info", "scope": "ip"}), 1)

    def test_public_link_checkout_per_ip(self):
        slug = self.make_link(self.initech)
        path = f"/api/v1/links/{slug}/checkout"
        status, _, body = request(self.port, "POST", path, source="127.0.0.31")
        self.assertEqual(status, 201, body)
        self.assert_rate_limited(request(self.port, "POST", path, source="127.0.0.31"), 1, 60)

    def test_failed_authentications_are_limited_per_ip_before_lookup(self):
        source = "127.0.0.41"
        for _ in range(3):
            status, _, body = request(self.port, "GET", "/api/v1/payments",
                                      key="sk_test_" + "x" * 40, source=source)
            self.assertEqual(status, 401, body)
        # Now even a valid key is refused from that address: the budget is checked first.
        self.assert_rate_limited(request(self.port, "GET", "/api/v1/payments", key=self.acme,
                                         source=source), 3, 60)
        status, _, body = request(self.port, "GET", "/api/v1/payments", key=self.acme,
                                  source="127.0.0.42")
        self.assertEqual(status, 200, body)

    # --- SIGHUP -----------------------------------------------------------------------------

    def test_sighup_changes_a_limit(self):
        status, _, session = self.create_session(self.umbrella, source="127.0.0.51")
        self.assertEqual(status, 201, session)
        path = f"/api/v1/checkout/sessions/{session['id']}"
        self.assertEqual(request(self.port, "GET", path, key=self.umbrella)[0], 200)
        self.assert_rate_limited(request(self.port, "GET", path, key=self.umbrella), 1, 60)
        self.payd.write_config(text=config_text(self.port, self.db.url, limits=RELOADED))
        try:
            self.payd.signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while b"rate limits reloaded" not in self.payd.stdout_bytes() + \
                    self.payd.stderr_bytes():
                self.assertLess(time.monotonic(), deadline, "no reload logged")
                time.sleep(0.05)
            # The exhausted bucket kept its (empty) state but now refills at 20 a second.
            time.sleep(0.2)
            status, _, body = request(self.port, "GET", path, key=self.umbrella)
            self.assertEqual(status, 200, body)
        finally:
            self.payd.write_config(text=config_text(self.port, self.db.url))


class LoadSheddingTest(unittest.TestCase):
    """server.max_in_flight: 2, and payment creation stalled 3 s after the provider call (a
    test build's PAYD_FAULT), so two requests fill the daemon."""

    STALL_SECONDS = 3

    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-shed-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme",))
        cls.key = paydb.create_key(cls.cfg, "acme", "test")
        env = paydtest.clean_env({"PAYD_FAULT": f"after_provider_call:{cls.STALL_SECONDS}"})
        cls.payd = paydtest.start_payd(
            cls.work, env=env,
            config_text=lambda port: config_text(port, cls.db.url, server="max_in_flight: 2"))
        cls.port = cls.payd.port

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_sheds_with_503_and_retry_after(self):
        results = []

        def slow_payment(i):
            results.append(request(self.port, "POST", "/api/v1/payments", key=self.key,
                                   body={"amount": 1000 + i, "currency": "USD",
                                         "payment_method": CARD_OK}, timeout=30))

        slow = [threading.Thread(target=slow_payment, args=(i,)) for i in range(2)]
        for t in slow:
            t.start()
        time.sleep(1.0)  # both are now stalled inside their handlers
        started = time.monotonic()
        shed = [request(self.port, "GET", "/api/v1/payments", key=self.key) for _ in range(5)]
        elapsed = time.monotonic() - started
        for status, headers, body in shed:
            self.assertEqual(status, 503, body)
            self.assertEqual(headers["Retry-After"], "1")
            self.assertEqual(body["error"]["code"], "SERVICE_UNAVAILABLE")
        self.assertLess(elapsed, self.STALL_SECONDS - 1, "shed requests must not queue")
        # Health and metrics stay reachable while the daemon is full.
        self.assertEqual(paydtest.http_get(self.port, "/healthz")[0], 200)
        status, _, text = paydtest.http_get(self.port, "/metrics")
        self.assertEqual(status, 200)
        shed_total = paydtest.metric_value(paydtest.parse_prometheus(text.decode()),
                                           "payd_requests_shed_total")
        self.assertGreaterEqual(shed_total or 0, 5)
        for t in slow:
            t.join(timeout=30)
        self.assertEqual(sorted(r[0] for r in results), [201, 201], results)
        # Capacity is back once they finish.
        self.assertEqual(request(self.port, "GET", "/api/v1/payments", key=self.key)[0], 200)


class RateLimitConfigTest(unittest.TestCase):
    def check(self, text: str) -> subprocess.CompletedProcess:
        d = tempfile.mkdtemp(prefix="payd-ratelimit-cfg-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "payd.yaml")
        with open(path, "w") as f:
            f.write(text)
        return subprocess.run([paydtest.payd_bin(), "--check-config", "--config", path],
                              capture_output=True, text=True, timeout=30)

    def test_typo_in_a_class_fails_with_file_line_and_suggestion(self):
        r = self.check("rate_limits:\n  classes:\n    checkout_creat: {limit: 2, per: 2s}\n")
        self.assertEqual(r.returncode, 1, r)
        out = r.stdout + r.stderr
        self.assertIn("payd.yaml:3", out)
        self.assertIn("checkout_create", out)

    def test_bad_values_fail(self):
        r = self.check("rate_limits:\n  enabled: true\n  classes:\n"
                       "    refunds: {limit: 0, per: 1m}\n"
                       "    link_info: {limit: 5, per: 10}\n"
                       "server:\n  max_in_flight: -1\n")
        self.assertEqual(r.returncode, 1, r)
        out = r.stdout + r.stderr
        for line in ("payd.yaml:4", "payd.yaml:5", "payd.yaml:7"):
            self.assertIn(line, out)

    def test_valid_section_passes(self):
        r = self.check("rate_limits:\n  enabled: false\n  max_buckets: 1000\n  classes:\n"
                       "    general: {limit: 50, per: 1s, burst: 100}\n"
                       "server:\n  max_in_flight: 0\n")
        self.assertEqual(r.returncode, 0, r)


if __name__ == "__main__":
    unittest.main()
