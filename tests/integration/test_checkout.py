"""Checkout sessions and payment links end to end: the real payd over real sockets, the
sandbox connector (which holds a hosted checkout's payment in requires_action with a
redirect), a real PostgreSQL database."""
from __future__ import annotations

import datetime
import json
import re
import shutil
import tempfile
import threading
import unittest

import paydb
import paydtest

ACTION_TTL_SECONDS = 900
SESSION_ID = re.compile(r"^cs_[0-9A-Za-z]{24}$")
LINK_ID = re.compile(r"^plink_[0-9A-Za-z]{24}$")
UTC_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UTC_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SESSION_FIELDS = {"id", "object", "livemode", "status", "amount", "currency", "reference",
                  "payment_method_types", "payment_id", "payment_link_id", "redirect_url",
                  "qr_image_url", "success_url", "cancel_url", "expires_at", "created_at",
                  "remaining_seconds"}
PUBLIC_LINK_FIELDS = {"slug", "amount", "currency", "reference", "payment_method_types", "status",
                      "expires_at", "is_expired", "usage_limit_reached", "can_pay"}


def rfc3339(delta_seconds: int) -> str:
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class CheckoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-checkout-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme", "globex"))
        cls.key = paydb.create_key(cls.cfg, "acme", "test")
        cls.live_key = paydb.create_key(cls.cfg, "acme", "live")
        cls.other_key = paydb.create_key(cls.cfg, "globex", "test")
        def config_text(port: int) -> str:
            return paydb.daemon_config(
                port, cls.db.url, payments=f"action_ttl: {ACTION_TTL_SECONDS}s",
                connectors="  - id: sandbox\n    plugin: sandbox\n    mode: test\n"
                "    config: {webhook_secret: whsec_test_checkout, "
                "redirect_base_url: \"https://pay.sandbox.example/checkout\"}\n"
                "  - id: sandbox-live\n    plugin: sandbox\n    mode: live\n"
                "    config: {webhook_secret: whsec_live_checkout}\n")

        cls.payd = paydtest.start_payd(cls.work, config_text=config_text)
        cls.port = cls.payd.port

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def call(self, method, path, body=None, key=None, headers=None, raw=None, public=False):
        h = {} if public else {"Authorization": f"Bearer {key or self.key}"}
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

    def session(self, key=None, headers=None, **fields):
        body = {"amount": 2500, "currency": "USD", "reference": "order-1",
                "success_url": "https://shop.example/success",
                "cancel_url": "https://shop.example/cancel"}
        body.update(fields)
        return self.call("POST", "/api/v1/checkout/sessions", body, key=key, headers=headers)

    def link(self, key=None, **fields):
        body = {"amount": 9900, "currency": "USD", "reference": "promo"}
        body.update(fields)
        return self.call("POST", "/api/v1/payment_links", body, key=key)

    def made_link(self, **fields):
        s, _, link = self.link(**fields)
        self.assertEqual(s, 201, link)
        return link

    def public(self, method, path, body=None, raw=None):
        return self.call(method, path, body, raw=raw, public=True)

    def assert_error(self, result, status, code, param=None):
        s, _, body = result
        self.assertEqual(s, status, body)
        self.assertEqual(body["error"]["code"], code, body)
        if param is not None:
            self.assertEqual(body["error"]["param"], param, body)

    def count(self, table: str) -> int:
        return int(self.db.sql(f"SELECT count(*) FROM {table}"))

    # --- checkout sessions -----------------------------------------------------------------

    def test_session_waits_for_the_customer(self):
        s, _, cs = self.session(customer={"email": "a@shop.example", "name": "Ann"},
                                description="Two mugs", metadata={"order": "1"})
        self.assertEqual(s, 201, cs)
        self.assertEqual(set(cs), SESSION_FIELDS)
        self.assertRegex(cs["id"], SESSION_ID)
        self.assertEqual((cs["object"], cs["status"], cs["livemode"]),
                         ("checkout.session", "pending", False))
        self.assertEqual((cs["amount"], cs["currency"], cs["reference"]), (2500, "USD", "order-1"))
        self.assertEqual(cs["payment_method_types"], ["card"])
        self.assertEqual(cs["redirect_url"],
                         f"https://pay.sandbox.example/checkout/{cs['payment_id']}")
        self.assertIsNone(cs["qr_image_url"])
        self.assertIsNone(cs["payment_link_id"])
        self.assertEqual(cs["success_url"], "https://shop.example/success")
        self.assertRegex(cs["expires_at"], UTC_SECONDS)
        self.assertRegex(cs["created_at"], UTC_MILLIS)
        self.assertTrue(ACTION_TTL_SECONDS - 5 <= cs["remaining_seconds"] <= ACTION_TTL_SECONDS,
                        cs["remaining_seconds"])
        # The payment behind it: hosted, waiting, with the session's URLs, expiring together.
        s, _, p = self.call("GET", f"/api/v1/payments/{cs['payment_id']}")
        self.assertEqual((s, p["status"]), (200, "requires_action"), p)
        self.assertEqual((p["return_url"], p["cancel_url"]),
                         ("https://shop.example/success", "https://shop.example/cancel"))
        self.assertEqual(p["expires_at"], cs["expires_at"])
        self.assertEqual((p["customer"]["email"], p["description"], p["metadata"]),
                         ("a@shop.example", "Two mugs", {"order": "1"}))
        events = self.db.sql(f"SELECT type FROM events WHERE object_id = '{cs['id']}'")
        self.assertEqual(events, "checkout.session.created")
        # Read back.
        s, _, again = self.call("GET", f"/api/v1/checkout/sessions/{cs['id']}")
        self.assertEqual(s, 200, again)
        self.assertEqual({k: again[k] for k in SESSION_FIELDS - {"remaining_seconds"}},
                         {k: cs[k] for k in SESSION_FIELDS - {"remaining_seconds"}})
        self.assertLessEqual(again["remaining_seconds"], cs["remaining_seconds"])

    def test_session_status_follows_its_payment(self):
        _, _, cs = self.session(capture_method="manual")
        # canceled by the merchant
        s, _, p = self.call("POST", f"/api/v1/payments/{cs['payment_id']}/cancel", {})
        self.assertEqual((s, p["status"]), (200, "canceled"), p)
        _, _, after = self.call("GET", f"/api/v1/checkout/sessions/{cs['id']}")
        self.assertEqual((after["status"], after["remaining_seconds"], after["redirect_url"]),
                         ("canceled", 0, None))
        # completed: the customer paid (the provider moved the payment on)
        _, _, cs2 = self.session()
        self.db.sql(f"UPDATE payments SET status = 'succeeded', next_action = NULL, "
                    f"amount_received = amount WHERE id = '{cs2['payment_id']}'")
        _, _, done = self.call("GET", f"/api/v1/checkout/sessions/{cs2['id']}")
        self.assertEqual((done["status"], done["remaining_seconds"]), ("completed", 0))
        # expired: the page's time ran out while the payment still waits
        _, _, cs3 = self.session()
        self.db.sql(f"UPDATE checkout_sessions SET expires_at = now() - interval '1 second' "
                    f"WHERE id = '{cs3['id']}'")
        _, _, late = self.call("GET", f"/api/v1/checkout/sessions/{cs3['id']}")
        self.assertEqual((late["status"], late["remaining_seconds"], late["redirect_url"]),
                         ("expired", 0, None))
        # expired: the payment itself expired
        _, _, cs4 = self.session()
        self.db.sql(f"UPDATE payments SET status = 'expired', next_action = NULL "
                    f"WHERE id = '{cs4['payment_id']}'")
        _, _, gone = self.call("GET", f"/api/v1/checkout/sessions/{cs4['id']}")
        self.assertEqual(gone["status"], "expired")

    def test_session_idempotent_replay(self):
        h = {"Idempotency-Key": "cs-idem-1"}
        s1, h1, a = self.session(headers=h, reference="cs-idem")
        s2, h2, b = self.session(headers=h, reference="cs-idem")
        self.assertEqual((s1, s2), (201, 201))
        self.assertEqual(a["id"], b["id"])
        self.assertEqual(h2.get("Idempotent-Replayed"), "true")
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments WHERE reference = 'cs-idem'"), "1")
        self.assertEqual(self.db.sql(
            "SELECT resource_type || ':' || resource_id FROM idempotency_keys WHERE key = 'cs-idem-1'"),
            f"checkout_session:{a['id']}")
        self.assert_error(self.session(headers=h, reference="cs-idem", amount=1),
                          400, "IDEMPOTENCY_KEY_REUSED")

    def test_live_key_session_is_live_and_invisible_to_test(self):
        s, _, cs = self.session(key=self.live_key)
        self.assertEqual((s, cs["livemode"]), (201, True), cs)
        self.assert_error(self.call("GET", f"/api/v1/checkout/sessions/{cs['id']}"),
                          404, "RESOURCE_NOT_FOUND")

    def test_other_tenant_session_is_404(self):
        _, _, cs = self.session()
        self.assert_error(self.call("GET", f"/api/v1/checkout/sessions/{cs['id']}",
                                    key=self.other_key), 404, "RESOURCE_NOT_FOUND")

    def test_unknown_session_is_404(self):
        self.assert_error(self.call("GET", "/api/v1/checkout/sessions/cs_000000000000000000000000"),
                          404, "RESOURCE_NOT_FOUND")
        self.assert_error(self.call("GET", "/api/v1/checkout/sessions/not-an-id"),
                          404, "RESOURCE_NOT_FOUND")

    def test_session_needs_a_key(self):
        status, hdrs, _ = paydtest.http_get(self.port, "/api/v1/checkout/sessions/cs_x")
        self.assertEqual(status, 401)
        status, _, _ = paydtest.http_get(self.port, "/api/v1/checkout/sessions", method="POST",
                                         body=b"{}", headers={"Content-Type": "application/json"})
        self.assertEqual(status, 401)

    def test_session_malformed_json(self):
        s, _, body = self.call("POST", "/api/v1/checkout/sessions", raw=b'{"amount": 10,')
        self.assertEqual(s, 400, body)

    def test_session_unknown_and_camel_case_fields(self):
        self.assert_error(self.session(bogus=1), 400, "PARAMETER_UNKNOWN", "bogus")
        self.assert_error(self.session(successUrl="https://x.example"), 400, "PARAMETER_UNKNOWN",
                          "successUrl")
        self.assert_error(self.session(expires_in=60), 400, "PARAMETER_UNKNOWN", "expires_in")
        self.assert_error(self.session(payment_method="4242424242424242"), 400,
                          "PARAMETER_UNKNOWN", "payment_method")

    def test_session_wrong_types(self):
        self.assert_error(self.session(amount="10"), 400, "PARAMETER_INVALID", "amount")
        self.assert_error(self.session(payment_method_types="card"), 400, "PARAMETER_INVALID",
                          "payment_method_types")
        self.assert_error(self.session(customer="ann"), 400, "PARAMETER_INVALID", "customer")

    def test_session_missing_and_bad_values(self):
        before = self.count("checkout_sessions"), self.count("payments")
        body = {"amount": 100, "currency": "USD"}
        self.assert_error(self.call("POST", "/api/v1/checkout/sessions", body), 400,
                          "PARAMETER_MISSING", "success_url")
        self.assert_error(self.session(success_url="javascript:alert(1)"), 400, "PARAMETER_INVALID",
                          "success_url")
        self.assert_error(self.session(payment_method_types=[]), 400, "PARAMETER_INVALID",
                          "payment_method_types")
        self.assert_error(self.session(amount=0), 400, "INVALID_AMOUNT", "amount")
        self.assert_error(self.session(currency="XYZ"), 400, "INVALID_CURRENCY", "currency")
        self.assert_error(self.session(connector="nope"), 400, "CONNECTOR_UNKNOWN", "connector")
        self.assertEqual((self.count("checkout_sessions"), self.count("payments")), before)

    # --- payment links: the merchant's side ------------------------------------------------

    def test_link_create_read_list_deactivate(self):
        expires = rfc3339(3600)
        s, _, link = self.link(slug="summer-promo", expires_at=expires, usage_limit=3,
                               payment_method_types=["card", "promptpay"])
        self.assertEqual(s, 201, link)
        self.assertRegex(link["id"], LINK_ID)
        self.assertEqual((link["object"], link["slug"], link["status"], link["amount"],
                          link["currency"], link["reference"], link["expires_at"],
                          link["usage_limit"], link["usage_count"], link["is_expired"],
                          link["usage_limit_reached"], link["can_pay"], link["livemode"]),
                         ("payment_link", "summer-promo", "active", 9900, "USD", "promo", expires,
                          3, 0, False, False, True, False))
        self.assertEqual(link["payment_method_types"], ["card", "promptpay"])
        s, _, again = self.call("GET", f"/api/v1/payment_links/{link['id']}")
        self.assertEqual((s, again), (200, link))
        s, _, listed = self.call("GET", "/api/v1/payment_links?limit=100")
        self.assertEqual(s, 200, listed)
        self.assertIn(link["id"], [x["id"] for x in listed["data"]])
        s, _, off = self.call("POST", f"/api/v1/payment_links/{link['id']}/deactivate")
        self.assertEqual((s, off["status"], off["can_pay"]), (200, "inactive", False), off)
        # Deactivating again is idempotent: the same link, unchanged.
        s, _, again = self.call("POST", f"/api/v1/payment_links/{link['id']}/deactivate", {})
        self.assertEqual((s, again), (200, off))

    def test_link_without_slug_gets_one(self):
        link = self.made_link()
        self.assertRegex(link["slug"], r"^link-[0-9a-z]{16}$")
        self.assertIsNone(link["expires_at"])
        self.assertIsNone(link["usage_limit"])
        s, _, pub = self.public("GET", f"/api/v1/links/{link['slug']}")
        self.assertEqual((s, pub["can_pay"]), (200, True), pub)

    def test_link_list_pages(self):
        made = {self.made_link(reference=f"page-{i}")["id"] for i in range(5)}
        seen, cursor = [], None
        while True:
            q = "/api/v1/payment_links?limit=2" + (f"&cursor={cursor}" if cursor else "")
            s, _, page = self.call("GET", q, key=None)
            self.assertEqual(s, 200, page)
            seen += [x["id"] for x in page["data"]]
            if not page["has_more"]:
                break
            cursor = page["next_cursor"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(made <= set(seen))
        self.assert_error(self.call("GET", "/api/v1/payment_links?cursor=garbage"), 400,
                          "PARAMETER_INVALID", "cursor")
        self.assert_error(self.call("GET", "/api/v1/payment_links?active=true"), 400,
                          "PARAMETER_UNKNOWN")

    def test_link_slug_taken(self):
        self.made_link(slug="only-once")
        self.assert_error(self.link(slug="only-once"), 409, "SLUG_TAKEN", "slug")
        # Slugs are public names: unique across tenants too.
        self.assert_error(self.link(slug="only-once", key=self.other_key), 409, "SLUG_TAKEN", "slug")

    def test_link_bad_slug(self):
        for slug in ("ab", "Summer", "-promo", "promo_1", "a" * 65, "promo!", ""):
            with self.subTest(slug=slug):
                self.assert_error(self.link(slug=slug), 400, "PARAMETER_INVALID", "slug")
        self.assert_error(self.link(slug=5), 400, "PARAMETER_INVALID", "slug")

    def test_link_past_or_bad_expires_at(self):
        self.assert_error(self.link(expires_at=rfc3339(-60)), 400, "PARAMETER_INVALID",
                          "expires_at")
        self.assert_error(self.link(expires_at="tomorrow"), 400, "PARAMETER_INVALID", "expires_at")
        self.assert_error(self.link(expires_at="2030-01-01 10:00:00"), 400, "PARAMETER_INVALID",
                          "expires_at")

    def test_link_usage_limit_zero(self):
        self.assert_error(self.link(usage_limit=0), 400, "PARAMETER_INVALID", "usage_limit")
        self.assert_error(self.link(usage_limit=-1), 400, "PARAMETER_INVALID", "usage_limit")
        self.assert_error(self.link(usage_limit=2**31), 400, "PARAMETER_INVALID", "usage_limit")
        self.assert_error(self.link(usage_limit="3"), 400, "PARAMETER_INVALID", "usage_limit")

    def test_link_bad_money(self):
        self.assert_error(self.link(currency="XYZ"), 400, "INVALID_CURRENCY", "currency")
        self.assert_error(self.link(amount=0), 400, "INVALID_AMOUNT", "amount")
        self.assert_error(self.link(amount=10.5), 400, "PARAMETER_INVALID", "amount")
        s, _, body = self.call("POST", "/api/v1/payment_links", {"currency": "USD"})
        self.assertEqual((s, body["error"]["code"], body["error"]["param"]),
                         (400, "PARAMETER_MISSING", "amount"))

    def test_link_malformed_and_unknown(self):
        s, _, body = self.call("POST", "/api/v1/payment_links", raw=b"[1, 2")
        self.assertEqual(s, 400, body)
        self.assert_error(self.link(usageLimit=2), 400, "PARAMETER_UNKNOWN", "usageLimit")
        self.assert_error(self.call("POST", "/api/v1/payment_links/plink_000000000000000000000000/"
                                            "deactivate", {"really": True}),
                          400, "PARAMETER_UNKNOWN", "really")

    def test_other_tenant_and_mode_link_is_404(self):
        link = self.made_link()
        for key in (self.other_key, self.live_key):
            self.assert_error(self.call("GET", f"/api/v1/payment_links/{link['id']}", key=key),
                              404, "RESOURCE_NOT_FOUND")
            self.assert_error(self.call("POST", f"/api/v1/payment_links/{link['id']}/deactivate",
                                        key=key), 404, "RESOURCE_NOT_FOUND")
            _, _, listed = self.call("GET", "/api/v1/payment_links?limit=100", key=key)
            self.assertNotIn(link["id"], [x["id"] for x in listed["data"]])
        _, _, still = self.call("GET", f"/api/v1/payment_links/{link['id']}")
        self.assertEqual(still["status"], "active")
        self.assert_error(self.call("GET", "/api/v1/payment_links/plink_000000000000000000000000"),
                          404, "RESOURCE_NOT_FOUND")

    # --- payment links: the public side ----------------------------------------------------

    def test_public_link_shows_no_internals(self):
        link = self.made_link(slug="public-view", expires_at=rfc3339(600), usage_limit=2)
        s, hdrs, pub = self.public("GET", "/api/v1/links/public-view")
        self.assertEqual(s, 200, pub)
        self.assertEqual(set(pub), PUBLIC_LINK_FIELDS)
        self.assertEqual((pub["slug"], pub["amount"], pub["currency"], pub["reference"],
                          pub["status"], pub["expires_at"], pub["is_expired"],
                          pub["usage_limit_reached"], pub["can_pay"]),
                         ("public-view", 9900, "USD", "promo", "active", link["expires_at"],
                          False, False, True))
        tenant_id = self.db.sql("SELECT id FROM tenants WHERE name = 'acme'")
        text = json.dumps(pub)
        for secret in (tenant_id, link["id"], "acme", "sandbox"):
            self.assertNotIn(secret, text)
        self.assert_error(self.public("GET", "/api/v1/links/no-such-link"), 404,
                          "RESOURCE_NOT_FOUND")
        self.assert_error(self.public("GET", "/api/v1/links/NOT_A_SLUG"), 404,
                          "RESOURCE_NOT_FOUND")

    def test_public_checkout_opens_a_session_for_the_link_tenant(self):
        link = self.made_link(slug="pay-me", payment_method_types=["card", "promptpay"])
        s, _, out = self.public("POST", "/api/v1/links/pay-me/checkout",
                                {"payment_method_types": ["card"]})
        self.assertEqual(s, 201, out)
        self.assertEqual(set(out), {"session_id", "status", "redirect_url", "qr_image_url",
                                    "expires_at"})
        self.assertRegex(out["session_id"], SESSION_ID)
        self.assertEqual(out["status"], "pending")
        self.assertTrue(out["redirect_url"].startswith("https://pay.sandbox.example/checkout/pay_"))
        # The merchant sees the session (and its payment) with their key; others do not.
        s, _, cs = self.call("GET", f"/api/v1/checkout/sessions/{out['session_id']}")
        self.assertEqual((s, cs["payment_link_id"], cs["amount"], cs["reference"],
                          cs["payment_method_types"]),
                         (200, link["id"], 9900, "promo", ["card"]), cs)
        self.assert_error(self.call("GET", f"/api/v1/checkout/sessions/{out['session_id']}",
                                    key=self.other_key), 404, "RESOURCE_NOT_FOUND")
        _, _, after = self.call("GET", f"/api/v1/payment_links/{link['id']}")
        self.assertEqual(after["usage_count"], 1)
        # No body at all: the link's own types.
        s, _, out2 = self.public("POST", "/api/v1/links/pay-me/checkout")
        self.assertEqual(s, 201, out2)
        _, _, cs2 = self.call("GET", f"/api/v1/checkout/sessions/{out2['session_id']}")
        self.assertEqual(cs2["payment_method_types"], ["card", "promptpay"])

    def test_public_checkout_of_a_live_link_is_live(self):
        self.made_link(slug="live-link", key=self.live_key)
        s, _, out = self.public("POST", "/api/v1/links/live-link/checkout", {})
        self.assertEqual(s, 201, out)
        s, _, cs = self.call("GET", f"/api/v1/checkout/sessions/{out['session_id']}",
                             key=self.live_key)
        self.assertEqual((s, cs["livemode"]), (200, True), cs)
        connector = self.db.sql(f"SELECT connector_id FROM payments WHERE id = '{cs['payment_id']}'")
        self.assertEqual(connector, "sandbox-live")

    def test_public_checkout_bad_input(self):
        self.made_link(slug="picky", payment_method_types=["card"])
        before = self.count("checkout_sessions")
        self.assert_error(self.public("POST", "/api/v1/links/picky/checkout",
                                      {"payment_method_types": ["crypto"]}),
                          400, "PARAMETER_INVALID", "payment_method_types[0]")
        self.assert_error(self.public("POST", "/api/v1/links/picky/checkout",
                                      {"methodTypes": ["card"]}),
                          400, "PARAMETER_UNKNOWN", "methodTypes")
        self.assert_error(self.public("POST", "/api/v1/links/picky/checkout",
                                      {"payment_method_types": "card"}),
                          400, "PARAMETER_INVALID", "payment_method_types")
        s, _, body = self.public("POST", "/api/v1/links/picky/checkout", raw=b"{oops")
        self.assertEqual(s, 400, body)
        self.assert_error(self.public("POST", "/api/v1/links/no-such-link/checkout", {}), 404,
                          "RESOURCE_NOT_FOUND")
        self.assertEqual(self.count("checkout_sessions"), before)
        self.assertEqual(self.db.sql("SELECT usage_count FROM payment_links WHERE slug = 'picky'"),
                         "0")

    def test_public_checkout_on_deactivated_link(self):
        link = self.made_link(slug="switched-off")
        self.call("POST", f"/api/v1/payment_links/{link['id']}/deactivate", {})
        _, _, pub = self.public("GET", "/api/v1/links/switched-off")
        self.assertEqual((pub["status"], pub["can_pay"]), ("inactive", False))
        self.assert_error(self.public("POST", "/api/v1/links/switched-off/checkout", {}), 409,
                          "LINK_INACTIVE")

    def test_public_checkout_on_expired_link(self):
        link = self.made_link(slug="too-late", expires_at=rfc3339(600))
        self.db.sql(f"UPDATE payment_links SET expires_at = now() - interval '1 second' "
                    f"WHERE id = '{link['id']}'")
        _, _, pub = self.public("GET", "/api/v1/links/too-late")
        self.assertEqual((pub["status"], pub["is_expired"], pub["can_pay"]),
                         ("active", True, False))
        self.assert_error(self.public("POST", "/api/v1/links/too-late/checkout", {}), 409,
                          "LINK_EXPIRED")

    def test_public_checkout_usage_limit(self):
        self.made_link(slug="two-only", usage_limit=2)
        for _ in range(2):
            s, _, out = self.public("POST", "/api/v1/links/two-only/checkout", {})
            self.assertEqual(s, 201, out)
        self.assert_error(self.public("POST", "/api/v1/links/two-only/checkout", {}), 409,
                          "LINK_USAGE_LIMIT_REACHED")
        _, _, pub = self.public("GET", "/api/v1/links/two-only")
        self.assertEqual((pub["usage_limit_reached"], pub["can_pay"]), (True, False))

    def test_parallel_checkouts_respect_the_usage_limit(self):
        link = self.made_link(slug="flash-sale", usage_limit=5)
        results = []
        lock = threading.Lock()

        def checkout():
            r = self.public("POST", "/api/v1/links/flash-sale/checkout", {})
            with lock:
                results.append(r)

        threads = [threading.Thread(target=checkout) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(len(results), 40)
        ok = [r for r in results if r[0] == 201]
        refused = [r for r in results
                   if r[0] == 409 and r[2]["error"]["code"] == "LINK_USAGE_LIMIT_REACHED"]
        self.assertEqual(len(ok), 5, [r[:1] + (r[2],) for r in results if r[0] != 409])
        self.assertEqual(len(refused), 35)
        self.assertEqual(len({r[2]["session_id"] for r in ok}), 5)
        self.assertEqual(self.db.sql(
            f"SELECT count(*) FROM checkout_sessions WHERE payment_link_id = '{link['id']}'"), "5")
        self.assertEqual(self.db.sql(
            f"SELECT usage_count FROM payment_links WHERE id = '{link['id']}'"), "5")

    def test_use_is_given_back_when_no_connector_takes_the_payment(self):
        # No connector offers carrier-pigeon: routing refuses before anything is written
        # (a 4xx), so the use taken for this checkout is given back.
        self.made_link(slug="no-route", usage_limit=1, payment_method_types=["card", "carrier-pigeon"])
        s, _, body = self.public("POST", "/api/v1/links/no-route/checkout",
                                 {"payment_method_types": ["carrier-pigeon"]})
        self.assertEqual((s, body["error"]["code"]), (400, "NO_CONNECTOR_AVAILABLE"), body)
        self.assertEqual(self.db.sql("SELECT usage_count FROM payment_links WHERE slug = 'no-route'"),
                         "0")
        s, _, out = self.public("POST", "/api/v1/links/no-route/checkout",
                                {"payment_method_types": ["card"]})
        self.assertEqual(s, 201, out)
        self.assertEqual(self.db.sql("SELECT usage_count FROM payment_links WHERE slug = 'no-route'"),
                         "1")


if __name__ == "__main__":
    unittest.main()
