"""The tamper-evident audit log end to end: the real payd, real PostgreSQL, the real CLI.

Mutating requests write rows with the right actor, action, target, outcome and truncated
IP; idempotent replays write none; the daemon's role cannot rewrite the log; and tampering
as the database superuser (triggers disabled) is always found by GET /audit_events/verify
and `payd admin audit verify`, truncation against an earlier checkpoint. The hashes are
also recomputed here, in Python, from docs/audit.md alone."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import paydb
import paydtest

CARD_OK = "4242424242424242"
CARD_DECLINE = "4000000000000002"
UA = "audit-test/1.0 (+https://example.test)"
ZERO = "0" * 64


def superuser_url(url: str) -> str:
    """The superuser of the suite's throwaway PostgreSQL (scripts/pg.sh: postgres)."""
    if os.environ.get("PAYD_TEST_SUPERUSER_URL"):
        return os.environ["PAYD_TEST_SUPERUSER_URL"]
    parts = urllib.parse.urlsplit(url)
    q = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "user"]
    q.append(("user", "postgres"))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))


def psql_result(url: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                          capture_output=True, text=True, timeout=60)


def field(b: bytes) -> bytes:
    return len(b).to_bytes(8, "big") + b


def row_hash(r: dict) -> str:
    """docs/audit.md, re-implemented: SHA-256 over the length-prefixed fields."""
    enc = b"payd-audit-v1"
    for k in ("tenant_id", "seq", "id", "occurred_at_us", "actor", "action", "target",
              "outcome", "request_id", "client_ip", "user_agent"):
        enc += field(str(r[k]).encode())
    enc += field(json.dumps(r["details"], sort_keys=True, separators=(",", ":"),
                            ensure_ascii=False).encode())
    enc += field(bytes.fromhex(r["prev_hash"]))
    return hashlib.sha256(enc).hexdigest()


class AuditTest(unittest.TestCase):
    TAMPER = ("edit", "delete", "swap", "forge", "tail", "truncate")

    @classmethod
    def setUpClass(cls):
        paydb.plugin_dir()
        cls.work = tempfile.mkdtemp(prefix="payd-audit-")
        tenants = ("acme", "globex") + tuple(f"t-{name}" for name in cls.TAMPER)
        cls.db, cls.cfg = paydb.migrated_database(cls.work, tenants)
        cls.su = paydb.with_database(superuser_url(paydb.admin_url()), cls.db.name)
        cls.keys = {t: paydb.create_key(cls.cfg, t, "test") for t in tenants}
        cls.key = cls.keys["acme"]
        cls.tenant_ids = dict(
            line.split("|") for line in cls.db.sql("SELECT name, id FROM tenants").splitlines())
        cls.payd = paydtest.start_payd(
            cls.work, config_text=lambda port: paydb.daemon_config(port, cls.db.url))
        cls.port = cls.payd.port

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def call(self, method, path, body=None, key=None, headers=None):
        h = {"Authorization": f"Bearer {key or self.key}", "User-Agent": UA}
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        status, hdrs, out = paydtest.http_get(self.port, path, headers=h, method=method,
                                              body=data)
        return status, hdrs, (json.loads(out) if out else None)

    def pay(self, key=None, **fields):
        body = {"amount": 1000, "currency": "USD", "payment_method": CARD_OK}
        body.update(fields)
        s, h, p = self.call("POST", "/api/v1/payments", body, key=key)
        self.assertEqual(s, 201, p)
        return p, h

    def rows(self, tenant: str) -> list[dict]:
        """The tenant's chain as stored, oldest first (read as the superuser)."""
        out = paydb.psql(self.su, f"""
            SELECT coalesce(json_agg(r ORDER BY r.seq), '[]') FROM (
              SELECT tenant_id, seq, id,
                     (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_at_us,
                     actor, action, target, outcome, request_id, client_ip, user_agent,
                     details, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash
                FROM audit_log WHERE tenant_id = '{self.tenant_ids.get(tenant, tenant)}') r""")
        return json.loads(out)

    def verify_api(self, tenant: str, **query):
        qs = ("?" + urllib.parse.urlencode(query)) if query else ""
        s, _, v = self.call("GET", "/api/v1/audit_events/verify" + qs, key=self.keys[tenant])
        self.assertEqual(s, 200, v)
        return v

    def verify_cli(self, tenant: str, checkpoint: str | None = None):
        args = ["admin", "audit", "verify", "--tenant", tenant, "--json"]
        if checkpoint:
            args += ["--checkpoint", checkpoint]
        r = paydb.payd_cli(args, self.cfg, check=False)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(out["ok"], r.returncode == 0)
        return r.returncode, out["chains"][0]

    def tamper(self, sql: str) -> None:
        # As the superuser, with the append-only triggers (and FK checks) switched off.
        paydb.psql(self.su, "SET session_replication_role = replica; " + sql)

    def assert_broken_at(self, tenant: str, seq: int, checkpoint_file: str | None = None,
                         checkpoint: dict | None = None):
        query = {}
        if checkpoint:
            query = {"checkpoint_seq": checkpoint["seq"], "checkpoint_hash": checkpoint["hash"]}
        v = self.verify_api(tenant, **query)
        self.assertFalse(v["ok"], v)
        self.assertEqual(v["first_broken"]["seq"], seq, v)
        code, chain = self.verify_cli(tenant, checkpoint_file)
        self.assertEqual(code, 1, chain)
        self.assertEqual(chain["first_broken"]["seq"], seq, chain)
        return v

    def seed(self, tenant: str, payments: int = 4) -> list[dict]:
        for _ in range(payments):
            self.pay(key=self.keys[tenant])
        rows = self.rows(tenant)
        self.assertGreaterEqual(len(rows), payments)
        return rows

    # --- what gets written -----------------------------------------------------------------

    def test_payment_operations_write_rows_in_their_transaction(self):
        before = len(self.rows("acme"))
        p, h = self.pay(capture_method="manual")
        s, h2, _ = self.call("POST", f"/api/v1/payments/{p['id']}/capture", {})
        self.assertEqual(s, 200)
        s, _, refund = self.call("POST", "/api/v1/refunds", {"payment_id": p["id"], "amount": 300})
        self.assertEqual(s, 201, refund)
        q, _ = self.pay(capture_method="manual")
        s, _, _ = self.call("POST", f"/api/v1/payments/{q['id']}/cancel")
        self.assertEqual(s, 200)
        s, _, declined = self.call("POST", "/api/v1/payments", {
            "amount": 1000, "currency": "USD", "payment_method": CARD_DECLINE})
        self.assertEqual(declined["status"], "failed", declined)
        new = self.rows("acme")[before:]
        got = [(r["action"], r["target"], r["outcome"]) for r in new]
        self.assertEqual(got[:5], [
            ("payment.created", f"payment:{p['id']}", "success"),
            ("payment.captured", f"payment:{p['id']}", "success"),
            ("refund.created", f"refund:{refund['id']}", "success"),
            ("payment.created", f"payment:{q['id']}", "success"),
            ("payment.canceled", f"payment:{q['id']}", "success"),
        ])
        self.assertEqual([a for a, _, _ in got[5:]], ["payment.created", "payment.failed"])
        self.assertEqual(got[6][2], "failure")
        last4 = self.key[-4:]
        for r in new:
            self.assertEqual(r["actor"], f"api_key:sk_test_…{last4}")
            self.assertEqual(r["client_ip"], "127.0.0.0")  # /24 of 127.0.0.1
            self.assertEqual(r["user_agent"], UA)
            self.assertEqual(r["hash"], row_hash(r))
        self.assertEqual(new[0]["request_id"], h["X-Request-Id"])
        self.assertEqual(new[1]["request_id"], h2["X-Request-Id"])
        self.assertEqual(new[1]["details"]["amount"], 1000)
        self.assertEqual([r["seq"] for r in new], list(range(new[0]["seq"],
                                                             new[0]["seq"] + len(new))))

    def test_checkout_sessions_and_links_are_audited(self):
        before = len(self.rows("acme"))
        s, _, session = self.call("POST", "/api/v1/checkout/sessions", {
            "amount": 2500, "currency": "USD", "success_url": "https://shop.example/ok",
            "cancel_url": "https://shop.example/cancel"})
        self.assertEqual(s, 201, session)
        s, _, link = self.call("POST", "/api/v1/payment_links",
                               {"amount": 9900, "currency": "USD"})
        self.assertEqual(s, 201, link)
        s, _, _ = self.call("POST", f"/api/v1/payment_links/{link['id']}/deactivate")
        self.assertEqual(s, 200)
        actions = [(r["action"], r["target"]) for r in self.rows("acme")[before:]]
        self.assertIn(("checkout.session.created", f"checkout_session:{session['id']}"), actions)
        self.assertIn(("payment_link.created", f"payment_link:{link['id']}"), actions)
        self.assertIn(("payment_link.deactivated", f"payment_link:{link['id']}"), actions)
        self.assertEqual(actions[0][0], "payment.created")

    def test_a_config_reload_is_a_platform_event(self):
        before = int(self.db.sql("SELECT count(*) FROM audit_log WHERE action = 'config.reloaded'"))
        self.payd.signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        rows = ""
        while time.monotonic() < deadline:
            rows = self.db.sql("SELECT tenant_id || ' ' || actor || ' ' || outcome FROM audit_log "
                               "WHERE action = 'config.reloaded' ORDER BY seq DESC LIMIT 1")
            count = int(self.db.sql("SELECT count(*) FROM audit_log "
                                    "WHERE action = 'config.reloaded'"))
            if count > before:
                break
            time.sleep(0.1)
        self.assertEqual(rows, "_platform system success")

    def test_idempotent_replay_writes_no_second_row(self):
        body = {"amount": 777, "currency": "USD", "payment_method": CARD_OK}
        key = {"Idempotency-Key": "audit-replay-1"}
        s, _, first = self.call("POST", "/api/v1/payments", body, headers=key)
        self.assertEqual(s, 201)
        count = len(self.rows("acme"))
        s, h, again = self.call("POST", "/api/v1/payments", body, headers=key)
        self.assertEqual(s, 201)
        self.assertEqual(h["Idempotent-Replayed"], "true")
        self.assertEqual(again["id"], first["id"])
        rows = self.rows("acme")
        self.assertEqual(len(rows), count)
        self.assertEqual(sum(1 for r in rows if r["target"] == f"payment:{first['id']}"), 1)

    # --- reading ---------------------------------------------------------------------------

    def test_reading_is_audited_and_filtered(self):
        p, _ = self.pay(key=self.keys["globex"])
        before = len(self.rows("globex"))
        s, h, page = self.call("GET", "/api/v1/audit_events?action=payment.created&limit=1",
                               key=self.keys["globex"])
        self.assertEqual(s, 200, page)
        self.assertEqual(page["data"][0]["target"], f"payment:{p['id']}")
        rows = self.rows("globex")
        self.assertEqual(len(rows), before + 1)
        self.assertEqual(rows[-1]["action"], "audit.read")
        self.assertEqual(rows[-1]["request_id"], h["X-Request-Id"])
        s, _, all_page = self.call("GET", "/api/v1/audit_events?limit=2",
                                   key=self.keys["globex"])
        self.assertEqual(all_page["data"][0]["action"], "audit.read")  # newest first
        self.assertTrue(all_page["has_more"])
        s, _, next_page = self.call(
            "GET", f"/api/v1/audit_events?limit=2&cursor={all_page['next_cursor']}",
            key=self.keys["globex"])
        self.assertEqual(s, 200, next_page)
        self.assertLess(next_page["data"][0]["seq"], all_page["data"][-1]["seq"])
        # Another tenant's events are not there.
        ids = {e["id"] for e in all_page["data"] + next_page["data"]}
        self.assertFalse(ids & {r["id"] for r in self.rows("acme")})
        s, _, bad = self.call("GET", "/api/v1/audit_events?outcome=maybe",
                              key=self.keys["globex"])
        self.assertEqual(s, 400, bad)
        self.assertEqual(bad["error"]["param"], "outcome")

    def test_an_intact_chain_verifies(self):
        self.pay()
        v = self.verify_api("acme")
        self.assertTrue(v["ok"], v)
        self.assertIsNone(v["first_broken"])
        code, chain = self.verify_cli("acme")
        self.assertEqual(code, 0, chain)
        r = paydb.payd_cli(["admin", "audit", "verify"], self.cfg, check=False)
        self.assertIn("_platform: ok", r.stdout)

    # --- the daemon's role -----------------------------------------------------------------

    def test_the_daemon_role_cannot_rewrite_the_log(self):
        self.pay()
        tid = self.tenant_ids["acme"]
        for sql in (f"UPDATE audit_log SET outcome = 'failure' WHERE tenant_id = '{tid}'",
                    f"DELETE FROM audit_log WHERE tenant_id = '{tid}'",
                    "TRUNCATE audit_log",
                    f"UPDATE audit_chain_heads SET last_seq = 0 WHERE tenant_id = '{tid}'",
                    f"DELETE FROM audit_chain_heads WHERE tenant_id = '{tid}'"):
            r = psql_result(self.db.url, sql)  # the daemon's own (owning) role
            self.assertNotEqual(r.returncode, 0, sql)
            self.assertRegex(r.stderr, "append-only|a head moves forward", sql)

    def test_a_role_with_production_grants_gets_permission_denied(self):
        role = f"payd_app_{self.db.name[-6:]}"
        paydb.psql(self.su, f"CREATE ROLE {role} LOGIN")
        paydb.psql(self.su, f"GRANT SELECT, INSERT ON audit_log TO {role}; "
                            f"GRANT SELECT ON audit_chain_heads TO {role}; "
                            f"GRANT EXECUTE ON FUNCTION audit_lock_head(text) TO {role}")
        try:
            url = re.sub(r"user=[^&]*", f"user={role}", self.su)
            for sql in ("UPDATE audit_log SET outcome = 'failure'", "DELETE FROM audit_log",
                        "TRUNCATE audit_log", "UPDATE audit_chain_heads SET last_seq = 0"):
                r = psql_result(url, sql)
                self.assertNotEqual(r.returncode, 0, sql)
                self.assertIn("permission denied", r.stderr, sql)
        finally:
            paydb.psql(self.su, f"DROP OWNED BY {role}; DROP ROLE {role}")

    # --- tampering as the superuser --------------------------------------------------------

    def test_an_edited_row_is_found(self):
        rows = self.seed("t-edit")
        tid = self.tenant_ids["t-edit"]
        self.tamper(f"UPDATE audit_log SET details = jsonb_set(details, '{{amount}}', '1') "
                    f"WHERE tenant_id = '{tid}' AND seq = 2")
        self.assertEqual(rows[1]["hash"], row_hash(rows[1]))
        v = self.assert_broken_at("t-edit", 2)
        self.assertIn("altered", v["first_broken"]["reason"])

    def test_a_deleted_row_is_found(self):
        self.seed("t-delete")
        tid = self.tenant_ids["t-delete"]
        self.tamper(f"DELETE FROM audit_log WHERE tenant_id = '{tid}' AND seq = 3")
        v = self.assert_broken_at("t-delete", 3)
        self.assertIn("missing", v["first_broken"]["reason"])

    def test_two_swapped_rows_are_found(self):
        self.seed("t-swap")
        tid = self.tenant_ids["t-swap"]
        self.tamper(f"""
            UPDATE audit_log a SET target = b.target, details = b.details, id = b.id || 'x',
                   request_id = b.request_id
              FROM audit_log b
             WHERE a.tenant_id = '{tid}' AND b.tenant_id = '{tid}'
               AND ((a.seq = 2 AND b.seq = 3) OR (a.seq = 3 AND b.seq = 2))""")
        self.assert_broken_at("t-swap", 2)

    def test_a_forged_row_is_found_even_when_hashed_correctly(self):
        rows = self.seed("t-forge")
        tid = self.tenant_ids["t-forge"]
        # Row 2 replaced by a forgery that links to row 1 and carries a correct hash: the
        # link from row 3 (whose prev_hash is the real row 2's hash) breaks.
        forged = dict(rows[1], target="payment:pay_forged", id="aud_forged")
        forged["hash"] = row_hash(forged)
        self.assertNotEqual(forged["hash"], rows[1]["hash"])
        self.tamper(f"""
            DELETE FROM audit_log WHERE tenant_id = '{tid}' AND seq = 2;
            INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor, action, target,
                                   outcome, request_id, client_ip, user_agent, details,
                                   prev_hash, hash)
            VALUES ('{tid}', 2, 'aud_forged',
                    'epoch'::timestamptz + {forged["occurred_at_us"]} * interval '1 microsecond',
                    '{forged["actor"]}', '{forged["action"]}', 'payment:pay_forged',
                    '{forged["outcome"]}', '{forged["request_id"]}', '{forged["client_ip"]}',
                    '{forged["user_agent"]}', '{json.dumps(forged["details"])}'::jsonb,
                    decode('{forged["prev_hash"]}', 'hex'), decode('{forged["hash"]}', 'hex'))""")
        v = self.assert_broken_at("t-forge", 3)
        self.assertIn("prev_hash", v["first_broken"]["reason"])

    def test_a_row_appended_behind_the_appenders_back_is_found(self):
        rows = self.seed("t-tail")
        tid = self.tenant_ids["t-tail"]
        n = len(rows)
        self.tamper(f"""
            INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor, action, target,
                                   outcome, details, prev_hash, hash)
            VALUES ('{tid}', {n + 1}, 'aud_tail', now(), 'system', 'payment.created',
                    'payment:pay_forged', 'success', '{{}}', decode('{rows[-1]["hash"]}', 'hex'),
                    decode('{ZERO}', 'hex'))""")
        self.assert_broken_at("t-tail", n + 1)

    def test_a_truncated_tail_is_found_against_a_checkpoint(self):
        self.seed("t-truncate", payments=5)
        s, _, cp = self.call("GET", "/api/v1/audit_events/checkpoint",
                             key=self.keys["t-truncate"])
        self.assertEqual(s, 200, cp)
        self.assertEqual(cp["tenant_id"], self.tenant_ids["t-truncate"])
        cli = paydb.payd_cli(["admin", "audit", "checkpoint", "--tenant", "t-truncate", "--json"],
                             self.cfg)
        cp_file = os.path.join(self.work, "checkpoint.json")
        with open(cp_file, "w") as f:
            f.write(cli.stdout)
        cli_cp = json.loads(cli.stdout)
        self.assertEqual(cli_cp["seq"], cp["seq"] + 1)  # the export itself was audited
        rows = self.rows("t-truncate")
        keep = cp["seq"] - 3
        tid = self.tenant_ids["t-truncate"]
        # The tail deleted and the head rolled back to match: internally consistent.
        self.tamper(f"""
            DELETE FROM audit_log WHERE tenant_id = '{tid}' AND seq > {keep};
            UPDATE audit_chain_heads SET last_seq = {keep},
                   head_hash = decode('{rows[keep - 1]["hash"]}', 'hex')
             WHERE tenant_id = '{tid}'""")
        code, chain = self.verify_cli("t-truncate")
        self.assertEqual(code, 0, chain)  # without a checkpoint nothing can tell
        # Against the checkpoints: the CLI's, then the API's (the API's own verification
        # appends an audit.read row, so the chain grows back, never with the same hashes).
        code, chain = self.verify_cli("t-truncate", cp_file)
        self.assertEqual(code, 1, chain)
        self.assertEqual(chain["first_broken"]["seq"], keep + 1, chain)
        self.assertIn("checkpoint", chain["first_broken"]["reason"])
        v = self.verify_api("t-truncate", checkpoint_seq=cp["seq"], checkpoint_hash=cp["hash"])
        self.assertFalse(v["ok"], v)
        self.assertEqual(v["first_broken"]["seq"], keep + 1, v)

    # --- secrets ---------------------------------------------------------------------------

    def test_no_secret_or_card_number_reaches_the_audit_log(self):
        self.pay(payment_method=CARD_OK)
        self.call("POST", "/api/v1/payments", {"amount": 1, "currency": "USD",
                                               "payment_method": CARD_DECLINE})
        dump = subprocess.run(["pg_dump", "--data-only", "-t", "audit_log",
                               "-t", "audit_chain_heads", self.su],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(dump.returncode, 0, dump.stderr)
        self.assertIn("payment.created", dump.stdout)
        for secret in list(self.keys.values()) + [CARD_OK, CARD_DECLINE]:
            self.assertNotIn(secret, dump.stdout)
            self.assertNotIn(secret.split("_")[-1], dump.stdout)  # the key's secret part


if __name__ == "__main__":
    unittest.main()
