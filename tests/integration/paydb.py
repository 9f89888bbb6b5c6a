"""PostgreSQL helpers for integration tests: a fresh database per test class,
migrated by the real `payd migrate`, with tenants and API keys made by the real
`payd admin` commands.  Needs PAYD_TEST_DATABASE_URL (scripts/test.sh sets it);
without it the tests fail loudly rather than skip."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.parse

import paydtest


def admin_url() -> str:
    url = os.environ.get("PAYD_TEST_DATABASE_URL")
    if not url:
        raise AssertionError(
            "PAYD_TEST_DATABASE_URL is not set: run the suite with ./scripts/test.sh, "
            "which starts a throwaway PostgreSQL")
    return url


def with_database(url: str, name: str) -> str:
    # urlunsplit would drop the empty authority of "postgresql:///db?host=/socket/dir".
    parts = urllib.parse.urlsplit(url)
    out = f"{parts.scheme}://{parts.netloc}/{name}"
    return out + (f"?{parts.query}" if parts.query else "")


def psql(url: str, sql: str) -> str:
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr}")
    return r.stdout.strip()


class Database:
    """A throwaway database, dropped by drop()."""

    def __init__(self, prefix: str = "payd_it"):
        self.name = f"{prefix}_{secrets.token_hex(6)}"
        self.admin = admin_url()
        psql(self.admin, f"CREATE DATABASE {self.name}")
        self.url = with_database(self.admin, self.name)

    def sql(self, statement: str) -> str:
        return psql(self.url, statement)

    def drop(self) -> None:
        # WITH (FORCE) cannot end an autovacuum worker that has just started in the database
        # (a superuser process): it finishes within moments (tens of seconds on a loaded CI
        # machine), so retry for up to 30 s.
        for attempt in range(300):
            try:
                psql(self.admin, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
                return
            except AssertionError as e:
                if "must be a member of the role" not in str(e) or attempt == 299:
                    raise
                time.sleep(0.1)


def payd_cli(args: list[str], config_path: str, check: bool = True
             ) -> subprocess.CompletedProcess:
    r = subprocess.run([paydtest.payd_bin(), *args, "--config", config_path],
                       capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"payd {' '.join(args)} failed ({r.returncode}): "
                             f"{r.stdout}\n{r.stderr}")
    return r


def write_config(path: str, db_url: str, port: int = 8080, extra: str = "") -> None:
    with open(path, "w") as f:
        f.write(f"listen: {{address: 127.0.0.1, port: {port}}}\n")
        f.write(f"database: {{url: {json.dumps(db_url)}, pool_size: 4}}\n")
        f.write(extra)


def create_tenant(config_path: str, name: str) -> str:
    r = payd_cli(["admin", "tenant", "create", name, "--json"], config_path)
    return json.loads(r.stdout)["id"]


def create_key(config_path: str, tenant: str, mode: str = "test", *,
               role: str | None = None, scopes: list[str] | None = None) -> str:
    args = ["admin", "key", "create", "--tenant", tenant, "--mode", mode, "--json"]
    if role:
        args += ["--role", role]
    if scopes:
        args += ["--scopes", ",".join(scopes)]
    r = payd_cli(args, config_path)
    return json.loads(r.stdout)["key"]


# --- a served payments database -------------------------------------------------------------

# One test-mode sandbox connector, the usual connectors: section body.
SANDBOX_TEST = ("  - id: sandbox\n    plugin: sandbox\n    mode: test\n"
                "    config: {webhook_secret: whsec_test_integration_suite}\n")


def plugin_dir() -> str:
    """The built plugins (sandbox.so); fails loudly when the suite runs without them."""
    d = os.environ.get("PAYD_PLUGIN_DIR", "")
    if not d or not os.path.exists(os.path.join(d, "sandbox.so")):
        raise AssertionError("PAYD_PLUGIN_DIR must hold sandbox.so")
    return d


def migrated_database(work: str, tenants: tuple[str, ...] = ("acme",)
                      ) -> tuple[Database, str]:
    """A fresh database migrated by the real `payd migrate`, with `tenants` created by
    `payd admin`. Returns it and the admin config file (for create_key)."""
    db = Database()
    cfg = os.path.join(work, "admin.yaml")
    write_config(cfg, db.url)
    payd_cli(["migrate"], cfg)
    for name in tenants:
        create_tenant(cfg, name)
    return db, cfg


def daemon_config(port: int, db_url: str, *, connectors: str = SANDBOX_TEST,
                  payments: str = "", log_level: str = "info", pool_size: int = 4,
                  connect_timeout: str = "5s", extra: str = "",
                  rate_limits: bool = False) -> str:
    """A payd.yaml serving the payments API on 127.0.0.1:port over db_url with the
    built plugins; `payments` is the body of a payments: {...} flow mapping. Rate limits
    are off unless asked for: the spec's defaults (5 refunds a minute ...) would hide what
    other suites check; test_rate_limits.py tests them."""
    text = (f"listen: {{address: 127.0.0.1, port: {port}}}\n"
            "server: {threads: 2, shutdown_grace: 3s}\n"
            f"log: {{level: {log_level}, format: json}}\n"
            f"database: {{url: {json.dumps(db_url)}, pool_size: {pool_size}, "
            f"connect_timeout: {connect_timeout}}}\n"
            f"plugins: {{dir: {json.dumps(plugin_dir())}}}\n")
    if payments:
        text += f"payments: {{{payments}}}\n"
    if not rate_limits:
        text += "rate_limits: {enabled: false}\n"
    return text + "connectors:\n" + connectors + extra
