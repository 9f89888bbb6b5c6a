"""PostgreSQL stopped and restarted under traffic. payd gets its own private cluster
(scripts/pg.sh, unix socket only) so the test can stop it without disturbing the other
suites. While the database is down every request is answered 503 with Retry-After and
/readyz says not ready; when it is back the pool reconnects by itself, and nothing that
was answered 201 is lost: every such payment is in the database and none is left
`processing` once the reconciler has run."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

import paydb
import paydtest

CARD_OK = "4242424242424242"


def pg(*args: str) -> str:
    script = os.path.join(paydtest.source_dir() or "", "scripts", "pg.sh")
    r = subprocess.run([script, *args], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"pg.sh {' '.join(args)} failed: {r.stdout}{r.stderr}")
    return r.stdout.strip()


class PostgresRestartTest(unittest.TestCase):
    def setUp(self):
        paydb.plugin_dir()
        if not paydtest.source_dir():
            raise AssertionError("PAYD_SOURCE_DIR must point at the source tree")
        # Under /tmp: the cluster's user must be able to reach it.
        self.pg_dir = tempfile.mkdtemp(prefix="payd-pgrestart-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.pg_dir, True)
        self.url = pg("start", "--throwaway", self.pg_dir)
        self.addCleanup(lambda: subprocess.run(
            [os.path.join(paydtest.source_dir(), "scripts", "pg.sh"), "stop", self.pg_dir],
            capture_output=True, timeout=60))
        self.work = tempfile.mkdtemp(prefix="payd-pgrestart-work-")
        self.addCleanup(shutil.rmtree, self.work, True)
        cfg = os.path.join(self.work, "admin.yaml")
        paydb.write_config(cfg, self.url)
        paydb.payd_cli(["migrate"], cfg)
        paydb.create_tenant(cfg, "acme")
        self.key = paydb.create_key(cfg, "acme", "test")

        def config_text(port: int) -> str:
            # connect_timeout 1s: reconnection attempts while the database is down are short.
            return paydb.daemon_config(
                port, self.url, log_level="warn", connect_timeout="1s",
                payments="in_flight_timeout: 2s, reconcile_interval: 100ms")

        self.payd = paydtest.start_payd(self.work, config_text=config_text)
        self.addCleanup(self.payd.stop)

    def post_payment(self):
        body = json.dumps({"amount": 1234, "currency": "USD", "payment_method": CARD_OK}).encode()
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json",
                   "Idempotency-Key": uuid.uuid4().hex}
        status, hdrs, out = paydtest.http_get(self.payd.port, "/api/v1/payments", headers=headers,
                                              method="POST", body=body, timeout=30)
        return status, hdrs.get("Retry-After"), json.loads(out) if out else None

    def ready(self) -> int:
        return paydtest.http_get(self.payd.port, "/readyz", timeout=10)[0]

    def wait(self, what, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        self.fail(f"timed out waiting for {what}")

    def test_requests_get_503_while_down_and_succeed_again_after(self):
        results = []
        stop = threading.Event()

        def traffic():
            # Bounded: at most 2000 requests, and it stops when told.
            for _ in range(2000):
                if stop.is_set():
                    return
                results.append(self.post_payment())
                time.sleep(0.02)

        t = threading.Thread(target=traffic, daemon=True)
        t.start()
        self.wait("some payments before the outage", lambda: sum(r[0] == 201 for r in results) >= 5)
        self.assertEqual(self.ready(), 200)

        pg("stop", self.pg_dir)
        self.wait("/readyz to report the database down", lambda: self.ready() == 503)
        # While down: 503 with Retry-After, from the traffic and from a direct request.
        status, retry_after, body = self.post_payment()
        self.assertEqual(status, 503, body)
        self.assertEqual(body["error"]["code"], "SERVICE_UNAVAILABLE")
        self.assertTrue(retry_after and retry_after.isdigit(), retry_after)
        during = len(results)
        self.wait("503s under traffic", lambda: sum(r[0] == 503 for r in results[during:]) >= 3)

        pg("start", "--throwaway", self.pg_dir)
        self.wait("/readyz to report the database back", lambda: self.ready() == 200, timeout=60)
        back = len(results)
        self.wait("payments after the outage", lambda: sum(r[0] == 201 for r in results[back:]) >= 5)
        stop.set()
        t.join(30)

        statuses = {r[0] for r in results}
        self.assertLessEqual(statuses, {201, 503}, [r for r in results if r[0] not in (201, 503)][:3])
        for status, retry_after, body in results:
            if status == 503:
                self.assertTrue(retry_after and retry_after.isdigit(), body)
        created = [r[2]["id"] for r in results if r[0] == 201]
        quoted = ",".join(f"'{i}'" for i in created)
        self.assertEqual(paydb.psql(self.url, f"SELECT count(*) FROM payments WHERE id IN ({quoted})"),
                         str(len(created)), "every payment answered 201 is in the database")
        # A payment whose outcome could not be committed during the outage is reconciled.
        self.wait("no payment left processing", lambda: paydb.psql(
            self.url, "SELECT count(*) FROM payments WHERE status = 'processing'") == "0")
        self.assertEqual(paydb.psql(self.url, "SELECT count(*) FROM payments WHERE status <> 'succeeded'"),
                         "0")


if __name__ == "__main__":
    unittest.main()
