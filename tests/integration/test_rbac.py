"""RBAC and API key management through the real daemon and a real PostgreSQL.

The role -> permission matrix below is written from the issue and docs/security.md, not
copied from daemon/src/security/rbac.cpp: the two readings check each other. Every route
of `payd routes` is called with a key of every role; a 403 INSUFFICIENT_PERMISSIONS must
come exactly when the role lacks the permission the route declares."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import paydb
import paydtest

READS = {"payments:read", "refunds:read", "checkout:read", "payment_links:read",
         "connectors:read"}
# One's own credentials (token exchange, one's own MFA factor): every role holds it, as
# the MFA routes must be reachable by any user (docs/security.md).
SELF = {"account:self"}
ALL = READS | SELF | {"payments:create", "payments:capture", "payments:cancel", "refunds:create",
               "checkout:create", "payment_links:create", "payment_links:update",
               "api_keys.manage", "webhooks.manage", "users.manage", "audit:read",
               "analytics:read"}
ROLES = {
    "owner": ALL,
    "admin": ALL - {"users.manage"},
    "developer": READS | SELF | {"payments:create", "payments:capture", "payments:cancel",
                          "checkout:create", "payment_links:create", "payment_links:update",
                          "api_keys.manage", "webhooks.manage", "analytics:read"},
    "support": READS | SELF | {"refunds:create", "payments:cancel"},
    "analyst": READS | SELF | {"analytics:read", "audit:read"},
    "read_only": READS | SELF,
}
PUBLIC = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
          ("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/links/{slug}"),
          ("POST", "/api/v1/links/{slug}/checkout"), ("POST", "/api/v1/auth/login")}


class RbacTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-rbac-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme", "globex"))
        cls.keys = {role: paydb.create_key(cls.cfg, "acme", "test", role=role) for role in ROLES}
        cls.default_key = paydb.create_key(cls.cfg, "acme", "test")
        cls.live_owner = paydb.create_key(cls.cfg, "acme", "live", role="owner")
        cls.globex_owner = paydb.create_key(cls.cfg, "globex", "test", role="owner")

        cls.payd = paydtest.start_payd(cls.work, config_text=cls.config_text)
        cls.port = cls.payd.port
        r = paydb.payd_cli(["routes"], cls.payd.config_path)
        cls.routes = json.loads(r.stdout)["routes"]

    @classmethod
    def config_text(cls, port: int) -> str:
        return paydb.daemon_config(port, cls.db.url)

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def call(self, method, path, key, body=None, headers=None, port=None):
        h = {"Authorization": f"Bearer {key}"} if key else {}
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        status, hdrs, out = paydtest.http_get(port or self.port, path, headers=h,
                                              method=method, body=data)
        try:
            parsed = json.loads(out) if out else None
        except ValueError:
            parsed = None
        return status, hdrs, parsed

    # --- the route table ------------------------------------------------------------------

    def test_every_non_public_route_declares_a_known_permission(self):
        self.assertGreater(len(self.routes), 20)
        public = {(r["method"], r["path"]) for r in self.routes if r["public"]}
        self.assertEqual(public, PUBLIC)
        for r in self.routes:
            if r["public"]:
                self.assertIsNone(r["permission"], r)
            else:
                self.assertIn(r["permission"], ALL, r)

    def test_role_route_matrix(self):
        checked = 0
        for route in self.routes:
            if route["public"] or route["method"] == "HEAD":
                continue
            path = re.sub(r"\{[a-z_]+\}", "x_0000000000000000", route["path"])
            body = {} if route["method"] == "POST" else None
            for role, held in ROLES.items():
                s, _, b = self.call(route["method"], path, self.keys[role], body=body)
                denied = s == 403 and b and b["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
                with self.subTest(route=f"{route['method']} {route['path']}", role=role):
                    if route["permission"] in held:
                        self.assertFalse(denied, b)
                        self.assertNotIn(s, (401, 403), b)
                    else:
                        self.assertTrue(denied, (s, b))
                        self.assertEqual(b["error"]["type"], "permission_error")
                        self.assertIn(route["permission"], b["error"]["message"])
                checked += 1
        self.assertGreater(checked, 6 * 15)

    def test_no_credentials_is_401_before_any_permission_check(self):
        for route in self.routes:
            if route["public"] or route["method"] == "HEAD":
                continue
            path = re.sub(r"\{[a-z_]+\}", "x", route["path"])
            s, hdrs, b = self.call(route["method"], path, None)
            self.assertEqual(s, 401, (route, b))

    # --- key management -----------------------------------------------------------------------

    def create(self, key, **body):
        return self.call("POST", "/api/v1/api_keys", key, body=body)

    def test_create_list_revoke_and_the_secret_shown_once(self):
        s, _, k = self.create(self.keys["admin"], name="Server A", role="developer")
        self.assertEqual(s, 201, k)
        secret = k["secret"]
        self.assertTrue(secret.startswith("sk_test_"), k)
        self.assertEqual((k["prefix"], k["type"], k["role"], k["livemode"]),
                         ("sk_test", "secret", "developer", False))
        self.assertEqual(set(k["permissions"]), ROLES["developer"])
        self.assertTrue(k["display"].endswith(secret[-4:]))
        # The new key works, with its role's permissions only.
        self.assertEqual(self.call("GET", "/api/v1/payments", secret)[0], 200)
        s, _, b = self.call("GET", "/api/v1/audit_events", secret)
        self.assertEqual((s, b["error"]["code"]), (403, "INSUFFICIENT_PERMISSIONS"))
        # Listed without its secret; nothing in the list is a secret.
        s, _, page = self.call("GET", "/api/v1/api_keys", self.keys["admin"])
        self.assertEqual(s, 200)
        self.assertIn(k["id"], [x["id"] for x in page["data"]])
        text = json.dumps(page)
        self.assertNotIn(secret, text)
        self.assertNotIn("secret", [f for x in page["data"] for f in x])
        for x in page["data"]:
            self.assertFalse(x["livemode"])  # test keys never list live ones
        # Revoked: refused on the very next request.
        s, _, r = self.call("POST", f"/api/v1/api_keys/{k['id']}/revoke", self.keys["admin"])
        self.assertEqual(s, 200, r)
        self.assertIsNotNone(r["revoked_at"])
        s, _, b = self.call("GET", "/api/v1/payments", secret)
        self.assertEqual((s, b["error"]["code"]), (401, "INVALID_API_KEY"))
        self.assertIn("revoked", b["error"]["message"])
        # Revoking again changes nothing.
        s, _, again = self.call("POST", f"/api/v1/api_keys/{k['id']}/revoke", self.keys["admin"])
        self.assertEqual((s, again["revoked_at"]), (200, r["revoked_at"]))
        # Both changes are in the audit trail, once each, with the creator as actor.
        rows = self.db.sql(f"SELECT string_agg(action || ' ' || outcome, ',' ORDER BY seq) "
                           f"FROM audit_log WHERE target = 'api_key:{k['id']}'")
        self.assertEqual(rows, "api_key.created success,api_key.revoked success")
        actor = self.db.sql(f"SELECT DISTINCT actor FROM audit_log WHERE target = 'api_key:{k['id']}'")
        self.assertTrue(actor.startswith("api_key:sk_test_"), actor)
        # The secret is nowhere in the database.
        dump = self.db.sql("SELECT string_agg(t::text, ' ') FROM api_keys t")
        self.assertNotIn(secret, dump)
        self.assertNotIn(secret[8:], dump)

    def test_default_role_is_admin_and_cli_keys_have_roles(self):
        s, _, page = self.call("GET", "/api/v1/api_keys", self.keys["owner"])
        roles = {x["role"] for x in page["data"]}
        self.assertTrue(set(ROLES) <= roles, roles)
        s, _, k = self.create(self.keys["owner"], name="no role given")
        self.assertEqual((s, k["role"]), (201, "admin"))

    def test_restricted_keys_hold_exactly_their_scopes(self):
        s, _, k = self.create(self.keys["admin"], name="reader",
                              scopes=["payments:read", "refunds:read"])
        self.assertEqual(s, 201, k)
        rk = k["secret"]
        self.assertTrue(rk.startswith("rk_test_"), k)
        self.assertEqual((k["type"], k["role"]), ("restricted", None))
        self.assertEqual(sorted(k["scopes"]), ["payments:read", "refunds:read"])
        self.assertEqual(self.call("GET", "/api/v1/payments", rk)[0], 200)
        s, _, b = self.call("POST", "/api/v1/payments", rk,
                            body={"amount": 100, "currency": "EUR"})
        self.assertEqual((s, b["error"]["code"]), (403, "INSUFFICIENT_PERMISSIONS"))
        self.assertIn("payments:create", b["error"]["message"])
        s, _, b = self.call("GET", "/api/v1/api_keys", rk)
        self.assertEqual(s, 403)
        # Also from the CLI.
        cli_rk = paydb.create_key(self.cfg, "acme", "test", scopes=["payments:create"])
        self.assertTrue(cli_rk.startswith("rk_test_"))
        self.assertEqual(self.call("GET", "/api/v1/payments", cli_rk)[0], 403)

    def test_no_escalation_through_key_creation(self):
        # A developer holds api_keys.manage but not refunds:create or audit:read.
        for body in ({"role": "admin"}, {"role": "owner"}, {"role": "support"},
                     {"scopes": ["payments:read", "refunds:create"]}):
            s, _, b = self.create(self.keys["developer"], name="escalate", **body)
            self.assertEqual((s, b["error"]["code"]), (403, "INSUFFICIENT_PERMISSIONS"), body)
        # An admin cannot mint an owner key (users.manage).
        s, _, b = self.create(self.keys["admin"], name="escalate", role="owner")
        self.assertEqual(s, 403, b)
        self.assertIn("users.manage", b["error"]["message"])
        # A restricted key with api_keys.manage can hand out only what it has.
        rk = paydb.create_key(self.cfg, "acme", "test", scopes=["api_keys.manage", "payments:read"])
        s, _, b = self.create(rk, name="narrower", scopes=["payments:read"])
        self.assertEqual(s, 201, b)
        s, _, b = self.create(rk, name="wider", scopes=["payments:create"])
        self.assertEqual(s, 403, b)
        # A test key only ever creates test keys.
        s, _, k = self.create(self.keys["owner"], name="t", role="read_only")
        self.assertTrue(k["secret"].startswith("sk_test_"))
        s, _, k = self.create(self.live_owner, name="l", role="read_only")
        self.assertTrue(k["secret"].startswith("sk_live_"))

    def test_bad_requests_name_the_field(self):
        cases = [({"role": "admin"}, "name"),
                 ({"name": "x", "role": "root"}, "role"),
                 ({"name": "x", "scopes": []}, "scopes"),
                 ({"name": "x", "scopes": ["payments:read", "payments:steal"]}, "scopes[1]"),
                 ({"name": "x", "role": "admin", "scopes": ["payments:read"]}, "scopes"),
                 ({"name": "x", "colour": "red"}, "colour"),
                 ({"name": 5}, "name")]
        for body, param in cases:
            s, _, b = self.create(self.keys["owner"], **body)
            self.assertEqual((s, b["error"]["param"]), (400, param), (body, b))
        s, _, page = self.call("GET", "/api/v1/api_keys", self.keys["owner"])
        self.assertNotIn("x", [k["name"] for k in page["data"]])

    def test_other_tenant_and_mode_keys_are_404(self):
        s, _, k = self.create(self.globex_owner, name="globex key", role="read_only")
        self.assertEqual(s, 201)
        s, _, b = self.call("POST", f"/api/v1/api_keys/{k['id']}/revoke", self.keys["owner"])
        self.assertEqual((s, b["error"]["code"]), (404, "RESOURCE_NOT_FOUND"))
        s, _, b = self.call("POST", f"/api/v1/api_keys/{k['id']}/revoke", self.live_owner)
        self.assertEqual(s, 404)
        self.assertEqual(self.call("GET", "/api/v1/payments", k["secret"])[0], 200)

    def test_idempotent_creation_replays_without_the_secret(self):
        h = {"Idempotency-Key": "key-create-1"}
        s1, _, k1 = self.call("POST", "/api/v1/api_keys", self.keys["owner"],
                              body={"name": "once", "role": "read_only"}, headers=h)
        s2, hdrs, k2 = self.call("POST", "/api/v1/api_keys", self.keys["owner"],
                                 body={"name": "once", "role": "read_only"}, headers=h)
        self.assertEqual((s1, s2), (201, 201))
        self.assertEqual(k1["id"], k2["id"])
        self.assertIsNone(k2["secret"])
        self.assertEqual({k: v for k, v in k1.items() if k != "secret"},
                         {k: v for k, v in k2.items() if k != "secret"})
        self.assertEqual(hdrs.get("Idempotent-Replayed"), "true")
        stored = self.db.sql("SELECT string_agg(response_body::text, ' ') FROM idempotency_keys")
        self.assertNotIn(k1["secret"], stored)

    def test_revocation_reaches_every_daemon_on_the_database(self):
        s, _, k = self.create(self.keys["owner"], name="shared", role="read_only")
        other = paydtest.start_payd(tempfile.mkdtemp(prefix="payd-rbac-2-", dir=self.work),
                                    config_text=self.config_text)
        try:
            self.assertEqual(self.call("GET", "/api/v1/payments", k["secret"], port=other.port)[0], 200)
            s, _, _ = self.call("POST", f"/api/v1/api_keys/{k['id']}/revoke", self.keys["owner"])
            self.assertEqual(s, 200)
            s, _, b = self.call("GET", "/api/v1/payments", k["secret"], port=other.port)
            self.assertEqual(s, 401, b)
        finally:
            other.stop()

    def test_last_use_is_recorded_without_a_write_per_request(self):
        key = paydb.create_key(self.cfg, "acme", "test", role="read_only")
        lookup = key[8:24]
        own = paydtest.start_payd(tempfile.mkdtemp(prefix="payd-rbac-3-", dir=self.work),
                                  config_text=self.config_text)
        try:
            for _ in range(30):
                self.assertEqual(self.call("GET", "/api/v1/payments", key, port=own.port)[0], 200)
            self.assertEqual(self.db.sql(f"SELECT last_used_at IS NULL FROM api_keys "
                                         f"WHERE lookup = '{lookup}'"), "t")
        finally:
            self.assertEqual(own.stop(), 0)
        # Written once, at the latest when the daemon stops.
        self.assertEqual(self.db.sql(f"SELECT last_used_at IS NOT NULL FROM api_keys "
                                     f"WHERE lookup = '{lookup}'"), "t")
        s, _, page = self.call("GET", "/api/v1/api_keys", self.keys["owner"])
        shown = [k for k in page["data"] if k["display"].endswith(key[-4:])]
        self.assertEqual(len(shown), 1)
        self.assertIsNotNone(shown[0]["last_used_at"])


if __name__ == "__main__":
    unittest.main()
