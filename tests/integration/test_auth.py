"""API key authentication through the real daemon: keys made by `payd admin`, a real
PostgreSQL, the authenticated route GET /api/v1/payments (no connector needed)."""
from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
import time
import unittest

import paydb
import paydtest

ROUTE = "/api/v1/payments"
CHALLENGE = 'Bearer realm="payd"'


class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="payd-auth-")
        cls.db = paydb.Database("payd_t")
        cls.cfg = os.path.join(cls.work, "admin.yaml")
        paydb.write_config(cls.cfg, cls.db.url)
        paydb.payd_cli(["migrate"], cls.cfg)
        cls.acme_id = paydb.create_tenant(cls.cfg, "acme")
        cls.globex_id = paydb.create_tenant(cls.cfg, "globex")
        cls.test_key = paydb.create_key(cls.cfg, "acme", "test")
        cls.live_key = paydb.create_key(cls.cfg, "acme", "live")
        cls.other_key = paydb.create_key(cls.cfg, "globex", "test")
        db_url = json.dumps(cls.db.url)

        def config_text(port: int) -> str:
            return (f"listen: {{address: 127.0.0.1, port: {port}}}\n"
                    f"server: {{threads: 2, shutdown_grace: 3s}}\n"
                    f"log: {{level: info, format: json, access_log: true}}\n"
                    f"database: {{url: {db_url}, pool_size: 2, connect_timeout: 2s}}\n"
                    # Failed authentications are limited per IP (test_rate_limits.py);
                    # this suite sends many on purpose.
                    "rate_limits: {enabled: false}\n")

        cls.payd = paydtest.start_payd(cls.work, config_text=config_text)
        cls.port = cls.payd.port

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def get(self, headers: dict | None = None):
        status, hdrs, body = paydtest.http_get(self.port, ROUTE, headers=headers or {})
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        return status, hdrs, parsed

    def assert_error(self, result, status: int, type_: str, code: str):
        s, hdrs, body = result
        self.assertEqual(s, status, body)
        self.assertEqual(body["error"]["type"], type_, body)
        self.assertEqual(body["error"]["code"], code, body)
        self.assertEqual(body["request_id"], hdrs.get("X-Request-Id"))
        if status == 401:
            self.assertEqual(hdrs.get("WWW-Authenticate"), CHALLENGE)
        return body

    def bearer(self, key: str, **extra) -> dict:
        return {"Authorization": f"Bearer {key}", **extra}

    # --- the accepted forms -----------------------------------------------------------

    def test_valid_keys_are_accepted(self):
        for key in (self.test_key, self.live_key, self.other_key):
            s, _, body = self.get(self.bearer(key))
            self.assertEqual(s, 200, body)
            self.assertEqual(body["object"], "list", body)

    def test_scheme_is_case_insensitive_and_basic_and_bare_forms_work(self):
        basic = base64.b64encode(f"{self.test_key}:".encode()).decode()
        for value in (f"bearer {self.test_key}", f"BEARER  {self.test_key}",
                      f"Basic {basic}", self.test_key):
            s, _, body = self.get({"Authorization": value})
            self.assertEqual(s, 200, (value[:10], body))

    # --- refusals ---------------------------------------------------------------------

    def test_no_credentials_is_401_authentication_required(self):
        self.assert_error(self.get(), 401, "authentication_error", "AUTHENTICATION_REQUIRED")

    def test_malformed_keys_are_401(self):
        for value in ("Bearer", "Bearer sk_test_short", f"Bearer {self.test_key}x",
                      f"Bearer pk_test_{self.test_key[8:]}", f"Token {self.test_key}",
                      "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
                      "Basic " + base64.b64encode(f"{self.test_key}:pw".encode()).decode()):
            self.assert_error(self.get({"Authorization": value}), 401, "authentication_error",
                              "INVALID_API_KEY")

    def test_unknown_key_and_wrong_secret_look_the_same(self):
        wrong = self.test_key[:-1] + ("a" if self.test_key[-1] != "a" else "b")
        unknown = self.test_key[:8] + "0" * 16 + self.test_key[24:]
        a = self.assert_error(self.get(self.bearer(wrong)), 401, "authentication_error",
                              "INVALID_API_KEY")
        b = self.assert_error(self.get(self.bearer(unknown)), 401, "authentication_error",
                              "INVALID_API_KEY")
        self.assertEqual(a["error"]["message"], b["error"]["message"])

    def test_other_mode_prefix_on_a_valid_key_is_refused(self):
        swapped = "sk_live_" + self.test_key[8:]
        self.assert_error(self.get(self.bearer(swapped)), 401, "authentication_error",
                          "INVALID_API_KEY")

    def test_x_tenant_by_name_or_id_and_mismatch(self):
        for tenant in ("acme", self.acme_id):
            s, _, body = self.get(self.bearer(self.test_key, **{"X-Tenant": tenant}))
            self.assertEqual(s, 200, body)
        for tenant in ("globex", self.globex_id, "nobody", "ACME"):
            self.assert_error(self.get(self.bearer(self.test_key, **{"X-Tenant": tenant})),
                              403, "permission_error", "TENANT_MISMATCH")

    def test_revocation_is_effective_on_the_next_request(self):
        key = paydb.create_key(self.cfg, "acme", "test")
        s, _, _ = self.get(self.bearer(key))
        self.assertEqual(s, 200)
        self.db.sql(f"UPDATE api_keys SET revoked_at = now() WHERE lookup = '{key[8:24]}'")
        self.assert_error(self.get(self.bearer(key)), 401, "authentication_error",
                          "INVALID_API_KEY")
        s, _, _ = self.get(self.bearer(self.test_key))
        self.assertEqual(s, 200)

    def test_keys_never_reach_the_logs(self):
        wrong = self.test_key[:-1] + ("a" if self.test_key[-1] != "a" else "b")
        self.get(self.bearer(self.test_key))
        self.get(self.bearer(wrong))
        line = self.payd.wait_for_log(
            lambda l: l.get("key") == "sk_test_\u2026" + wrong[-4:], msg="authentication failed")
        self.assertEqual(line.get("reason"), "invalid_key")
        out = self.payd.stdout_text() + self.payd.stderr_text()
        for key in (self.test_key, self.live_key, self.other_key, wrong):
            self.assertNotIn(key[24:], out)   # the secret part
            self.assertNotIn(key[8:24], out)  # not even the lookup part

    # --- the database going away --------------------------------------------------------

    def test_zz_database_unavailable_is_503_then_recovers(self):
        # Refuse new connections to this database and cut payd's existing ones.
        paydb.psql(self.db.admin, f"ALTER DATABASE {self.db.name} WITH ALLOW_CONNECTIONS false")
        try:
            paydb.psql(self.db.admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      f"WHERE datname = '{self.db.name}' AND pid <> pg_backend_pid()")
            s, hdrs, body = self.get(self.bearer(self.test_key))
            self.assertEqual(s, 503, body)
            self.assertEqual(body["error"]["code"], "SERVICE_UNAVAILABLE")
            self.assertIsNotNone(hdrs.get("Retry-After"))
            # A malformed key is refused without a query: still 401.
            self.assert_error(self.get(self.bearer("sk_test_x")), 401, "authentication_error",
                              "INVALID_API_KEY")
        finally:
            paydb.psql(self.db.admin,
                       f"ALTER DATABASE {self.db.name} WITH ALLOW_CONNECTIONS true")
        deadline = time.monotonic() + 15
        while True:
            s, _, body = self.get(self.bearer(self.test_key))
            if s == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(s, 200, body)


if __name__ == "__main__":
    unittest.main()
