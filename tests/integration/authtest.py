"""Helpers for the users/JWT/MFA suites (test_users.py, test_mfa.py): key material on disk,
the `auth:` section, users made by the real `payd admin user create`, JWTs forged by hand
(stdlib HMAC) or by jose, and TOTP codes from otplib (tests/peers/jose-otplib)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import subprocess
import time

import paydb
import paydtest

ISSUER = "https://payd.test"
AUDIENCE = "payd-api"
TYP = "at+jwt"


def peer_dir() -> str:
    src = paydtest.source_dir()
    if not src:
        raise AssertionError("PAYD_SOURCE_DIR is not set (ctest sets it)")
    d = os.path.join(src, "tests", "peers", "jose-otplib")
    if not os.path.isdir(os.path.join(d, "node_modules", "jose")):
        raise AssertionError(f"run `npm ci` in {d} (./scripts/test.sh does)")
    return d


def node(script: str, *args: str) -> str:
    r = subprocess.run(["node", os.path.join(peer_dir(), script), *args], cwd=peer_dir(),
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"node {script} failed: {r.stderr}")
    return r.stdout.strip()


def write_secret_file(path: str, data: bytes | str) -> str:
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    os.chmod(path, 0o600)
    return path


class Keys:
    """An Ed25519 key pair, an HS256 secret and a KEK in `work`."""

    def __init__(self, work: str, name: str = "k"):
        self.ed_private = os.path.join(work, f"{name}-ed.pem")
        self.ed_public = os.path.join(work, f"{name}-ed.pub.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", self.ed_private],
                       check=True, capture_output=True, timeout=30)
        os.chmod(self.ed_private, 0o600)
        subprocess.run(["openssl", "pkey", "-in", self.ed_private, "-pubout", "-out",
                        self.ed_public], check=True, capture_output=True, timeout=30)
        self.hs_secret = secrets.token_bytes(32)
        self.hs_file = write_secret_file(os.path.join(work, f"{name}-hs.key"),
                                         base64.b64encode(self.hs_secret).decode() + "\n")
        self.kek_file = write_secret_file(os.path.join(work, f"{name}.kek"),
                                          secrets.token_hex(32) + "\n")


def auth_section(keys_yaml: str, kek_file: str, *, mfa: str = "", login: str = "",
                 jwt: str = "") -> str:
    return ("auth:\n"
            f"  jwt:\n    issuer: {ISSUER}\n    audience: {AUDIENCE}\n{jwt}"
            f"    keys:\n{keys_yaml}"
            f"  mfa:\n    kek_file: {kek_file}\n{mfa}"
            f"{login}")


def key_yaml(kid: str, alg: str, path: str, sign: bool = False) -> str:
    return (f"      - kid: {kid}\n        alg: {alg}\n        file: {path}\n"
            f"        sign: {'true' if sign else 'false'}\n")


def create_user(cfg: str, tenant: str, email: str, role: str) -> dict:
    r = paydb.payd_cli(["admin", "user", "create", "--tenant", tenant, "--email", email,
                        "--role", role, "--json"], cfg)
    return json.loads(r.stdout)


def call(port: int, method: str, path: str, token: str | None = None, body=None,
         headers: dict | None = None):
    h = {"Authorization": f"Bearer {token}"} if token else {}
    h.update(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    status, hdrs, out = paydtest.http_get(port, path, headers=h, method=method, body=data,
                                          timeout=30)
    try:
        parsed = json.loads(out) if out else None
    except ValueError:
        parsed = None
    return status, hdrs, parsed


def login(port: int, email: str, password: str, **extra):
    return call(port, "POST", "/api/v1/auth/login", None,
                dict({"email": email, "password": password}, **extra))


def login_token(port: int, email: str, password: str, **extra) -> str:
    s, _, b = login(port, email, password, **extra)
    if s != 200:
        raise AssertionError(f"login failed: {s} {b}")
    return b["access_token"]


# --- JWTs by hand ---------------------------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(obj) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode(token: str) -> tuple[dict, dict]:
    h, p, _ = token.split(".")
    return json.loads(unb64url(h)), json.loads(unb64url(p))


def hs256(secret: bytes, header: dict, claims: dict) -> str:
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(sig)}"


def unsigned(header: dict, claims: dict, signature: str = "") -> str:
    return f"{b64url_json(header)}.{b64url_json(claims)}.{signature}"


def claims(sub: str, *, now: int | None = None, ttl: int = 600, **over) -> dict:
    now = int(time.time()) if now is None else now
    c = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "nbf": now, "exp": now + ttl,
         "jti": "jti_" + secrets.token_hex(8), "mode": "test"}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def jose_sign(alg: str, key: str, kid: str, typ: str, claim_set: dict) -> str:
    out = json.loads(node("jwt.mjs", "sign", alg, key, kid, typ, json.dumps(claim_set)))
    if not out["ok"]:
        raise AssertionError(out)
    return out["token"]


def jose_verify(alg: str, key: str, token: str, now: int | None = None) -> dict:
    now = int(time.time()) if now is None else now
    return json.loads(node("jwt.mjs", "verify", alg, key, token, ISSUER, AUDIENCE, TYP,
                           str(now)))


# --- TOTP -----------------------------------------------------------------------------------

def otp_from_uri(uri: str, *times: int) -> list[str]:
    return node("otpfromuri.mjs", uri, *[str(t) for t in times]).split("\n")


def otp(secret_b32: str, *times: int) -> list[str]:
    return node("otp.mjs", secret_b32, *[str(t) for t in times]).split("\n")


def unb32(text: str) -> bytes:
    import base64 as _b
    return _b.b32decode(text + "=" * (-len(text) % 8))
