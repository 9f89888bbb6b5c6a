"""Two payd processes on one PostgreSQL database, as a platform team runs them behind a
load balancer: idempotency holds across them (100 identical POSTs spread over both make
one payment and one provider call), and their reconcilers share the job table without
doing any job twice (FOR UPDATE SKIP LOCKED plus leases)."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import unittest
import uuid

import paydb
import paydtest

CARD_OK = "4242424242424242"
CARD_UNKNOWN = "4000000000000259"


class TwoDaemonsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-two-")
        cls.db, cfg = paydb.migrated_database(cls.work)
        cls.key = paydb.create_key(cfg, "acme", "test")

        def config_text(port: int) -> str:
            return paydb.daemon_config(port, cls.db.url, log_level="warn", pool_size=8,
                                       payments="in_flight_timeout: 5s, reconcile_interval: 50ms")

        cls.daemons = []
        for i in range(2):
            d = os.path.join(cls.work, f"payd{i}")
            os.mkdir(d)
            cls.daemons.append(paydtest.start_payd(d, config_text=config_text))

    @classmethod
    def tearDownClass(cls):
        for p in cls.daemons:
            p.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def call(self, p, method, path, body=None, headers=None):
        h = {"Authorization": f"Bearer {self.key}"}
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        status, hdrs, out = paydtest.http_get(p.port, path, headers=h, method=method, body=data)
        return status, hdrs, (json.loads(out) if out else None)

    def provider_calls(self, operation: str) -> int:
        total = 0
        for p in self.daemons:
            _, _, text = paydtest.http_get(p.port, "/metrics")
            v = paydtest.metric_value(paydtest.parse_prometheus(text.decode()),
                                      "payd_provider_requests_total", operation=operation)
            total += int(v or 0)
        return total

    def test_one_idempotency_key_over_two_daemons_makes_one_payment(self):
        key = uuid.uuid4().hex
        reference = "two-" + key
        body = {"amount": 7700, "currency": "USD", "payment_method": CARD_OK,
                "reference": reference}
        before = self.provider_calls("authorize")
        results = []
        lock = threading.Lock()
        start = threading.Barrier(20)

        def worker(n):
            start.wait()
            for i in range(5):
                p = self.daemons[(n + i) % 2]
                r = self.call(p, "POST", "/api/v1/payments", body, {"Idempotency-Key": key})
                with lock:
                    results.append((r[0], r[1].get("Idempotent-Replayed"), r[2]))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(len(results), 100)
        created = [r for r in results if r[0] == 201]
        conflicts = [r for r in results if r[0] == 409]
        self.assertEqual(len(created) + len(conflicts), 100,
                         sorted({(r[0], json.dumps(r[2])[:120]) for r in results}))
        for r in conflicts:
            self.assertEqual(r[2]["error"]["code"], "IDEMPOTENCY_REQUEST_IN_PROGRESS")
        self.assertGreaterEqual(len(created), 1)
        self.assertEqual(len({r[2]["id"] for r in created}), 1, "every 201 is the same payment")
        self.assertEqual(sum(1 for r in created if r[1] != "true"), 1,
                         "exactly one response is original; the rest are replays")
        self.assertEqual(self.db.sql(f"SELECT count(*) FROM payments WHERE reference = '{reference}'"),
                         "1")
        self.assertEqual(self.provider_calls("authorize") - before, 1)

    def test_reconcilers_share_jobs_and_sync_each_payment_once(self):
        ids = []
        for i in range(20):
            p = self.daemons[i % 2]
            status, _, body = self.call(p, "POST", "/api/v1/payments",
                                        {"amount": 100 + i, "currency": "USD",
                                         "payment_method": CARD_UNKNOWN})
            self.assertEqual((status, body["status"]), (201, "processing"), body)
            ids.append(body["id"])
        quoted = ",".join(f"'{i}'" for i in ids)
        # Bring every job forward so both reconcilers race for all twenty at once.
        self.db.sql(f"UPDATE scheduled_jobs SET run_at = now() WHERE object_id IN ({quoted})")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            left = self.db.sql(f"SELECT count(*) FROM payments WHERE id IN ({quoted}) "
                               "AND status <> 'succeeded'")
            if left == "0":
                break
            time.sleep(0.1)
        self.assertEqual(left, "0", "every uncertain payment was reconciled")
        syncs = self.db.sql(f"SELECT payment_id, count(*) FROM payment_attempts WHERE "
                            f"payment_id IN ({quoted}) AND operation = 'sync' GROUP BY payment_id")
        counts = [int(line.split("|")[1]) for line in syncs.splitlines()]
        self.assertEqual(len(counts), 20)
        self.assertEqual(set(counts), {1}, "no payment was synced twice")
        self.assertEqual(self.db.sql(f"SELECT count(*) FROM scheduled_jobs WHERE object_id IN ({quoted})"),
                         "0")
        # Each job settled exactly once, on one daemon or the other.
        per_daemon = []
        for p in self.daemons:
            _, _, text = paydtest.http_get(p.port, "/metrics")
            v = paydtest.metric_value(paydtest.parse_prometheus(text.decode()),
                                      "payd_reconciler_jobs_total", kind="sync_payment",
                                      result="settled")
            per_daemon.append(int(v or 0))
        self.assertEqual(sum(per_daemon), 20, per_daemon)


if __name__ == "__main__":
    unittest.main()
