"""The secrets canary (issue #5): one daemon, known secrets of every kind, every path that
handles them (success, refusal, malformed input, wrong and revoked credentials), then a
grep of payd's logs, of every error body and of a pg_dump of the whole database. Zero
hits is the only pass.

Canaries: an API key (whole and its secret part), a restricted key made through the API,
test card numbers, a connector's webhook secret, a user's password and a near miss of it,
the TOTP seed (base32 and raw hex) and recovery codes, a TOTP code, and an access JWT."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import authtest
import paydb
import paydtest

CARDS = ["4242424242424242", "4000000000000002", "4000002760003184"]
WEBHOOK_SECRET = "whsec_canary_0a1b2c3d4e5f60718293a4b5c6d7e8f9"


class SecretsCanaryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-canary-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme",))
        cls.keys = authtest.Keys(cls.work)
        cls.key = paydb.create_key(cls.cfg, "acme", "test", role="owner")
        cls.user = authtest.create_user(cls.cfg, "acme", "canary@example.com", "owner")
        cls.payd = paydtest.start_payd(cls.work, config_text=cls.config_text)
        cls.port = cls.payd.port
        cls.canaries: list[str] = [cls.key, cls.key[24:], WEBHOOK_SECRET,
                                   cls.user["initial_password"], *CARDS]
        cls.error_bodies: list[str] = []
        cls.exercise()

    @classmethod
    def config_text(cls, port: int) -> str:
        connectors = ("  - id: sandbox\n    plugin: sandbox\n    mode: test\n"
                      f"    config: {{webhook_secret: {WEBHOOK_SECRET}}}\n")
        keys = authtest.key_yaml("ed1", "EdDSA", cls.keys.ed_private, sign=True)
        auth = authtest.auth_section(keys, cls.keys.kek_file)
        # debug: the most a log ever says
        return paydb.daemon_config(port, cls.db.url, connectors=connectors, log_level="debug",
                                   extra=auth)

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def call(cls, method, path, token=None, body=None, headers=None, raw=None):
        h = {"Authorization": f"Bearer {token}"} if token else {}
        h.update(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        status, hdrs, out = paydtest.http_get(cls.port, path, headers=h, method=method,
                                              body=data, timeout=30)
        if status >= 400:
            cls.error_bodies.append(out.decode("utf-8", "replace"))
        try:
            return status, json.loads(out) if out else None
        except ValueError:
            return status, None

    @classmethod
    def exercise(cls):
        key = cls.key
        # Payments with real-looking test cards, good, declined and needing action.
        for card in CARDS:
            cls.call("POST", "/api/v1/payments", key,
                     {"amount": 1000, "currency": "EUR", "payment_method": card})
        # Malformed requests carrying a card number: refused without echoing it.
        cls.call("POST", "/api/v1/payments", key,
                 {"amount": "ten", "currency": "EUR", "payment_method": CARDS[0]})
        cls.call("POST", "/api/v1/payments", key,
                 {"amount": 1000, "currency": "EUR", "payment_method": CARDS[0], "cvc": "123"})
        cls.call("POST", "/api/v1/payments", key, raw=b'{"payment_method": "' +
                 CARDS[0].encode() + b'", ', headers={"Content-Type": "application/json"})
        # Wrong, near-miss and revoked credentials.
        near = key[:-1] + ("A" if key[-1] != "A" else "B")
        cls.canaries.append(near)
        cls.call("GET", "/api/v1/payments", near)
        cls.call("GET", "/api/v1/payments", key + "x")
        s, made = cls.call("POST", "/api/v1/api_keys", key, {"name": "canary", "role": "read_only"})
        assert s == 201, made
        cls.canaries += [made["secret"], made["secret"][24:]]
        cls.call("POST", f"/api/v1/api_keys/{made['id']}/revoke", key)
        cls.call("GET", "/api/v1/payments", made["secret"])
        # Passwords: right, wrong (a near miss), unknown user.
        password = cls.user["initial_password"]
        wrong = password[:-1] + ("x" if password[-1] != "x" else "y")
        cls.canaries.append(wrong)
        cls.call("POST", "/api/v1/auth/login", body={"email": "canary@example.com",
                                                     "password": wrong})
        cls.call("POST", "/api/v1/auth/login", body={"email": "nobody@example.com",
                                                     "password": password})
        s, logged_in = cls.call("POST", "/api/v1/auth/login",
                                body={"email": "canary@example.com", "password": password})
        assert s == 200, logged_in
        token = logged_in["access_token"]
        cls.canaries.append(token)
        # A tampered token.
        cls.call("GET", "/api/v1/payments", token[:-2] + "AA")
        # TOTP: enrol, a wrong code, the right code (then replayed).
        s, e = cls.call("POST", "/api/v1/auth/mfa/enroll", token, {})
        assert s == 200, e
        raw = authtest.unb32(e["secret"])
        cls.canaries += [e["secret"], raw.hex(), *e["recovery_codes"],
                         *[c.replace("-", "") for c in e["recovery_codes"]]]
        now = int(time.time())
        code = authtest.otp_from_uri(e["otpauth_uri"], now)[0]
        cls.call("POST", "/api/v1/auth/mfa/verify", token,
                 {"code": f"{(int(code) + 1) % 1000000:06d}"})
        s, v = cls.call("POST", "/api/v1/auth/mfa/verify", token, {"code": code})
        assert s == 200, v
        cls.call("POST", "/api/v1/auth/mfa/verify", token, {"code": code})
        # A recovery code, wrong then right, in a step-up.
        s, b = cls.call("POST", "/api/v1/api_keys", token, {"name": "by user", "role": "read_only"})
        assert s == 401 and b["error"]["code"] == "MFA_CHALLENGE_REQUIRED", b
        challenge = b["challenge_id"]
        cls.call("POST", "/api/v1/auth/mfa/verify", token,
                 {"challenge_id": challenge, "code": "zzzz-zzzz-zzzz"})
        s, v = cls.call("POST", "/api/v1/auth/mfa/verify", token,
                        {"challenge_id": challenge, "code": e["recovery_codes"][0]})
        assert s == 200 and v["recovery_code_used"], v
        cls.canaries = [c for c in cls.canaries if c]
        time.sleep(0.3)  # the last log lines

    def hits(self, text: str) -> list[str]:
        return [c[:12] + "…" for c in self.canaries if c in text or c.lower() in text.lower()]

    def test_the_exercise_really_ran(self):
        self.assertGreater(len(self.error_bodies), 10)
        self.assertGreater(len(self.canaries), 15)
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments"), "3")

    def test_no_canary_in_the_logs(self):
        logs = self.payd.stdout_text() + self.payd.stderr_text()
        self.assertGreater(len(logs.splitlines()), 30, "debug logging ran")
        self.assertEqual(self.hits(logs), [])

    def test_no_canary_in_an_error_body(self):
        for body in self.error_bodies:
            self.assertEqual(self.hits(body), [], body)

    def test_no_canary_in_the_database(self):
        dump = subprocess.run(["pg_dump", "--data-only", self.db.url], capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(dump.returncode, 0, dump.stderr)
        self.assertIn("payment.created", dump.stdout)
        self.assertEqual(self.hits(dump.stdout), [])

    def test_no_canary_in_metrics(self):
        s, _, text = paydtest.http_get(self.port, "/metrics")
        self.assertEqual(s, 200)
        self.assertEqual(self.hits(text.decode()), [])


if __name__ == "__main__":
    unittest.main()
