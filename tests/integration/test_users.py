"""Users and JWTs through the real daemon and a real PostgreSQL (docs/users.md): password
login with lockout and one answer for every failure, payd's tokens verified by jose, forged
tokens refused, key rotation over SIGHUP, API key -> token exchange, multi-tenant users.
Each attack below is one assertion block; the report in the issue lists them."""
from __future__ import annotations

import json
import shutil
import signal
import statistics
import tempfile
import time
import unittest

import authtest
import paydb
import paydtest
from authtest import AUDIENCE, ISSUER, TYP, call

LOCKOUT_SECONDS = 6


class UsersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-users-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme", "globex", "initech"))
        cls.keys = authtest.Keys(cls.work)
        with open(cls.keys.ed_public, "rb") as f:
            cls.ed_public_pem = f.read()
        cls.owner_key = paydb.create_key(cls.cfg, "acme", "test", role="owner")
        cls.dev_key = paydb.create_key(cls.cfg, "acme", "test", role="developer")
        cls.alice = authtest.create_user(cls.cfg, "acme", "Alice@Example.com", "admin")
        cls.bob = authtest.create_user(cls.cfg, "acme", "bob@example.com", "developer")
        cls.carol = authtest.create_user(cls.cfg, "acme", "carol@example.com", "admin")
        cls.carol_globex = authtest.create_user(cls.cfg, "globex", "carol@example.com",
                                                "read_only")
        cls.payd = paydtest.start_payd(cls.work, config_text=cls.config_text)
        cls.port = cls.payd.port

    @classmethod
    def config_text(cls, port: int) -> str:
        keys = (authtest.key_yaml("ed1", "EdDSA", cls.keys.ed_private, sign=True) +
                authtest.key_yaml("hs1", "HS256", cls.keys.hs_file))
        # No MFA action on: this suite is about logins and tokens (test_mfa.py does MFA).
        auth = authtest.auth_section(
            keys, cls.keys.kek_file,
            mfa="    actions: {refund: false, api-keys: false, webhooks: false}\n",
            login=f"  login: {{max_failures: 10, lockout: {LOCKOUT_SECONDS}s}}\n")
        return paydb.daemon_config(port, cls.db.url, extra=auth)

    @classmethod
    def tearDownClass(cls):
        if not cls.payd.alive():
            print("payd died:\n" + cls.payd.describe())
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def alice_token(self) -> str:
        return authtest.login_token(self.port, "alice@example.com",
                                    self.alice["initial_password"])

    # --- creation and login ---------------------------------------------------------------

    def test_cli_creates_users_and_memberships(self):
        self.assertTrue(self.alice["created"])
        self.assertEqual(self.alice["email"], "alice@example.com")  # stored lower-case
        self.assertRegex(self.alice["id"], r"^usr_[0-9A-Za-z]{24}$")
        self.assertGreaterEqual(len(self.alice["initial_password"]), 20)
        # The same address in another tenant: a membership, no new password.
        self.assertFalse(self.carol_globex["created"])
        self.assertTrue(self.carol_globex["membership_added"])
        self.assertIsNone(self.carol_globex["initial_password"])
        self.assertEqual(self.carol_globex["id"], self.carol["id"])
        # Only the scrypt hash is stored.
        stored = self.db.sql("SELECT password_hash FROM users WHERE email = 'alice@example.com'")
        self.assertTrue(stored.startswith("$scrypt$ln=17,r=8,p=1$"), stored)
        self.assertNotIn(self.alice["initial_password"], self.db.sql(
            "SELECT string_agg(u::text, ' ') FROM users u"))
        # Usage errors.
        bad = paydb.payd_cli(["admin", "user", "create", "--tenant", "acme", "--email",
                              "x@example.com", "--role", "root"], self.cfg, check=False)
        self.assertEqual(bad.returncode, 2, bad.stderr)
        bad = paydb.payd_cli(["admin", "user", "create", "--tenant", "nosuch", "--email",
                              "x@example.com", "--role", "admin"], self.cfg, check=False)
        self.assertEqual(bad.returncode, 1, bad.stderr)

    def test_login_issues_a_token_jose_verifies(self):
        s, hdrs, b = authtest.login(self.port, "ALICE@example.com",
                                    self.alice["initial_password"])
        self.assertEqual(s, 200, b)
        self.assertEqual(hdrs["Cache-Control"], "no-store")
        self.assertEqual((b["token_type"], b["expires_in"]), ("Bearer", 900))
        self.assertEqual(b["user"], {"id": self.alice["id"], "email": "alice@example.com"})
        self.assertEqual([t["name"] for t in b["tenants"]], ["acme"])
        token = b["access_token"]
        # jose, with the algorithm, issuer, audience and typ pinned, accepts it.
        out = authtest.jose_verify("EdDSA", self.keys.ed_public, token)
        self.assertTrue(out["ok"], out)
        self.assertEqual(out["header"]["typ"], TYP)
        self.assertEqual(out["header"]["kid"], "ed1")
        self.assertEqual(out["payload"]["sub"], self.alice["id"])
        self.assertEqual((out["payload"]["iss"], out["payload"]["aud"]), (ISSUER, AUDIENCE))
        self.assertEqual(out["payload"]["exp"] - out["payload"]["iat"], 900)
        # ... and not with another algorithm pinned, nor once expired.
        self.assertFalse(authtest.jose_verify("HS256", self.keys.hs_secret.hex(), token)["ok"])
        self.assertFalse(authtest.jose_verify("EdDSA", self.keys.ed_public, token,
                                              now=int(time.time()) + 3600)["ok"])
        # The token works, as the user, with the role's permissions.
        s, _, page = call(self.port, "GET", "/api/v1/payments", token)
        self.assertEqual(s, 200, page)
        s, _, b = call(self.port, "GET", "/api/v1/audit_events", token)
        self.assertEqual(s, 200, b)  # admin holds audit:read
        # The user's login is in the audit log, without the password.
        rows = self.db.sql("SELECT string_agg(action || ' ' || actor, ',') FROM audit_log "
                           f"WHERE actor = 'user:{self.alice['id']}'")
        self.assertIn("auth.login.succeeded", rows)
        self.assertIn("auth.token.issued", rows)

    def test_one_answer_for_unknown_user_wrong_password_and_locked_account(self):
        user = authtest.create_user(self.cfg, "acme", "locky@example.com", "read_only")
        pw = user["initial_password"]

        def attempt(email, password):
            t0 = time.monotonic()
            s, _, b = authtest.login(self.port, email, password)
            elapsed = time.monotonic() - t0
            if b:
                b.pop("request_id", None)
            return s, b, elapsed

        unknown = [attempt("nobody@example.com", "whatever-password") for _ in range(2)]
        wrong = [attempt("locky@example.com", f"wrong-password-{i}") for i in range(10)]
        # Ten failures in a row: locked, even for the right password.
        locked = [attempt("locky@example.com", pw) for _ in range(2)]
        bodies = {json.dumps(b, sort_keys=True) for _, b, _ in unknown + wrong + locked}
        self.assertEqual(len(bodies), 1, bodies)
        self.assertEqual({s for s, _, _ in unknown + wrong + locked}, {401})
        body = json.loads(bodies.pop())
        self.assertEqual(body["error"]["code"], "INVALID_CREDENTIALS")
        # Comparable timing: every path does one scrypt computation.
        medians = [statistics.median(e for _, _, e in group) for group in (unknown, wrong, locked)]
        self.assertGreater(min(medians) / max(medians), 0.3, medians)
        # The lockout ends.
        time.sleep(LOCKOUT_SECONDS + 1)
        s, _, b = authtest.login(self.port, "locky@example.com", pw)
        self.assertEqual(s, 200, b)
        # Failures are audited with their reason; the unknown address is not recorded.
        rows = self.db.sql("SELECT string_agg(details::text, ' ') FROM audit_log "
                           "WHERE action = 'auth.login.failed'")
        for reason in ("unknown_user", "wrong_password", "locked"):
            self.assertIn(reason, rows)
        self.assertNotIn("nobody@example.com", self.db.sql(
            "SELECT string_agg(a::text, ' ') FROM audit_log a"))
        self.assertNotIn("wrong-password", self.db.sql(
            "SELECT string_agg(a::text, ' ') FROM audit_log a"))

    def test_malformed_login_bodies_are_400(self):
        for body, param in (({"password": "x"}, "email"), ({"email": "a@b.c"}, "password"),
                            ({"email": "a@b.c", "password": "x", "mode": "prod"}, "mode"),
                            ({"email": "a@b.c", "password": "x", "extra": 1}, "extra")):
            s, _, b = call(self.port, "POST", "/api/v1/auth/login", None, body)
            self.assertEqual((s, b["error"]["param"]), (400, param), b)

    # --- forged tokens ----------------------------------------------------------------------

    def assertInvalidToken(self, token, what):
        s, hdrs, b = call(self.port, "GET", "/api/v1/payments", token)
        self.assertEqual(s, 401, (what, b))
        self.assertEqual(b["error"]["code"], "INVALID_TOKEN", what)
        self.assertIn('error="invalid_token"', hdrs["WWW-Authenticate"], what)

    def test_forged_tokens_are_401(self):
        sub = self.alice["id"]
        ed = lambda c, typ=TYP, kid="ed1": authtest.jose_sign(  # noqa: E731
            "EdDSA", self.keys.ed_private, kid, typ, c)
        now = int(time.time())
        # A control: a jose-signed token with every claim right is accepted.
        s, _, b = call(self.port, "GET", "/api/v1/payments", ed(authtest.claims(sub)))
        self.assertEqual(s, 200, b)
        good = self.alice_token()
        h, p, sig = good.split(".")
        attacks = {
            "alg none": authtest.unsigned({"alg": "none", "typ": TYP, "kid": "ed1"},
                                          authtest.claims(sub)),
            "alg none, no signature segment at all": authtest.unsigned(
                {"alg": "none", "typ": TYP}, authtest.claims(sub)).rstrip("."),
            "HS256 keyed with the EdDSA public key (alg confusion)": authtest.hs256(
                self.ed_public_pem, {"alg": "HS256", "typ": TYP, "kid": "ed1"},
                authtest.claims(sub)),
            "RS256 header": authtest.unsigned({"alg": "RS256", "typ": TYP, "kid": "ed1"},
                                              authtest.claims(sub), sig),
            "HS256 with a wrong key": authtest.hs256(
                b"w" * 32, {"alg": "HS256", "typ": TYP, "kid": "hs1"}, authtest.claims(sub)),
            "EdDSA header on the HS256 key": authtest.unsigned(
                {"alg": "EdDSA", "typ": TYP, "kid": "hs1"}, authtest.claims(sub), sig),
            "expired": ed(authtest.claims(sub, now=now - 3600, ttl=600)),
            "not yet valid": ed(authtest.claims(sub, nbf=now + 600, exp=now + 1200)),
            "issued in the future": ed(authtest.claims(sub, iat=now + 600)),
            "wrong audience": ed(authtest.claims(sub, aud="someone-else")),
            "wrong issuer": ed(authtest.claims(sub, iss="https://evil.example")),
            "wrong typ": ed(authtest.claims(sub), typ="JWT"),
            "no exp": ed(authtest.claims(sub, exp=None)),
            "tampered payload": h + "." + authtest.b64url_json(
                dict(authtest.decode(good)[1], mode="live")) + "." + sig,
            "unknown kid": ed(authtest.claims(sub), kid="nope"),
            "unknown user": ed(authtest.claims("usr_" + "A" * 24)),
            "truncated signature": good[:-4],
        }
        for what, token in attacks.items():
            with self.subTest(attack=what):
                self.assertInvalidToken(token, what)
        # The reasons are logged, never the tokens.
        logs = self.payd.stdout_text()
        self.assertIn("token_error", logs)
        for token in attacks.values():
            self.assertNotIn(token, logs)
        self.assertNotIn(good, logs)

    def test_hs256_tokens_of_the_verify_only_key_are_accepted(self):
        token = authtest.hs256(self.keys.hs_secret, {"alg": "HS256", "typ": TYP, "kid": "hs1"},
                               authtest.claims(self.alice["id"]))
        s, _, b = call(self.port, "GET", "/api/v1/payments", token)
        self.assertEqual(s, 200, b)

    # --- token exchange ---------------------------------------------------------------------

    def exchange(self, key, body=None):
        return call(self.port, "POST", "/api/v1/auth/token", key, body)

    def test_token_exchange_narrows_never_widens(self):
        s, hdrs, t = self.exchange(self.dev_key, {"scopes": ["payments:read"], "expires_in": 3600})
        self.assertEqual(s, 200, t)
        self.assertEqual(hdrs["Cache-Control"], "no-store")
        self.assertEqual((t["scopes"], t["expires_in"], t["livemode"]),
                         (["payments:read"], 3600, False))
        out = authtest.jose_verify("EdDSA", self.keys.ed_public, t["access_token"])
        self.assertTrue(out["ok"], out)
        self.assertEqual(out["payload"]["exp"] - out["payload"]["iat"], 3600)
        self.assertEqual(out["payload"]["scope"], "payments:read")
        token = t["access_token"]
        self.assertEqual(call(self.port, "GET", "/api/v1/payments", token)[0], 200)
        s, _, b = call(self.port, "POST", "/api/v1/payments", token,
                       {"amount": 100, "currency": "USD"})
        self.assertEqual((s, b["error"]["code"]), (403, "INSUFFICIENT_PERMISSIONS"))
        # Wider than the key (a developer has no refunds:create): refused, naming it.
        s, _, b = self.exchange(self.dev_key, {"scopes": ["payments:read", "refunds:create"]})
        self.assertEqual((s, b["error"]["code"]), (403, "INSUFFICIENT_PERMISSIONS"), b)
        self.assertIn("refunds:create", b["error"]["message"])
        # Bad requests.
        for body, param in (({"expires_in": 10}, "expires_in"), ({"scopes": []}, "scopes"),
                            ({"scopes": ["payments:steal"]}, "scopes[0]"),
                            ({"scope": ["payments:read"]}, "scope")):
            s, _, b = self.exchange(self.dev_key, body)
            self.assertEqual((s, b["error"]["param"]), (400, param), b)
        # The narrowed token does not even hold account:self ...
        s, _, b = self.exchange(token, {})
        self.assertEqual((s, b["error"]["code"]), (403, "INSUFFICIENT_PERMISSIONS"), b)
        self.assertIn("account:self", b["error"]["message"])
        # No body: every permission of the key, the default lifetime.
        s, _, t = self.exchange(self.dev_key)
        self.assertEqual((s, t["expires_in"]), (200, 900), t)
        self.assertIn("payments:create", t["scopes"])
        self.assertIn("account:self", t["scopes"])
        self.assertNotIn("refunds:create", t["scopes"])
        # ... and one that does still cannot buy another token.
        s, _, b = self.exchange(t["access_token"], {})
        self.assertEqual((s, b["error"]["code"]), (400, "API_KEY_REQUIRED"), b)

    def test_revoked_key_kills_its_tokens_on_the_next_request(self):
        s, _, k = call(self.port, "POST", "/api/v1/api_keys", self.owner_key,
                       {"name": "short-lived", "role": "developer"})
        self.assertEqual(s, 201, k)
        s, _, t = self.exchange(k["secret"], {"scopes": ["payments:read"]})
        self.assertEqual(s, 200, t)
        self.assertEqual(call(self.port, "GET", "/api/v1/payments", t["access_token"])[0], 200)
        s, _, _ = call(self.port, "POST", f"/api/v1/api_keys/{k['id']}/revoke", self.owner_key)
        self.assertEqual(s, 200)
        s, _, b = call(self.port, "GET", "/api/v1/payments", t["access_token"])
        self.assertEqual((s, b["error"]["code"]), (401, "INVALID_TOKEN"), b)

    # --- tenants ----------------------------------------------------------------------------

    def test_multi_tenant_user_picks_with_x_tenant(self):
        token = authtest.login_token(self.port, "carol@example.com",
                                     self.carol["initial_password"])
        s, _, b = call(self.port, "GET", "/api/v1/payments", token)
        self.assertEqual((s, b["error"]["code"]), (403, "TENANT_REQUIRED"), b)
        self.assertEqual(call(self.port, "GET", "/api/v1/payments", token,
                              headers={"X-Tenant": "acme"})[0], 200)
        self.assertEqual(call(self.port, "GET", "/api/v1/payments", token,
                              headers={"X-Tenant": "globex"})[0], 200)
        # read_only in globex, admin in acme.
        s, _, b = call(self.port, "GET", "/api/v1/api_keys", token, headers={"X-Tenant": "globex"})
        self.assertEqual((s, b["error"]["code"]), (403, "INSUFFICIENT_PERMISSIONS"), b)
        self.assertEqual(call(self.port, "GET", "/api/v1/api_keys", token,
                              headers={"X-Tenant": "acme"})[0], 200)
        # Not a member: 403 TENANT_MISMATCH, by name or id.
        s, _, b = call(self.port, "GET", "/api/v1/payments", token, headers={"X-Tenant": "initech"})
        self.assertEqual((s, b["error"]["code"]), (403, "TENANT_MISMATCH"), b)
        # BOLA: acme's payment is not visible from globex.
        s, _, pay = call(self.port, "POST", "/api/v1/payments", self.owner_key,
                         {"amount": 1200, "currency": "USD", "payment_method": "4242424242424242"})
        self.assertEqual(s, 201, pay)
        self.assertEqual(call(self.port, "GET", f"/api/v1/payments/{pay['id']}", token,
                              headers={"X-Tenant": "acme"})[0], 200)
        s, _, b = call(self.port, "GET", f"/api/v1/payments/{pay['id']}", token,
                       headers={"X-Tenant": "globex"})
        self.assertEqual(s, 404, b)
        # A token bound at login to one tenant stays there.
        bound = authtest.login_token(self.port, "carol@example.com", self.carol["initial_password"],
                                     tenant="globex")
        self.assertEqual(call(self.port, "GET", "/api/v1/payments", bound)[0], 200)
        s, _, b = call(self.port, "GET", "/api/v1/payments", bound, headers={"X-Tenant": "acme"})
        self.assertEqual((s, b["error"]["code"]), (403, "TENANT_MISMATCH"), b)
        s, _, b = authtest.login(self.port, "carol@example.com", self.carol["initial_password"],
                                 tenant="initech")
        self.assertEqual((s, b["error"]["code"]), (403, "TENANT_MISMATCH"), b)
        # Live mode when asked for at login: live data only.
        live = authtest.login_token(self.port, "alice@example.com", self.alice["initial_password"],
                                    mode="live")
        s, _, b = call(self.port, "GET", f"/api/v1/payments/{pay['id']}", live)
        self.assertEqual(s, 404, b)


class RotationTest(unittest.TestCase):
    """Two keys during a rotation: the old key's tokens stay valid while it is configured and
    die once it is removed and payd reloads (SIGHUP)."""

    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-rotation-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work)
        cls.keys = authtest.Keys(cls.work)
        cls.user = authtest.create_user(cls.cfg, "acme", "rot@example.com", "developer")

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def config(self, port, keys_yaml):
        return paydb.daemon_config(port, self.db.url,
                                   extra=authtest.auth_section(keys_yaml, self.keys.kek_file))

    def test_rotation(self):
        old = authtest.key_yaml("old", "HS256", self.keys.hs_file, sign=True)
        new_signing = authtest.key_yaml("new", "EdDSA", self.keys.ed_private, sign=True)
        p = paydtest.start_payd(self.work, config_text=lambda port: self.config(port, old))
        try:
            pw = self.user["initial_password"]
            t_old = authtest.login_token(p.port, "rot@example.com", pw)
            self.assertEqual(authtest.decode(t_old)[0]["kid"], "old")
            out = authtest.jose_verify("HS256", self.keys.hs_secret.hex(), t_old)
            self.assertTrue(out["ok"], out)

            def reload(keys_yaml, expect_keys):
                before = len(p.find_logs(msg="auth settings reloaded"))
                p.write_config(text=self.config(p.port, keys_yaml))
                p.signal(signal.SIGHUP)
                deadline = time.monotonic() + 10
                while len(p.find_logs(msg="auth settings reloaded")) == before:
                    self.assertLess(time.monotonic(), deadline, p.describe())
                    time.sleep(0.05)
                self.assertEqual(p.find_logs(msg="auth settings reloaded")[-1]["jwt_keys"],
                                 expect_keys)

            # Step 1: the new key signs, the old one still verifies.
            reload(new_signing + old.replace("sign: true", "sign: false"), 2)
            self.assertEqual(call(p.port, "GET", "/api/v1/payments", t_old)[0], 200)
            t_new = authtest.login_token(p.port, "rot@example.com", pw)
            self.assertEqual(authtest.decode(t_new)[0]["kid"], "new")
            self.assertTrue(authtest.jose_verify("EdDSA", self.keys.ed_public, t_new)["ok"])
            # Step 2: the old key is gone: its tokens die, the new ones live.
            reload(new_signing, 1)
            s, _, b = call(p.port, "GET", "/api/v1/payments", t_old)
            self.assertEqual((s, b["error"]["code"]), (401, "INVALID_TOKEN"), b)
            self.assertEqual(call(p.port, "GET", "/api/v1/payments", t_new)[0], 200)
            # A reload with a broken key file is rejected; the running keys stay.
            p.write_config(text=self.config(p.port, authtest.key_yaml(
                "new", "EdDSA", self.work + "/missing.pem", sign=True)))
            p.signal(signal.SIGHUP)
            p.wait_for_log(msg="auth settings reload rejected", timeout=10)
            self.assertEqual(call(p.port, "GET", "/api/v1/payments", t_new)[0], 200)
        finally:
            p.stop()


class WithoutAuthSectionTest(unittest.TestCase):
    def test_auth_routes_answer_404_and_tokens_are_not_accepted(self):
        paydb.plugin_dir()
        work = tempfile.mkdtemp(prefix="payd-noauth-")
        db, cfg = paydb.migrated_database(work)
        try:
            key = paydb.create_key(cfg, "acme", "test")
            p = paydtest.start_payd(work, config_text=lambda port: paydb.daemon_config(port,
                                                                                       db.url))
            try:
                s, _, b = authtest.login(p.port, "a@example.com", "whatever")
                self.assertEqual((s, b["error"]["code"]), (404, "RESOURCE_NOT_FOUND"), b)
                s, _, b = call(p.port, "POST", "/api/v1/auth/token", key, {})
                self.assertEqual(s, 404, b)
                s, _, b = call(p.port, "GET", "/api/v1/payments", "eyJhbGciOiJub25lIn0.e30.")
                self.assertEqual((s, b["error"]["code"]), (401, "INVALID_API_KEY"), b)
            finally:
                p.stop()
        finally:
            db.drop()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
