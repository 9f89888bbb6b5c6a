"""TOTP step-up through the real daemon and a real PostgreSQL (docs/users.md): enrolment with
codes otplib computes from payd's otpauth URI, the 401 MFA_CHALLENGE_REQUIRED -> verify ->
retry flow, single use of codes (replay, 50 concurrent submissions), step-ups and challenges
bound to their user, recovery codes, disabling (itself privileged), and the seed sealed at
rest. Each user is fresh: a TOTP code is single use, so a user has about two usable codes per
30 s step (the current one and the next, within the accepted window)."""
from __future__ import annotations

import concurrent.futures
import shutil
import subprocess
import tempfile
import time
import unittest

import authtest
import paydb
import paydtest
from authtest import call


class MfaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-mfa-")
        cls.db, cls.cfg = paydb.migrated_database(cls.work, ("acme",))
        cls.keys = authtest.Keys(cls.work)
        cls.owner_key = paydb.create_key(cls.cfg, "acme", "test", role="owner")
        cls.payd = paydtest.start_payd(cls.work, config_text=cls.config_text)
        cls.port = cls.payd.port
        cls.seen_secrets: list[str] = []

    @classmethod
    def config_text(cls, port: int) -> str:
        keys = authtest.key_yaml("ed1", "EdDSA", cls.keys.ed_private, sign=True)
        auth = authtest.auth_section(keys, cls.keys.kek_file,
                                     mfa="    step_up_ttl: 10m\n    challenge_ttl: 5m\n"
                                         "    max_failures: 5\n    lockout: 3s\n")
        return paydb.daemon_config(port, cls.db.url, extra=auth, pool_size=8)

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    _n = 0

    def new_user(self, role="admin") -> tuple[str, str]:
        """A fresh user's id and token."""
        MfaTest._n += 1
        email = f"mfa{MfaTest._n}-{int(time.time())}@example.com"
        u = authtest.create_user(self.cfg, "acme", email, role)
        return u["id"], authtest.login_token(self.port, email, u["initial_password"])

    def enroll(self, token) -> dict:
        s, hdrs, e = call(self.port, "POST", "/api/v1/auth/mfa/enroll", token)
        self.assertEqual(s, 200, e)
        self.assertEqual(hdrs["Cache-Control"], "no-store")
        self.seen_secrets.append(e["secret"])
        return e

    def enrolled_user(self, role="admin"):
        """A user with a confirmed factor; returns (id, token, enrolment, step used)."""
        uid, token = self.new_user(role)
        e = self.enroll(token)
        now = int(time.time())
        code = authtest.otp_from_uri(e["otpauth_uri"], now)[0]
        s, _, v = call(self.port, "POST", "/api/v1/auth/mfa/verify", token, {"code": code})
        self.assertEqual(s, 200, v)
        self.assertTrue(v["enrolled"])
        return uid, token, e, now

    def create_key(self, token, name="k"):
        return call(self.port, "POST", "/api/v1/api_keys", token,
                    {"name": name, "role": "read_only"})

    def verify(self, token, challenge, code):
        return call(self.port, "POST", "/api/v1/auth/mfa/verify", token,
                    {"challenge_id": challenge, "code": code})

    def challenge_of(self, response) -> str:
        s, hdrs, b = response
        self.assertEqual((s, b["error"]["code"]), (401, "MFA_CHALLENGE_REQUIRED"), b)
        self.assertEqual(b["error"]["type"], "authentication_error")
        self.assertRegex(b["challenge_id"], r"^mfac_[0-9A-Za-z]{24}$")
        self.assertIn("challenge_expires_at", b)
        return b["challenge_id"]

    # --- enrolment and the step-up flow ----------------------------------------------------

    def test_enrol_then_step_up_then_retry(self):
        uid, token = self.new_user()
        # Without a factor a privileged action cannot be stepped up.
        s, _, b = self.create_key(token)
        self.assertEqual((s, b["error"]["code"]), (403, "MFA_ENROLLMENT_REQUIRED"), b)
        e = self.enroll(token)
        self.assertTrue(e["otpauth_uri"].startswith("otpauth://totp/payd:"), e)
        self.assertIn(f"secret={e['secret']}", e["otpauth_uri"])
        self.assertEqual(len(e["recovery_codes"]), 10)
        # Unconfirmed: still no step-up possible.
        s, _, b = self.create_key(token)
        self.assertEqual((s, b["error"]["code"]), (403, "MFA_ENROLLMENT_REQUIRED"), b)
        # A wrong first code does not confirm it.
        s, _, b = call(self.port, "POST", "/api/v1/auth/mfa/verify", token, {"code": "000000"})
        self.assertEqual((s, b["error"]["code"], b["error"]["param"]),
                         (400, "MFA_CODE_INVALID", "code"), b)
        # otplib reads the URI and computes the code payd accepts.
        now = int(time.time())
        code_now, code_next = authtest.otp_from_uri(e["otpauth_uri"], now, now + 30)
        self.assertEqual(code_now, authtest.otp(e["secret"], now)[0])
        s, _, v = call(self.port, "POST", "/api/v1/auth/mfa/verify", token, {"code": code_now})
        self.assertEqual(s, 200, v)
        self.assertEqual((v["enrolled"], v["challenge_id"]), (True, None))
        s, _, b = call(self.port, "POST", "/api/v1/auth/mfa/enroll", token)
        self.assertEqual((s, b["error"]["code"]), (409, "MFA_ALREADY_ENROLLED"), b)
        # The privileged action asks for a step-up.
        challenge = self.challenge_of(self.create_key(token))
        # Replaying the code used for the enrolment is refused.
        s, _, b = self.verify(token, challenge, code_now)
        self.assertEqual((s, b["error"]["code"]), (400, "MFA_CODE_INVALID"), b)
        # The next code answers the challenge; the retry succeeds.
        s, _, v = self.verify(token, challenge, code_next)
        self.assertEqual(s, 200, v)
        self.assertEqual((v["challenge_id"], v["action"], v["recovery_code_used"]),
                         (challenge, "api-keys", False))
        self.assertIsNotNone(v["step_up_expires_at"])
        s, _, k = self.create_key(token)
        self.assertEqual(s, 201, k)
        # The step-up covers the other configured actions too (a refund here: 404, no payment).
        s, _, b = call(self.port, "POST", "/api/v1/refunds", token, {"payment_id": "pay_missing"})
        self.assertEqual(s, 404, b)
        # An answered challenge cannot be answered again.
        s, _, b = self.verify(token, challenge, code_next)
        self.assertEqual(s, 404, b)
        # Audit rows, without codes or seeds.
        rows = self.db.sql("SELECT string_agg(action, ',') FROM audit_log "
                           f"WHERE actor = 'user:{uid}'")
        for action in ("auth.mfa.enrolled", "auth.mfa.failed", "auth.mfa.verified"):
            self.assertIn(action, rows)
        dump = self.db.sql("SELECT string_agg(a::text, ' ') FROM audit_log a")
        for secret in (e["secret"], code_now, code_next, *e["recovery_codes"]):
            self.assertNotIn(secret, dump)

    def test_create_payment_is_not_an_mfa_action_by_default_and_keys_are_exempt(self):
        _, token = self.new_user()
        s, _, b = call(self.port, "POST", "/api/v1/payments", token,
                       {"amount": 500, "currency": "USD", "payment_method": "4242424242424242"})
        self.assertEqual(s, 201, b)
        # A user without a factor is refused a refund; an API key is not asked at all.
        s, _, b = call(self.port, "POST", "/api/v1/refunds", token,
                       {"payment_id": b["id"], "amount": 100})
        self.assertEqual((s, b["error"]["code"]), (403, "MFA_ENROLLMENT_REQUIRED"), b)
        s, _, k = self.create_key(self.owner_key)
        self.assertEqual(s, 201, k)

    # --- single use ------------------------------------------------------------------------

    def test_fifty_concurrent_submissions_of_one_code_one_success(self):
        _, token, e, t0 = self.enrolled_user()
        challenges = [self.challenge_of(self.create_key(token)) for _ in range(50)]
        self.assertEqual(len(set(challenges)), 50)
        code = authtest.otp_from_uri(e["otpauth_uri"], t0 + 30)[0]
        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(lambda c: self.verify(token, c, code), challenges))
        statuses = sorted(s for s, _, _ in results)
        self.assertEqual(statuses.count(200), 1, statuses)
        self.assertEqual(statuses.count(400), 49, statuses)
        for s, _, b in results:
            if s == 400:
                self.assertEqual(b["error"]["code"], "MFA_CODE_INVALID")
        # And after the race, the same code is still refused.
        s, _, b = self.verify(token, challenges[0], code)
        self.assertIn(s, (400, 404), b)

    def test_wrong_codes_lock_the_factor_per_user(self):
        uid, token, e, t0 = self.enrolled_user()
        challenge = self.challenge_of(self.create_key(token))
        right = authtest.otp_from_uri(e["otpauth_uri"], t0 + 30)[0]
        near = set(authtest.otp_from_uri(e["otpauth_uri"], t0 - 30, t0, t0 + 30, t0 + 60, t0 + 90))
        wrong = [c for c in authtest.otp_from_uri(e["otpauth_uri"],
                                                  *[t0 + 3600 + 30 * i for i in range(12)])
                 if c not in near][:5]
        self.assertEqual(len(wrong), 5)
        for code in wrong[:4]:
            s, _, b = self.verify(token, challenge, code)
            self.assertEqual((s, b["error"]["code"]), (400, "MFA_CODE_INVALID"), b)
        s, _, b = self.verify(token, challenge, wrong[4])
        self.assertEqual((s, b["error"]["code"]), (403, "MFA_LOCKED"), b)
        # Locked: the right code is refused too, and is not spent.
        s, _, b = self.verify(token, challenge, right)
        self.assertEqual((s, b["error"]["code"]), (403, "MFA_LOCKED"), b)
        self.assertEqual(self.db.sql(f"SELECT failed_codes >= 5 AND locked_until > now() "
                                     f"FROM mfa_factors WHERE user_id = '{uid}'"), "t")
        locked = self.db.sql(f"SELECT count(*) FROM audit_log WHERE action = 'auth.mfa.failed' "
                             f"AND target = 'user:{uid}' AND details->>'reason' = 'locked'")
        self.assertEqual(locked, "2")
        # Another user is not affected.
        other_uid, other_token, other_e, other_t0 = self.enrolled_user()
        other_challenge = self.challenge_of(self.create_key(other_token))
        other_code = authtest.otp_from_uri(other_e["otpauth_uri"], other_t0 + 30)[0]
        self.assertEqual(self.verify(other_token, other_challenge, other_code)[0], 200)
        # The lock ends (lockout: 3s in this suite's config); a right code clears the count.
        time.sleep(3.5)
        s, _, v = self.verify(token, challenge, right)
        self.assertEqual(s, 200, v)
        self.assertEqual(self.db.sql(f"SELECT failed_codes, locked_until IS NULL FROM mfa_factors "
                                     f"WHERE user_id = '{uid}'"), "0|t")

    # --- binding to the user ---------------------------------------------------------------

    def test_challenges_and_step_ups_are_bound_to_their_user(self):
        a_id, a_token, a_enrol, a_t0 = self.enrolled_user()
        b_id, b_token, b_enrol, b_t0 = self.enrolled_user()
        a_challenge = self.challenge_of(self.create_key(a_token))
        # B, with a valid code of B's own, cannot answer A's challenge (404, code not spent).
        b_code = authtest.otp_from_uri(b_enrol["otpauth_uri"], b_t0 + 30)[0]
        s, _, b = self.verify(b_token, a_challenge, b_code)
        self.assertEqual((s, b["error"]["code"]), (404, "RESOURCE_NOT_FOUND"), b)
        # A answers A's challenge.
        a_code = authtest.otp_from_uri(a_enrol["otpauth_uri"], a_t0 + 30)[0]
        s, _, v = self.verify(a_token, a_challenge, a_code)
        self.assertEqual(s, 200, v)
        self.assertEqual(self.create_key(a_token)[0], 201)
        # A's step-up does nothing for B; B's unspent code still works for B's own challenge.
        b_challenge = self.challenge_of(self.create_key(b_token))
        s, _, v = self.verify(b_token, b_challenge, b_code)
        self.assertEqual(s, 200, v)
        self.assertEqual(self.create_key(b_token)[0], 201)

    # --- recovery codes and disabling ------------------------------------------------------

    def test_recovery_code_works_once(self):
        _, token, e, _ = self.enrolled_user()
        recovery = e["recovery_codes"][3]
        c1 = self.challenge_of(self.create_key(token))
        s, _, v = self.verify(token, c1, recovery.upper())  # as typed: case and dashes
        self.assertEqual(s, 200, v)
        self.assertTrue(v["recovery_code_used"])
        # Used: refused for the next challenge (a fresh user's step-up would cover the action,
        # so ask through disable, whose step-up is its own).
        c2 = self.challenge_of(call(self.port, "POST", "/api/v1/auth/mfa/disable", token))
        s, _, b = self.verify(token, c2, recovery)
        self.assertEqual((s, b["error"]["code"]), (400, "MFA_CODE_INVALID"), b)
        s, _, v = self.verify(token, c2, e["recovery_codes"][4])
        self.assertEqual(s, 200, v)

    def test_disable_needs_a_fresh_step_up_of_its_own(self):
        _, token, e, t0 = self.enrolled_user()
        c = self.challenge_of(self.create_key(token))
        code = authtest.otp_from_uri(e["otpauth_uri"], t0 + 30)[0]
        self.assertEqual(self.verify(token, c, code)[0], 200)
        # The general step-up does not cover disabling MFA.
        c_disable = self.challenge_of(call(self.port, "POST", "/api/v1/auth/mfa/disable", token))
        self.assertEqual(self.verify(token, c_disable, e["recovery_codes"][0])[0], 200)
        s, _, b = call(self.port, "POST", "/api/v1/auth/mfa/disable", token)
        self.assertEqual((s, b), (200, {"object": "mfa_factor", "disabled": True}))
        # Gone with it: the factor and every step-up.
        s, _, b = self.create_key(token)
        self.assertEqual((s, b["error"]["code"]), (403, "MFA_ENROLLMENT_REQUIRED"), b)
        # A new enrolment starts from scratch.
        self.enroll(token)

    def test_mfa_routes_are_for_users(self):
        s, _, b = call(self.port, "POST", "/api/v1/auth/mfa/enroll", self.owner_key)
        self.assertEqual((s, b["error"]["code"]), (400, "USER_REQUIRED"), b)
        s, _, b = call(self.port, "POST", "/api/v1/auth/mfa/verify", self.owner_key,
                       {"code": "123456"})
        self.assertEqual((s, b["error"]["code"]), (400, "USER_REQUIRED"), b)

    # --- at rest ---------------------------------------------------------------------------

    def test_seed_is_sealed_at_rest_and_secrets_are_nowhere(self):
        uid, token, e, _ = self.enrolled_user()
        row = self.db.sql(f"SELECT encode(secret_sealed, 'hex'), kek_id FROM mfa_factors "
                          f"WHERE user_id = '{uid}'")
        sealed_hex, kek_id = row.split("|")
        self.assertTrue(sealed_hex.startswith("01" + kek_id), row)  # version, kek id
        self.assertEqual(len(sealed_hex) // 2, 33 + 20)
        raw = authtest.unb32(e["secret"])
        self.assertNotIn(raw.hex(), sealed_hex)
        dump = subprocess.run(["pg_dump", "--data-only", self.db.url], capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(dump.returncode, 0, dump.stderr)
        secrets_seen = self.seen_secrets + [raw.hex()] + e["recovery_codes"] + [
            c.replace("-", "") for c in e["recovery_codes"]]
        for s in secrets_seen:
            self.assertNotIn(s, dump.stdout)
            self.assertNotIn(s.lower(), dump.stdout)
        logs = self.payd.stdout_text() + self.payd.stderr_text()
        for s in secrets_seen + [token]:
            self.assertNotIn(s, logs)
        # A seed copied onto another user's row does not open (AAD bound to the user id).
        other_id, other_token, other_e, _ = self.enrolled_user()
        self.db.sql(f"UPDATE mfa_factors SET secret_sealed = (SELECT secret_sealed FROM "
                    f"mfa_factors WHERE user_id = '{uid}') WHERE user_id = '{other_id}'")
        c = self.challenge_of(self.create_key(other_token))
        code = authtest.otp(e["secret"], int(time.time()) + 30)[0]
        s, _, b = self.verify(other_token, c, code)
        self.assertEqual(s, 500, b)
        self.assertNotIn(e["secret"], self.payd.stdout_text())


class KeysNotExemptTest(unittest.TestCase):
    def test_api_keys_refused_privileged_actions_when_not_exempt(self):
        paydb.plugin_dir()
        work = tempfile.mkdtemp(prefix="payd-mfa-keys-")
        db, cfg = paydb.migrated_database(work)
        try:
            keys = authtest.Keys(work)
            key = paydb.create_key(cfg, "acme", "test", role="owner")
            auth = authtest.auth_section(
                authtest.key_yaml("ed1", "EdDSA", keys.ed_private, sign=True), keys.kek_file,
                mfa="    api_keys_exempt: false\n    actions: {create-payment: true}\n")
            p = paydtest.start_payd(work, config_text=lambda port: paydb.daemon_config(
                port, db.url, extra=auth))
            try:
                for path, body in (("/api/v1/api_keys", {"name": "x"}),
                                   ("/api/v1/payments", {"amount": 100, "currency": "USD"})):
                    s, _, b = call(p.port, "POST", path, key, body)
                    self.assertEqual((s, b["error"]["code"]), (403, "MFA_ENROLLMENT_REQUIRED"), b)
                self.assertEqual(call(p.port, "GET", "/api/v1/api_keys", key)[0], 200)
            finally:
                p.stop()
        finally:
            db.drop()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
