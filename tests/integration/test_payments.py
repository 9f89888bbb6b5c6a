"""The unified payments API end to end: the real payd over real sockets, the
sandbox connector, a real PostgreSQL database."""
from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import threading
import unittest

import paydb
import paydtest

CARD_OK = "4242424242424242"
CARD_DECLINE = "4000000000000002"
CARD_NO_FUNDS = "4000000000009995"
CARD_EXPIRED = "4000000000000069"
CARD_ACTION = "4000002760003184"
CARD_UNKNOWN = "4000000000000259"


class PaymentsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-payments-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme", "globex"))
        cls.key = paydb.create_key(cls.cfg, "acme", "test")
        cls.live_key = paydb.create_key(cls.cfg, "acme", "live")
        cls.other_key = paydb.create_key(cls.cfg, "globex", "test")
        def config_text(port: int) -> str:
            return paydb.daemon_config(
                port, cls.db.url,
                connectors=paydb.SANDBOX_TEST
                + "  - id: sandbox-live\n    plugin: sandbox\n    mode: live\n"
                "    config: {webhook_secret: whsec_live_payments}\n")

        cls.payd = paydtest.start_payd(cls.work, config_text=config_text)
        cls.port = cls.payd.port

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def call(self, method, path, body=None, key=None, headers=None, raw=None):
        h = {"Authorization": f"Bearer {key or self.key}"}
        if body is not None or raw is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        status, hdrs, out = paydtest.http_get(self.port, path, headers=h, method=method, body=data)
        try:
            parsed = json.loads(out) if out else None
        except ValueError:
            parsed = None
        return status, hdrs, parsed

    def create(self, **fields):
        body = {"amount": 1000, "currency": "USD", "payment_method": CARD_OK}
        body.update(fields)
        return self.call("POST", "/api/v1/payments", body)

    def count_payments(self) -> int:
        return int(self.db.sql("SELECT count(*) FROM payments"))

    def assert_error(self, result, status, code, param=None):
        s, _, body = result
        self.assertEqual(s, status, body)
        self.assertEqual(body["error"]["code"], code, body)
        if param is not None:
            self.assertEqual(body["error"]["param"], param, body)

    # --- flows -----------------------------------------------------------------------------

    def test_automatic_capture_succeeds(self):
        s, _, p = self.create(reference="order-1", metadata={"order": "1"})
        self.assertEqual(s, 201, p)
        self.assertEqual(p["status"], "succeeded")
        self.assertEqual(p["amount_received"], 1000)
        self.assertEqual(p["payment_method"], {"type": "card", "last4": "4242"})
        self.assertEqual(p["attempts"][0]["outcome"], "processed")
        self.assertEqual(p["attempts"][0]["routing"]["chosen"], "sandbox")
        s, _, again = self.call("GET", f"/api/v1/payments/{p['id']}")
        self.assertEqual(s, 200)
        self.assertEqual(again["status"], "succeeded")
        self.assertEqual(again["metadata"], {"order": "1"})
        # The 201 shows the attempt exactly as stored: real start and finish times.
        self.assertEqual(p["attempts"], again["attempts"])
        self.assertTrue(p["attempts"][0]["started_at"].startswith("20"), p["attempts"][0])
        self.assertLessEqual(p["attempts"][0]["started_at"], p["attempts"][0]["finished_at"])
        # The card number is never stored.
        self.assertEqual(self.db.sql(f"SELECT count(*) FROM payments WHERE payment_method::text LIKE '%{CARD_OK}%'"), "0")
        events = self.db.sql(f"SELECT string_agg(type, ',' ORDER BY created_at) FROM events WHERE object_id = '{p['id']}'")
        self.assertEqual(events, "payment.created,payment.succeeded")

    def test_manual_then_partial_capture_once(self):
        s, _, p = self.create(capture_method="manual")
        self.assertEqual((s, p["status"], p["amount_capturable"]), (201, "requires_capture", 1000))
        self.assert_error(self.call("POST", f"/api/v1/payments/{p['id']}/capture", {"amount": 1001}),
                          400, "AMOUNT_TOO_LARGE", "amount")
        s, _, c = self.call("POST", f"/api/v1/payments/{p['id']}/capture", {"amount": 600})
        self.assertEqual(s, 200, c)
        self.assertEqual((c["status"], c["amount_received"], c["amount_capturable"]), ("succeeded", 600, 0))
        s, _, again = self.call("POST", f"/api/v1/payments/{p['id']}/capture", {"amount": 100})
        self.assertEqual(s, 409, again)
        self.assertIn("succeeded", again["error"]["message"])

    def test_cancel_before_completion_only(self):
        _, _, p = self.create(capture_method="manual")
        s, _, c = self.call("POST", f"/api/v1/payments/{p['id']}/cancel", {})
        self.assertEqual((s, c["status"], c["amount_capturable"]), (200, "canceled", 0))
        self.assert_error(self.call("POST", f"/api/v1/payments/{p['id']}/cancel", {}),
                          409, "PAYMENT_INVALID_STATE")
        _, _, done = self.create()
        self.assert_error(self.call("POST", f"/api/v1/payments/{done['id']}/cancel", {}),
                          409, "PAYMENT_INVALID_STATE")

    def test_partial_refunds_up_to_the_total(self):
        _, _, p = self.create()
        for amount in (300, 300, 400):
            s, _, r = self.call("POST", "/api/v1/refunds", {"payment_id": p["id"], "amount": amount})
            self.assertEqual((s, r["status"], r["amount"]), (201, "succeeded", amount), r)
        self.assert_error(self.call("POST", "/api/v1/refunds", {"payment_id": p["id"], "amount": 1}),
                          400, "AMOUNT_TOO_LARGE", "amount")
        _, _, after = self.call("GET", f"/api/v1/payments/{p['id']}")
        self.assertEqual(after["amount_refunded"], 1000)
        s, _, listed = self.call("GET", f"/api/v1/refunds?payment_id={p['id']}")
        self.assertEqual((s, len(listed["data"])), (200, 3))

    def test_concurrent_refunds_never_exceed_captured(self):
        _, _, p = self.create(amount=1000)
        results = []
        lock = threading.Lock()

        def refund():
            r = self.call("POST", "/api/v1/refunds", {"payment_id": p["id"], "amount": 100})
            with lock:
                results.append(r)

        threads = [threading.Thread(target=refund) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        ok = [r for r in results if r[0] == 201 and r[2]["status"] == "succeeded"]
        refused = [r for r in results if r[0] == 400 and r[2]["error"]["code"] == "AMOUNT_TOO_LARGE"]
        self.assertEqual(len(results), 20)
        self.assertEqual(len(ok), 10, [r[2] for r in results])
        self.assertEqual(len(refused), 10)
        total = self.db.sql(f"SELECT coalesce(sum(amount), 0) FROM refunds WHERE payment_id = '{p['id']}' AND status = 'succeeded'")
        self.assertEqual(total, "1000")
        self.assertEqual(self.db.sql(f"SELECT amount_refunded FROM payments WHERE id = '{p['id']}'"), "1000")

    def test_declines_carry_decline_codes(self):
        for card, decline in ((CARD_DECLINE, "generic_decline"), (CARD_NO_FUNDS, "insufficient_funds"),
                              (CARD_EXPIRED, "expired_card")):
            s, _, p = self.create(payment_method=card)
            self.assertEqual((s, p["status"]), (201, "failed"), p)
            self.assertEqual(p["last_error"]["decline_code"], decline)
            self.assertEqual(p["attempts"][0]["outcome"], "declined")

    def test_customer_action_gives_a_redirect(self):
        s, _, p = self.create(payment_method=CARD_ACTION, return_url="https://shop.example/back")
        self.assertEqual((s, p["status"]), (201, "requires_action"), p)
        self.assertEqual(p["next_action"]["type"], "redirect")
        self.assertTrue(p["next_action"]["redirect_url"].startswith("https://"))
        self.assertIsNotNone(p["expires_at"])
        self.assertEqual(self.db.sql(f"SELECT kind FROM scheduled_jobs WHERE object_id = '{p['id']}'"),
                         "expire_payment")

    def test_unknown_outcome_stays_processing_with_a_sync_job(self):
        s, _, p = self.create(payment_method=CARD_UNKNOWN)
        self.assertEqual((s, p["status"]), (201, "processing"), p)
        self.assertEqual(p["attempts"][0]["outcome"], "unknown")
        self.assertEqual(self.db.sql(f"SELECT kind FROM scheduled_jobs WHERE object_id = '{p['id']}'"),
                         "sync_payment")
        # A follow-up on an uncertain payment asks the provider first: the charge went
        # through, so the payment is succeeded and cannot be canceled.
        self.assert_error(self.call("POST", f"/api/v1/payments/{p['id']}/cancel", {}),
                          409, "PAYMENT_INVALID_STATE")
        s, _, after = self.call("GET", f"/api/v1/payments/{p['id']}")
        self.assertEqual(after["status"], "succeeded", after)
        self.assertEqual([a["operation"] for a in after["attempts"]], ["authorize", "sync"])

    # --- tenancy ---------------------------------------------------------------------------

    def test_other_tenant_and_other_mode_get_404(self):
        _, _, p = self.create()
        for key in (self.other_key, self.live_key):
            self.assert_error(self.call("GET", f"/api/v1/payments/{p['id']}", key=key),
                              404, "RESOURCE_NOT_FOUND")
            self.assert_error(self.call("POST", f"/api/v1/payments/{p['id']}/capture", {}, key=key),
                              404, "RESOURCE_NOT_FOUND")
            self.assert_error(self.call("POST", "/api/v1/refunds", {"payment_id": p["id"]}, key=key),
                              404, "RESOURCE_NOT_FOUND", "payment_id")
            s, _, listed = self.call("GET", "/api/v1/payments?limit=100", key=key)
            self.assertNotIn(p["id"], [x["id"] for x in listed["data"]])

    def test_live_key_routes_only_to_live_connectors(self):
        s, _, p = self.call("POST", "/api/v1/payments",
                            {"amount": 500, "currency": "EUR", "payment_method": CARD_OK},
                            key=self.live_key)
        self.assertEqual((s, p["connector"], p["livemode"]), (201, "sandbox-live", True), p)
        self.assert_error(self.call("POST", "/api/v1/payments",
                                    {"amount": 500, "currency": "EUR", "connector": "sandbox"},
                                    key=self.live_key), 400, "CONNECTOR_UNKNOWN", "connector")

    def test_x_tenant_must_match(self):
        self.assert_error(self.call("GET", "/api/v1/payments", headers={"X-Tenant": "globex"}),
                          403, "TENANT_MISMATCH")
        s, _, _ = self.call("GET", "/api/v1/payments", headers={"X-Tenant": "acme"})
        self.assertEqual(s, 200)

    def test_no_key_is_401(self):
        status, hdrs, body = paydtest.http_get(self.port, "/api/v1/payments")
        self.assertEqual(status, 401)
        self.assertIn("Bearer", hdrs.get("WWW-Authenticate", ""))

    # --- idempotency -----------------------------------------------------------------------

    def test_idempotent_replay_and_reuse(self):
        body = {"amount": 777, "currency": "USD", "payment_method": CARD_OK, "reference": "idem-1"}
        h = {"Idempotency-Key": "idem-key-1"}
        s1, h1, p1 = self.call("POST", "/api/v1/payments", body, headers=h)
        s2, h2, p2 = self.call("POST", "/api/v1/payments", body, headers=h)
        self.assertEqual((s1, s2), (201, 201))
        self.assertEqual(p1["id"], p2["id"])
        self.assertIsNone(h1.get("Idempotent-Replayed"))
        self.assertEqual(h2.get("Idempotent-Replayed"), "true")
        self.assert_error(self.call("POST", "/api/v1/payments", dict(body, amount=778), headers=h),
                          400, "IDEMPOTENCY_KEY_REUSED")
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments WHERE reference = 'idem-1'"), "1")

    def test_parallel_identical_posts_make_one_provider_call(self):
        body = {"amount": 4242, "currency": "USD", "payment_method": CARD_OK, "reference": "idem-par"}
        results = []
        lock = threading.Lock()

        def post():
            r = self.call("POST", "/api/v1/payments", body, headers={"Idempotency-Key": "par-1"})
            with lock:
                results.append(r)

        threads = [threading.Thread(target=post) for _ in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(len(results), 100)
        statuses = sorted({r[0] for r in results})
        self.assertTrue(set(statuses) <= {201, 409}, statuses)
        ids = {r[2]["id"] for r in results if r[0] == 201}
        self.assertEqual(len(ids), 1, ids)
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments WHERE reference = 'idem-par'"), "1")
        self.assertEqual(self.db.sql(
            "SELECT count(*) FROM payment_attempts a JOIN payments p ON p.id = a.payment_id "
            "WHERE p.reference = 'idem-par'"), "1")

    # --- bad input -------------------------------------------------------------------------

    def test_bad_input_is_a_4xx_naming_the_field_and_changes_nothing(self):
        before = self.count_payments()
        cases = [
            (dict(amount="10"), 400, "PARAMETER_INVALID", "amount"),
            (dict(amount=10.5), 400, "PARAMETER_INVALID", "amount"),
            (dict(amount=-5), 400, "INVALID_AMOUNT", "amount"),
            (dict(amount=0), 400, "INVALID_AMOUNT", "amount"),
            (dict(amount=10**17), 400, "INVALID_AMOUNT", "amount"),
            (dict(currency="XYZ"), 400, "INVALID_CURRENCY", "currency"),
            (dict(currency=5), 400, "PARAMETER_INVALID", "currency"),
            (dict(bogus=1), 400, "PARAMETER_UNKNOWN", "bogus"),
            (dict(capture_method="later"), 400, "PARAMETER_INVALID", "capture_method"),
            (dict(payment_method_types=[]), 400, "PARAMETER_INVALID", "payment_method_types"),
            (dict(payment_method_types=["card", 7]), 400, "PARAMETER_INVALID", "payment_method_types[1]"),
            (dict(metadata={"k": "x" * 501}), 400, "PARAMETER_INVALID", "metadata[k]"),
            (dict(metadata={f"k{i}": "v" for i in range(51)}), 400, None, "metadata"),
            (dict(metadata={"k": 1}), 400, None, None),
            (dict(connector="nope"), 400, "CONNECTOR_UNKNOWN", "connector"),
            (dict(return_url="javascript:alert(1)"), 400, None, "return_url"),
            (dict(customer={"email": "not-an-email"}), 400, None, "customer.email"),
            (dict(line_items=[{"name": "x"}]), 400, "PARAMETER_MISSING", "line_items[0].unit_amount"),
        ]
        for fields, status, code, param in cases:
            with self.subTest(fields=fields):
                s, _, body = self.create(**fields)
                self.assertEqual(s, status, body)
                if code:
                    self.assertEqual(body["error"]["code"], code, body)
                if param:
                    self.assertEqual(body["error"]["param"], param, body)
        s, _, body = self.call("POST", "/api/v1/payments", raw=b'{"amount": 10,')
        self.assertEqual(s, 400, body)
        s, _, body = self.call("POST", "/api/v1/payments", {"currency": "USD"})
        self.assertEqual((s, body["error"]["code"], body["error"]["param"]), (400, "PARAMETER_MISSING", "amount"))
        self.assertEqual(self.count_payments(), before)

    def test_bad_ids_cursors_and_refunds(self):
        self.assert_error(self.call("GET", "/api/v1/payments/pay_doesnotexist00000000000"), 404, "RESOURCE_NOT_FOUND")
        self.assert_error(self.call("GET", "/api/v1/payments/../../etc"), 404, "RESOURCE_NOT_FOUND")
        s, _, body = self.call("GET", "/api/v1/payments?cursor=garbage")
        self.assertEqual((s, body["error"]["param"]), (400, "cursor"))
        s, _, body = self.call("GET", "/api/v1/payments?limit=1000")
        self.assertEqual((s, body["error"]["param"]), (400, "limit"))
        s, _, body = self.call("GET", "/api/v1/payments?colour=red")
        self.assertEqual((s, body["error"]["code"]), (400, "PARAMETER_UNKNOWN"))
        _, _, p = self.create(amount=500)
        self.assert_error(self.call("POST", "/api/v1/refunds", {"payment_id": p["id"], "amount": 501}),
                          400, "AMOUNT_TOO_LARGE", "amount")
        self.assert_error(self.call("POST", "/api/v1/refunds", {"payment_id": p["id"], "amount": -1}),
                          400, "INVALID_AMOUNT", "amount")
        _, _, failed = self.create(payment_method=CARD_DECLINE)
        self.assert_error(self.call("POST", "/api/v1/refunds", {"payment_id": failed["id"]}),
                          409, "PAYMENT_INVALID_STATE")
        self.assertEqual(self.db.sql(f"SELECT count(*) FROM refunds WHERE payment_id IN ('{p['id']}', '{failed['id']}')"), "0")

    def test_pagination_is_stable_and_complete(self):
        made = set()
        noise_ids = set()
        for i in range(25):
            _, _, p = self.create(amount=100 + i, reference="page-test")
            made.add(p["id"])
        seen = []
        cursor = None
        while True:
            q = "/api/v1/payments?limit=10&reference=page-test" + (f"&cursor={cursor}" if cursor else "")
            s, _, page = self.call("GET", q)
            self.assertEqual(s, 200, page)
            seen += [x["id"] for x in page["data"]]
            # Inserts matching the same filter while paging (newer than every cursor)
            # never shift the pages: nothing existing is duplicated or skipped.
            _, _, noise = self.create(amount=1, reference="page-test")
            noise_ids.add(noise["id"])
            if not page["has_more"]:
                self.assertIsNone(page["next_cursor"])
                break
            cursor = page["next_cursor"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(seen), made)
        self.assertFalse(noise_ids & set(seen))
        # A new walk sees everything, newest first.
        s, _, first = self.call("GET", "/api/v1/payments?limit=100&reference=page-test")
        self.assertEqual({x["id"] for x in first["data"]}, made | noise_ids)


if __name__ == "__main__":
    unittest.main()
