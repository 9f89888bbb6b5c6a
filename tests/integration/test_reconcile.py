"""Reconciliation end to end: the real payd (a test build, whose PAYD_FAULT can stall it
at a named point), the sandbox connector and a real PostgreSQL database.

The crash tests stall payd right after the provider answered and before the commit that
records the answer, SIGKILL it there, start a new payd on the same database and show
that the payment ends in the provider's true state, with exactly one provider charge
(counted by payd_provider_requests_total across both processes)."""
from __future__ import annotations

import json
import shutil
import signal
import tempfile
import threading
import time
import unittest
import uuid

import paydb
import paydtest

CARD_OK = "4242424242424242"
CARD_UNKNOWN = "4000000000000259"  # the sandbox loses the answer: outcome unknown
CARD_ACTION = "4000002760003184"   # the customer must act (redirect)
STALL = "after_provider_call:120"


class ReconcileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-reconcile-")
        cls.db, cfg = paydb.migrated_database(cls.work)
        cls.key = paydb.create_key(cfg, "acme", "test")

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def start(self, fault: str | None = None) -> paydtest.PaydProcess:
        def config_text(port: int) -> str:
            # A call unanswered for 2 s counts as lost; jobs are looked for often.
            return paydb.daemon_config(
                port, self.db.url, payments="in_flight_timeout: 2s, reconcile_interval: 100ms")

        env = paydtest.clean_env({"PAYD_FAULT": fault} if fault else None,
                                 remove=() if fault else ("PAYD_FAULT",))
        workdir = tempfile.mkdtemp(prefix="payd-reconcile-run-", dir=self.work)
        p = paydtest.start_payd(workdir, config_text=config_text, env=env)
        self.addCleanup(p.stop)
        return p

    def call(self, p, method, path, body=None, headers=None, timeout=30.0):
        h = {"Authorization": f"Bearer {self.key}"}
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        status, hdrs, out = paydtest.http_get(p.port, path, headers=h, method=method, body=data,
                                              timeout=timeout)
        return status, hdrs, (json.loads(out) if out else None)

    def provider_calls(self, p, operation: str) -> int:
        status, _, text = paydtest.http_get(p.port, "/metrics")
        self.assertEqual(status, 200)
        samples = paydtest.parse_prometheus(text.decode())
        v = paydtest.metric_value(samples, "payd_provider_requests_total", connector="sandbox",
                                  operation=operation)
        return int(v or 0)

    def wait_for(self, what: str, predicate, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = predicate()
            if last:
                return last
            time.sleep(0.1)
        self.fail(f"timed out waiting for {what} (last: {last!r})")

    def payment(self, p, pid):
        status, _, body = self.call(p, "GET", f"/api/v1/payments/{pid}")
        self.assertEqual(status, 200, body)
        return body

    def wait_status(self, p, pid, status, timeout=20.0):
        return self.wait_for(f"payment {pid} to become {status}",
                             lambda: (lambda b: b if b["status"] == status else None)(
                                 self.payment(p, pid)), timeout)

    def kill(self, p):
        p.signal(signal.SIGKILL)
        self.assertIsNotNone(p.wait_exit(10), "payd did not die on SIGKILL")

    def fire_and_forget(self, p, path, body, key):
        """Sends a POST whose answer never comes (payd is killed during it)."""
        def run():
            try:
                self.call(p, "POST", path, body, {"Idempotency-Key": key}, timeout=60)
            except Exception:  # noqa: BLE001 - the connection dies with payd
                pass
        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t

    # --- tests -----------------------------------------------------------------------------

    def test_sigkill_between_charge_and_commit_ends_succeeded_with_one_charge(self):
        p1 = self.start(fault=STALL)
        reference = "crash-" + uuid.uuid4().hex
        key = uuid.uuid4().hex
        t = self.fire_and_forget(p1, "/api/v1/payments",
                                 {"amount": 4200, "currency": "EUR", "payment_method": CARD_OK,
                                  "reference": reference}, key)
        # The sandbox charged the card (the executor counted it); payd now stalls before
        # the commit that would record the answer.
        self.wait_for("the authorize call", lambda: self.provider_calls(p1, "authorize") == 1)
        self.wait_for("the stall", lambda: p1.find_logs(msg="fault point: stalling (test build, PAYD_FAULT)"))
        row = self.db.sql(f"SELECT id, status FROM payments WHERE reference = '{reference}'")
        pid, status = row.split("|")
        self.assertEqual(status, "processing", "the intent is committed before the call")
        self.kill(p1)
        t.join(5)

        p2 = self.start()
        body = self.wait_status(p2, pid, "succeeded")
        self.assertEqual(body["amount_received"], 4200)
        ops = [(a["operation"], a["outcome"]) for a in body["attempts"]]
        self.assertEqual(ops, [("authorize", "unknown"), ("sync", "processed")], body["attempts"])
        self.assertEqual(body["attempts"][0]["error"]["code"], "outcome_lost")
        # Exactly one charge: one authorize in the killed process, none after it.
        self.assertEqual(self.provider_calls(p2, "authorize"), 0)
        self.assertGreaterEqual(self.provider_calls(p2, "sync"), 1)
        self.assertEqual(self.db.sql(f"SELECT count(*) FROM payments WHERE reference = '{reference}'"), "1")
        events = self.db.sql(f"SELECT type FROM events WHERE object_id = '{pid}' ORDER BY created_at")
        self.assertEqual(events.split("\n"), ["payment.created", "payment.succeeded"])
        self.assertEqual(self.db.sql(f"SELECT count(*) FROM scheduled_jobs WHERE object_id = '{pid}'"), "0")
        # The retried request learns where the payment is instead of charging again.
        status, _, err = self.call(p2, "POST", "/api/v1/payments",
                                   {"amount": 4200, "currency": "EUR", "payment_method": CARD_OK,
                                    "reference": reference}, {"Idempotency-Key": key})
        self.assertEqual(status, 409, err)
        self.assertIn(err["error"]["code"], ("IDEMPOTENCY_REQUEST_IN_PROGRESS",
                                             "IDEMPOTENCY_REQUEST_INCOMPLETE"))
        self.assertEqual(self.provider_calls(p2, "authorize"), 0)

    def test_sigkill_during_refund_settles_the_refund_once(self):
        p1 = self.start()
        status, _, pay = self.call(p1, "POST", "/api/v1/payments",
                                   {"amount": 3000, "currency": "USD", "payment_method": CARD_OK})
        self.assertEqual(status, 201, pay)
        p1.stop()

        p2 = self.start(fault=STALL)
        self.fire_and_forget(p2, "/api/v1/refunds", {"payment_id": pay["id"], "amount": 1000},
                             uuid.uuid4().hex)
        self.wait_for("the refund call", lambda: self.provider_calls(p2, "refund") == 1)
        rid = self.wait_for("the refund row", lambda: self.db.sql(
            f"SELECT id FROM refunds WHERE payment_id = '{pay['id']}'"))
        self.assertEqual(self.db.sql(f"SELECT status FROM refunds WHERE id = '{rid}'"), "pending")
        self.kill(p2)

        p3 = self.start()
        refund = self.wait_for("the refund to settle", lambda: (lambda r: r if r[2]["status"] != "pending" else None)(
            self.call(p3, "GET", f"/api/v1/refunds/{rid}")))[2]
        self.assertEqual(refund["status"], "succeeded")
        self.assertEqual(self.payment(p3, pay["id"])["amount_refunded"], 1000)
        self.assertEqual(self.provider_calls(p3, "refund"), 0)
        self.assertGreaterEqual(self.provider_calls(p3, "sync_refund"), 1)

    def test_unknown_outcome_is_synced_by_the_reconciler(self):
        p = self.start()
        status, _, body = self.call(p, "POST", "/api/v1/payments",
                                    {"amount": 1500, "currency": "USD",
                                     "payment_method": CARD_UNKNOWN})
        self.assertIn(status, (201, 202), body)
        self.assertEqual(body["status"], "processing")
        done = self.wait_status(p, body["id"], "succeeded")
        self.assertEqual([a["operation"] for a in done["attempts"]], ["authorize", "sync"])
        self.assertEqual(done["attempts"][0]["outcome"], "unknown")
        self.wait_for("the job to be deleted", lambda: self.db.sql(
            f"SELECT count(*) FROM scheduled_jobs WHERE object_id = '{body['id']}'") == "0")

    def test_a_capture_on_an_uncertain_payment_syncs_first(self):
        p = self.start()
        status, _, body = self.call(p, "POST", "/api/v1/payments",
                                    {"amount": 2500, "currency": "USD", "capture_method": "manual",
                                     "payment_method": CARD_UNKNOWN})
        self.assertEqual(body["status"], "processing", body)
        status, _, captured = self.call(p, "POST", f"/api/v1/payments/{body['id']}/capture", {})
        self.assertEqual(status, 200, captured)
        self.assertEqual(captured["status"], "succeeded")
        self.assertEqual(captured["amount_received"], 2500)
        ops = [a["operation"] for a in captured["attempts"]]
        self.assertIn("sync", ops)
        self.assertLess(ops.index("sync"), ops.index("capture"), ops)

    def test_an_expired_customer_action_is_canceled_then_expired(self):
        p = self.start()
        status, _, body = self.call(p, "POST", "/api/v1/payments",
                                    {"amount": 900, "currency": "USD", "payment_method": CARD_ACTION})
        self.assertEqual(body["status"], "requires_action", body)
        pid = body["id"]
        self.assertEqual(self.db.sql(
            f"SELECT count(*) FROM scheduled_jobs WHERE kind = 'expire_payment' AND object_id = '{pid}'"), "1")
        # Time passes: the payment's expiry and its job's run time move into the past.
        self.db.sql(f"UPDATE payments SET expires_at = now() - interval '1 second' WHERE id = '{pid}'")
        self.db.sql(f"UPDATE scheduled_jobs SET run_at = now() WHERE object_id = '{pid}'")
        done = self.wait_status(p, pid, "expired")
        self.assertIsNone(done["next_action"])
        self.assertEqual([a["operation"] for a in done["attempts"]], ["authorize", "cancel"])
        events = self.db.sql(f"SELECT type FROM events WHERE object_id = '{pid}' ORDER BY created_at")
        self.assertEqual(events.split("\n")[-1], "payment.expired")
        status, _, err = self.call(p, "POST", f"/api/v1/payments/{pid}/capture", {})
        self.assertEqual(status, 409, err)

    def test_a_payment_not_yet_due_is_left_alone(self):
        p = self.start()
        status, _, body = self.call(p, "POST", "/api/v1/payments",
                                    {"amount": 901, "currency": "USD", "payment_method": CARD_ACTION})
        self.assertEqual(body["status"], "requires_action", body)
        self.db.sql(f"UPDATE scheduled_jobs SET run_at = now() WHERE object_id = '{body['id']}'")
        # The job runs, sees expires_at in the future and puts itself back.
        self.wait_for("the job to be rescheduled", lambda: self.db.sql(
            f"SELECT run_at > now() + interval '30 minutes' FROM scheduled_jobs "
            f"WHERE object_id = '{body['id']}'") == "t")
        self.assertEqual(self.payment(p, body["id"])["status"], "requires_action")


if __name__ == "__main__":
    unittest.main()
