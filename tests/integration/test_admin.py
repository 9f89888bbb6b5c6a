"""`payd migrate` and `payd admin` against a real PostgreSQL: a fresh database per
test class (paydb.Database), the real binary, its exit codes and its output."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import paydb
import paydtest

KEY_RE = re.compile(r"^(sk)_(test|live)_([0-9A-Za-z]{16})([0-9A-Za-z]{43})$")
ANY_KEY_RE = re.compile(r"[sr]k_(?:test|live)_[0-9A-Za-z]{59}")
ID_RE = re.compile(r"^(ten|key)_[0-9A-Za-z]{24}$")
TIMEOUT = 60


def run(args: list[str], config: str | None = None) -> subprocess.CompletedProcess:
    cmd = [paydtest.payd_bin(), *args]
    if config is not None:
        cmd += ["--config", config]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL, env=paydtest.clean_env())
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"payd {args} did not exit within {TIMEOUT}s") from e


class MigrateFreshDatabase(unittest.TestCase):
    """migrate --status on an empty database, admin refusing it, migrate, --status again."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="payd-admin-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.db = paydb.Database("payd_t")
        self.addCleanup(self.db.drop)
        self.cfg = os.path.join(self.work, "payd.yaml")
        paydb.write_config(self.cfg, self.db.url)

    def test_status_migrate_status(self):
        r = run(["migrate", "--status"], self.cfg)
        self.assertEqual(r.returncode, 0, r)
        self.assertRegex(r.stdout, r"database schema version: 0\b")
        pending = re.search(r"pending: (.*)", r.stdout)
        self.assertIsNotNone(pending, r.stdout)
        self.assertNotEqual(pending.group(1).strip(), "none", r.stdout)

        # Nothing may write to a database whose schema is not current.
        r = run(["admin", "tenant", "create", "acme"], self.cfg)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("payd migrate", r.stderr)
        self.assertEqual(r.stdout, "")

        r = run(["migrate"], self.cfg)
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("applied migrations", r.stdout)

        r = run(["migrate", "--status"], self.cfg)
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("pending: none", r.stdout)
        known = re.search(r"this payd knows up to:\s+(\d+)", r.stdout)
        current = re.search(r"database schema version: (\d+)", r.stdout)
        self.assertIsNotNone(known, r.stdout)
        self.assertEqual(current.group(1), known.group(1), r.stdout)

        r = run(["migrate"], self.cfg)  # idempotent
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("up to date", r.stdout)

        self.assertEqual(self.db.sql("SELECT count(*) FROM tenants"), "0")


class AdminCommands(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="payd-admin-")
        cls.db = paydb.Database("payd_t")
        cls.cfg = os.path.join(cls.work, "payd.yaml")
        paydb.write_config(cls.cfg, cls.db.url)
        paydb.payd_cli(["migrate"], cls.cfg)

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def admin(self, *args: str, config: str | None = None) -> subprocess.CompletedProcess:
        return run(["admin", *args], config or self.cfg)

    def tenant(self, name: str) -> dict:
        r = self.admin("tenant", "create", name, "--json")
        self.assertEqual(r.returncode, 0, r)
        return json.loads(r.stdout)

    # --- tenants -----------------------------------------------------------------------

    def test_tenant_create_text(self):
        r = self.admin("tenant", "create", "acme-text")
        self.assertEqual(r.returncode, 0, r)
        m = re.search(r"id:\s+(ten_\S+)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertRegex(m.group(1), ID_RE)
        self.assertIn("acme-text", r.stdout)
        self.assertEqual(self.db.sql(f"SELECT name FROM tenants WHERE id = '{m.group(1)}'"),
                         "acme-text")

    def test_tenant_create_json(self):
        r = self.admin("tenant", "create", "Acme.EU_1", "--json")
        self.assertEqual(r.returncode, 0, r)
        out = json.loads(r.stdout)  # stdout is the JSON object and nothing else
        self.assertEqual(set(out), {"id", "name"})
        self.assertRegex(out["id"], ID_RE)
        self.assertTrue(out["id"].startswith("ten_"))
        self.assertEqual(out["name"], "Acme.EU_1")

    def test_duplicate_tenant_fails_cleanly(self):
        first = self.tenant("dup-co")
        r = self.admin("tenant", "create", "dup-co", "--json")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("tenant dup-co already exists", r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(self.db.sql("SELECT id FROM tenants WHERE name = 'dup-co'"), first["id"])

    def test_invalid_tenant_names_are_usage_errors(self):
        before = self.db.sql("SELECT count(*) FROM tenants")
        for name in ("-acme", "ac me", "acme/1", "a" * 65, "acm\u00e9", ".x", "_x"):
            args = ["tenant", "create", "--", name] if name.startswith("-") else \
                ["tenant", "create", name]
            r = self.admin(*args)
            self.assertEqual(r.returncode, 2, (name, r))
            self.assertTrue(r.stderr.strip(), name)
        self.assertEqual(self.db.sql("SELECT count(*) FROM tenants"), before)

    def test_missing_tenant_name_is_usage_error(self):
        r = self.admin("tenant", "create")
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("NAME", r.stderr)

    # --- keys --------------------------------------------------------------------------

    def test_key_create_text_shows_the_key_once_and_stores_its_hash(self):
        t = self.tenant("keys-text")
        r = self.admin("key", "create", "--tenant", "keys-text", "--mode", "test",
                       "--name", "CI server")
        self.assertEqual(r.returncode, 0, r)
        keys = ANY_KEY_RE.findall(r.stdout)
        self.assertEqual(len(keys), 1, r.stdout)
        key = keys[0]
        m = KEY_RE.match(key)
        self.assertIsNotNone(m, key)
        self.assertEqual(m.group(2), "test")
        self.assertIn("will not be shown again", r.stdout)
        self.assertNotIn(key, r.stderr)

        lookup = m.group(3)
        row = self.db.sql(
            "SELECT tenant_id, mode, kind, encode(secret_hash, 'hex'), last4, name, "
            f"revoked_at IS NULL FROM api_keys WHERE lookup = '{lookup}'").split("|")
        self.assertEqual(row, [t["id"], "test", "secret",
                               hashlib.sha256(key.encode()).hexdigest(), key[-4:],
                               "CI server", "t"])
        # The secret part appears nowhere in the database row.
        dump = self.db.sql(f"SELECT k::text FROM api_keys k WHERE lookup = '{lookup}'")
        self.assertNotIn(m.group(4), dump)
        self.assertNotIn(m.group(4)[:12], dump)

    def test_key_create_json(self):
        t = self.tenant("keys-json")
        r = self.admin("key", "create", "--tenant", "keys-json", "--mode", "live", "--json")
        self.assertEqual(r.returncode, 0, r)
        out = json.loads(r.stdout)
        self.assertEqual(set(out), {"id", "key", "tenant", "mode", "kind", "role", "lookup"})
        self.assertEqual((out["kind"], out["role"]), ("secret", "admin"))
        self.assertRegex(out["id"], ID_RE)
        self.assertTrue(out["id"].startswith("key_"))
        self.assertEqual(out["tenant"], "keys-json")
        self.assertEqual(out["mode"], "live")
        m = KEY_RE.match(out["key"])
        self.assertIsNotNone(m, out["key"])
        self.assertEqual(m.group(2), "live")
        self.assertEqual(out["lookup"], m.group(3))
        self.assertEqual(
            self.db.sql(f"SELECT tenant_id || ' ' || id FROM api_keys WHERE lookup = '{out['lookup']}'"),
            f"{t['id']} {out['id']}")

    def test_key_create_by_tenant_id(self):
        t = self.tenant("keys-by-id")
        r = self.admin("key", "create", "--tenant", t["id"], "--mode", "test", "--json")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(json.loads(r.stdout)["tenant"], "keys-by-id")

    def test_keys_are_distinct(self):
        self.tenant("keys-many")
        seen = set()
        for _ in range(5):
            r = self.admin("key", "create", "--tenant", "keys-many", "--mode", "test", "--json")
            self.assertEqual(r.returncode, 0, r)
            seen.add(json.loads(r.stdout)["key"])
        self.assertEqual(len(seen), 5)

    def test_unknown_tenant_fails(self):
        before = self.db.sql("SELECT count(*) FROM api_keys")
        r = self.admin("key", "create", "--tenant", "no-such-tenant", "--mode", "test", "--json")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("unknown tenant no-such-tenant", r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(self.db.sql("SELECT count(*) FROM api_keys"), before)

    def test_usage_errors_exit_2(self):
        self.tenant("keys-usage")
        cases = [
            ["key", "create", "--tenant", "keys-usage", "--mode", "prod"],
            ["key", "create", "--tenant", "keys-usage", "--mode", "TEST"],
            ["key", "create", "--tenant", "keys-usage"],
            ["key", "create", "--mode", "test"],
            ["key", "create", "--tenant", "bad name", "--mode", "test"],
            ["key", "create", "--tenant", "keys-usage", "--mode", "test", "--name", "x" * 201],
            ["key", "create", "--tenant", "keys-usage", "--mode", "test", "--bogus"],
            ["key", "list"],
            ["tenant", "delete", "x"],
            ["user", "create"],
            [],
        ]
        before = self.db.sql("SELECT count(*) FROM api_keys")
        for args in cases:
            r = self.admin(*args)
            self.assertEqual(r.returncode, 2, (args, r))
            self.assertTrue(r.stderr.strip(), args)
            self.assertEqual(r.stdout, "", args)
        self.assertEqual(self.db.sql("SELECT count(*) FROM api_keys"), before)

    def test_help(self):
        for args in (["--help"], ["tenant", "create", "--help"], ["key", "create", "--help"]):
            r = run(["admin", *args])
            self.assertEqual(r.returncode, 0, (args, r))
            self.assertIn("Usage: payd admin", r.stdout)
        r = run(["admin", "--help"])
        self.assertIn("tenant create", r.stdout)
        self.assertIn("key create", r.stdout)

    def test_database_unreachable_exits_1(self):
        cfg = os.path.join(self.work, "unreachable.yaml")
        paydb.write_config(cfg, "postgresql://payd@127.0.0.1:1/payd?connect_timeout=2")
        r = self.admin("tenant", "create", "nowhere", config=cfg)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("cannot connect to the database", r.stderr)
        # A usage error is reported before the database is touched.
        r = self.admin("key", "create", "--tenant", "nowhere", "--mode", "prod", config=cfg)
        self.assertEqual(r.returncode, 2, r)
        r = self.admin("tenant", "create", "bad name", config=cfg)
        self.assertEqual(r.returncode, 2, r)

    def test_missing_config_exits_1(self):
        r = self.admin("tenant", "create", "x", config=os.path.join(self.work, "nope.yaml"))
        self.assertEqual(r.returncode, 1, r)
        self.assertTrue(r.stderr.strip())


if __name__ == "__main__":
    unittest.main()
