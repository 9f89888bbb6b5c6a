"""YAML routing rules end to end: the real payd with two test-mode sandbox connectors and a
live one, a real PostgreSQL, and rules on every match dimension. Each test reads where the
payment went from the API (`connector`, `attempts[].routing`).

Failover on `not_attempted` is not shown here: the sandbox never reaches a network, so it
cannot produce one end to end cheaply (an unavailable connector is filtered out by the
router before any call). tests/unit/core/router_test.cpp covers the candidate order; here
failover is shown on a decline, for a rule with `failover_on_decline: true`, which takes the
same path through PaymentService::create."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import paydb
import paydtest

CARD_OK = "4242424242424242"
CARD_DECLINE = "4000000000000002"

ROUTING = """\
routing:
  rules:
    - name: eur-to-b
      match: {currency: [EUR]}
      connectors: [sandbox-b, sandbox-a]
    - name: big-to-a
      match: {amount: {gte: 100000}}
      connectors: [sandbox-a]
    - name: german-customers
      match: {country: [DE]}
      connectors: [sandbox-b]
    - name: vip
      match: {metadata: {tier: vip}}
      connectors: [sandbox-b, sandbox-a]
      failover_on_decline: true
    - name: gbp-live-only
      match: {currency: [GBP]}
      connectors: [sandbox-live]
    - name: chf-broken-first
      match: {currency: [CHF]}
      connectors: [sandbox-broken, sandbox-b]
    - name: jpy-split
      match: {currency: [JPY]}
      split:
        - {connector: sandbox-a, weight: 1}
        - {connector: sandbox-b, weight: 1}
  default: [sandbox-a]
"""


def connectors_yaml() -> str:
    return ("  - {id: sandbox-a, plugin: sandbox, mode: test}\n"
            "  - {id: sandbox-b, plugin: sandbox, mode: test}\n"
            "  - {id: sandbox-live, plugin: sandbox, mode: live}\n"
            # Configured, but its plugin is not installed: unavailable, never routed to.
            "  - {id: sandbox-broken, plugin: not-installed, mode: test}\n")


class RoutingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-routing-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme",))
        cls.key = paydb.create_key(cls.cfg, "acme", "test")
        cls.live_key = paydb.create_key(cls.cfg, "acme", "live")
        def config_text(port: int) -> str:
            return paydb.daemon_config(port, cls.db.url, connectors=connectors_yaml(),
                                       extra=ROUTING)

        cls.payd = paydtest.start_payd(cls.work, config_text=config_text)
        cls.port = cls.payd.port

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def create(self, key=None, **fields):
        body = {"amount": 1000, "currency": "USD", "payment_method": CARD_OK,
                "payment_method_types": ["card"]}
        body.update(fields)
        status, _, out = paydtest.http_get(
            self.port, "/api/v1/payments", method="POST", body=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {key or self.key}",
                     "Content-Type": "application/json"})
        payment = json.loads(out)
        self.assertEqual(status, 201, payment)
        return payment

    def assert_routed(self, payment, connector, rule, candidates):
        self.assertEqual(payment["connector"], connector, payment)
        routing = payment["attempts"][0]["routing"]
        self.assertEqual(routing["rule"], rule, routing)
        self.assertEqual(routing["candidates"], candidates, routing)
        self.assertEqual(routing["chosen"], payment["attempts"][0]["connector"], routing)
        return routing

    # --- one rule per match dimension ------------------------------------------------------

    def test_currency_rule(self):
        p = self.create(currency="EUR")
        routing = self.assert_routed(p, "sandbox-b", "eur-to-b", ["sandbox-b", "sandbox-a"])
        self.assertEqual(p["status"], "succeeded")
        self.assertFalse(routing["failover_on_decline"])
        self.assertEqual(routing["why"], "first candidate of rule eur-to-b")

    def test_amount_rule(self):
        self.assert_routed(self.create(amount=150000), "sandbox-a", "big-to-a", ["sandbox-a"])
        # Below the bound, nothing else matches: the default route.
        self.assert_routed(self.create(amount=99999), "sandbox-a", "default", ["sandbox-a"])

    def test_country_rule(self):
        p = self.create(customer={"email": "kunde@example.de", "country": "DE"})
        self.assert_routed(p, "sandbox-b", "german-customers", ["sandbox-b"])
        p = self.create(customer={"email": "client@example.fr", "country": "FR"})
        self.assert_routed(p, "sandbox-a", "default", ["sandbox-a"])

    def test_metadata_rule(self):
        p = self.create(metadata={"tier": "vip", "order": "7"})
        self.assert_routed(p, "sandbox-b", "vip", ["sandbox-b", "sandbox-a"])
        p = self.create(metadata={"tier": "standard"})
        self.assert_routed(p, "sandbox-a", "default", ["sandbox-a"])

    def test_rule_order_first_match_wins(self):
        # EUR, large, German and VIP: every rule above matches; the first listed decides.
        p = self.create(currency="EUR", amount=200000, metadata={"tier": "vip"},
                        customer={"email": "a@example.de", "country": "DE"})
        self.assert_routed(p, "sandbox-b", "eur-to-b", ["sandbox-b", "sandbox-a"])

    # --- failover ---------------------------------------------------------------------------

    def test_failover_on_decline_when_the_rule_allows_it(self):
        p = self.create(metadata={"tier": "vip"}, payment_method=CARD_DECLINE)
        self.assertEqual(p["status"], "failed", p)
        attempts = p["attempts"]
        self.assertEqual([a["connector"] for a in attempts], ["sandbox-b", "sandbox-a"])
        self.assertEqual([a["outcome"] for a in attempts], ["declined", "declined"])
        self.assertTrue(attempts[0]["routing"]["failover_on_decline"])
        self.assertEqual(attempts[1]["routing"]["rule"], "vip")
        self.assertEqual(attempts[1]["routing"]["why"], "failover after declined on sandbox-b")
        self.assertEqual(p["connector"], "sandbox-a")

    def test_no_failover_on_decline_by_default(self):
        p = self.create(currency="EUR", payment_method=CARD_DECLINE)
        self.assertEqual(p["status"], "failed", p)
        self.assertEqual([a["connector"] for a in p["attempts"]], ["sandbox-b"])

    # --- fall-through, default, hint, mode ---------------------------------------------------

    def test_rule_with_only_other_mode_connectors_falls_through_to_default(self):
        p = self.create(currency="GBP")
        routing = self.assert_routed(p, "sandbox-a", "default", ["sandbox-a"])
        self.assertEqual(routing["fell_through"], ["gbp-live-only"])
        # A test key learns nothing about the live connector.
        self.assertNotIn("sandbox-live", json.dumps(routing))

    def test_same_rule_serves_live_mode(self):
        p = self.create(key=self.live_key, currency="GBP")
        self.assert_routed(p, "sandbox-live", "gbp-live-only", ["sandbox-live"])

    def test_default_route(self):
        routing = self.assert_routed(self.create(), "sandbox-a", "default", ["sandbox-a"])
        self.assertNotIn("fell_through", routing)
        self.assertNotIn("split", routing)

    def test_connector_hint_overrides_rules(self):
        p = self.create(currency="EUR", connector="sandbox-a")
        self.assert_routed(p, "sandbox-a", "connector_hint", ["sandbox-a"])

    # --- weighted split ---------------------------------------------------------------------

    def test_an_unavailable_connector_is_skipped_with_the_reason(self):
        p = self.create(currency="CHF")
        routing = self.assert_routed(p, "sandbox-b", "chf-broken-first", ["sandbox-b"])
        self.assertTrue(any(s.startswith("sandbox-broken: unavailable") for s in routing["skipped"]),
                        routing)

    def test_a_hint_naming_an_unavailable_connector_is_refused(self):
        before = paydb.psql(self.db.url, "SELECT count(*) FROM payments")
        status, _, out = paydtest.http_get(
            self.port, "/api/v1/payments", method="POST",
            body=json.dumps({"amount": 1000, "currency": "USD", "payment_method": CARD_OK,
                             "connector": "sandbox-broken"}).encode(),
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        err = json.loads(out)["error"]
        self.assertEqual((status, err["code"], err["param"]), (400, "CONNECTOR_UNAVAILABLE", "connector"))
        self.assertEqual(paydb.psql(self.db.url, "SELECT count(*) FROM payments"), before)

    def test_split_spreads_payments_and_records_the_draw(self):
        seen = set()
        for _ in range(30):  # both sides of a 1:1 split: all-one-side has p = 2^-29
            p = self.create(currency="JPY", amount=500)
            routing = p["attempts"][0]["routing"]
            self.assertEqual(routing["rule"], "jpy-split")
            split = routing["split"]
            self.assertEqual(split["weights"], {"sandbox-a": 1, "sandbox-b": 1})
            self.assertEqual(split["total"], 2)
            self.assertIn(split["draw"], (0, 1))
            self.assertEqual(split["picked"], p["connector"])
            expected_first = "sandbox-a" if split["draw"] == 0 else "sandbox-b"
            self.assertEqual(routing["candidates"][0], expected_first)
            self.assertEqual(sorted(routing["candidates"]), ["sandbox-a", "sandbox-b"])
            seen.add(p["connector"])
        self.assertEqual(seen, {"sandbox-a", "sandbox-b"})


class RoutingConfigCheckTest(unittest.TestCase):
    """--check-config refuses bad routing with file:line, before anything starts."""

    def test_unknown_connector_is_refused_with_file_and_line(self):
        work = tempfile.mkdtemp(prefix="payd-routing-check-")
        self.addCleanup(shutil.rmtree, work, True)
        path = os.path.join(work, "payd.yaml")
        connectors = "connectors:\n" + connectors_yaml()
        first = connectors.count("\n") + 4  # the line of `match:`
        with open(path, "w") as f:
            f.write(connectors
                    + "routing:\n"
                      "  rules:\n"
                      "    - name: eu\n"
                      "      match: {currency: [eur]}\n"
                      "      connectors: [sandbox-c]\n")
        r = subprocess.run([paydtest.payd_bin(), "--check-config", "--config", path],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        out = r.stdout + r.stderr
        self.assertIn(f"{path}:{first}: routing.rules[0].match.currency[0]: expected an ISO 4217 "
                      "code", out)
        self.assertIn(f'{path}:{first + 1}: routing.rules[0].connectors[0]: unknown connector "sandbox-c" '
                      f'(did you mean "sandbox-a"?)', out)


if __name__ == "__main__":
    unittest.main()
