#!/usr/bin/env python3
"""Cross-checks payd's TOTP and JWT against independent implementations: otplib and jose (npm,
tests/peers/jose-otplib). Drives payd through the test-only crypto_tool. Stdlib only.

Checks:
  * otplib's codes at several times equal payd's, and payd's verify accepts them (and a
    neighbouring step's code, and not one two steps away);
  * payd's otpauth URI starts with otplib's for the same inputs;
  * payd-signed HS256 and EdDSA JWTs verify in jose (algorithms pinned, iss/aud/typ checked);
  * jose rejects a payd token with one payload byte flipped;
  * jose-signed HS256 and EdDSA JWTs verify in payd; payd rejects one signed for another typ.
"""
import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile

ISS = "https://payd.example"
AUD = "payd-api"
TYP = "at+jwt"
NOW = 1_700_000_000

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--peer-dir", required=True)
    ap.add_argument("--node", default="node")
    a = ap.parse_args()
    peer = a.peer_dir
    if not a.node or a.node.endswith("NOTFOUND"):
        print("node (Node.js) is not installed: the jose/otplib cross-check needs it")
        return 1
    for pkg in ("jose", "otplib"):
        if not os.path.isdir(os.path.join(peer, "node_modules", pkg)):
            print(f"{peer}/node_modules/{pkg} is missing: run `npm ci` in {peer} "
                  "(scripts/test.sh does it)")
            return 1

    def tool(*args):
        return run([a.tool, *map(str, args)])

    def node(script, *args):
        return run([a.node, script, *map(str, args)], cwd=peer)

    # --- TOTP against otplib ------------------------------------------------------------
    secret_b32 = base64.b32encode(secrets.token_bytes(20)).decode()
    times = [59, 1_111_111_109, 1_234_567_890, 2_000_000_000, NOW, NOW + 29, NOW + 30]
    rc, out, err = node("otp.mjs", secret_b32, *times)
    check(rc == 0, f"otplib generates codes ({err})")
    codes = out.split()
    check(len(codes) == len(times), "otplib gave one code per time")
    for t, code in zip(times, codes):
        _, mine, _ = tool("totp-code", secret_b32, t)
        check(mine == code, f"payd's code at {t} equals otplib's")
        rc, step, _ = tool("totp-verify", secret_b32, code, t)
        check(rc == 0 and step == str(t // 30), f"payd accepts otplib's code at {t}")
    # ±1 step accepted, ±2 rejected (otplib's codes for the neighbouring steps).
    rc, out, _ = node("otp.mjs", secret_b32, NOW - 60, NOW - 30, NOW + 30, NOW + 60)
    far_before, before, after, far_after = out.split()
    check(tool("totp-verify", secret_b32, before, NOW)[0] == 0, "otplib code one step early accepted")
    check(tool("totp-verify", secret_b32, after, NOW)[0] == 0, "otplib code one step late accepted")
    for c, label in ((far_before, "two steps early"), (far_after, "two steps late")):
        same_as_window = c in (before, after, tool("totp-code", secret_b32, NOW)[1])
        if not same_as_window:  # a 1e-6 collision would make this meaningless
            check(tool("totp-verify", secret_b32, c, NOW)[0] == 1, f"otplib code {label} rejected")
    rc, theirs, _ = node("otpuri.mjs", "ACME Co", "john@example.com", secret_b32)
    _, mine, _ = tool("otpauth-uri", "ACME Co", "john@example.com", secret_b32)
    check(rc == 0 and mine.startswith(theirs), "payd's otpauth URI extends otplib's")

    # --- JWT against jose ---------------------------------------------------------------
    with tempfile.TemporaryDirectory() as d:
        hs_secret = secrets.token_bytes(32)
        hs_file = os.path.join(d, "hs.key")
        with open(os.open(hs_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(base64.b64encode(hs_secret).decode() + "\n")
        ed_file = os.path.join(d, "ed.pem")
        rc, pem, err = tool("keygen-ed25519")
        check(rc == 0 and "PRIVATE KEY" in pem, f"payd generates an Ed25519 key ({err})")
        with open(os.open(ed_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(pem + "\n")
        pub_file = os.path.join(d, "ed.pub.pem")
        rc, pub, _ = tool("public-pem", ed_file)
        with open(pub_file, "w") as f:
            f.write(pub + "\n")

        claims = {"iss": ISS, "aud": AUD, "sub": "user_1", "scope": "payments:read",
                  "iat": NOW, "nbf": NOW, "exp": NOW + 300}
        keys = {"HS256": (hs_file, hs_secret.hex(), hs_secret.hex()),
                "EdDSA": (ed_file, pub_file, ed_file)}
        for alg, (payd_key, jose_verify_key, jose_sign_key) in keys.items():
            kid = f"{alg.lower()}-1"
            rc, token, err = tool("jwt-sign", payd_key, alg, kid, TYP, json.dumps(claims))
            check(rc == 0, f"payd signs {alg} ({err})")
            _, out, _ = node("jwt.mjs", "verify", alg, jose_verify_key, token, ISS, AUD, TYP, NOW + 10)
            res = json.loads(out)
            check(res.get("ok") and res["payload"]["sub"] == "user_1"
                  and res["header"] == {"alg": alg, "kid": kid, "typ": TYP},
                  f"jose verifies payd's {alg} token: {out[:120]}")
            # Wrong expectations in jose: proves jose really checks what we asked.
            _, out, _ = node("jwt.mjs", "verify", alg, jose_verify_key, token, ISS, "other", TYP, NOW)
            check(not json.loads(out)["ok"], f"jose rejects payd's {alg} token for another audience")
            _, out, _ = node("jwt.mjs", "verify", alg, jose_verify_key, token, ISS, AUD, TYP, NOW + 301)
            check(json.loads(out).get("code") == "ERR_JWT_EXPIRED", f"jose sees payd's {alg} token expire")
            # One payload byte flipped.
            h, p, s = token.split(".")
            raw = bytearray(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
            raw[raw.index(b"user_1") + 5] ^= 0x01  # user_1 -> user_0
            flipped = ".".join([h, base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("="), s])
            _, out, _ = node("jwt.mjs", "verify", alg, jose_verify_key, flipped, ISS, AUD, TYP, NOW)
            res = json.loads(out)
            check(not res["ok"] and res["code"] == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
                  f"jose rejects payd's {alg} token with a flipped payload byte ({res.get('code')})")
            rc, out, _ = tool("jwt-verify", payd_key, alg, kid, flipped, ISS, AUD, TYP, NOW)
            check(rc == 1 and out == "bad_signature", f"payd rejects it too ({out})")

            # jose signs, payd verifies.
            _, out, _ = node("jwt.mjs", "sign", alg, jose_sign_key, kid, TYP, json.dumps(claims))
            res = json.loads(out)
            check(res.get("ok"), f"jose signs {alg}: {out[:120]}")
            rc, out, _ = tool("jwt-verify", payd_key, alg, kid, res["token"], ISS, AUD, TYP, NOW + 10)
            check(rc == 0 and json.loads(out)["sub"] == "user_1", f"payd verifies jose's {alg} token ({out[:80]})")
            # jose-signed with another typ: payd refuses it.
            _, out, _ = node("jwt.mjs", "sign", alg, jose_sign_key, kid, "JWT", json.dumps(claims))
            rc, out, _ = tool("jwt-verify", payd_key, alg, kid, json.loads(out)["token"], ISS, AUD, TYP, NOW)
            check(rc == 1 and out == "wrong_type", f"payd rejects jose's {alg} token with typ JWT ({out})")
        # Cross-algorithm: a jose HS256 token keyed with payd's Ed25519 public PEM.
        with open(pub_file) as f:
            pub_hex = f.read().encode().hex()
        _, out, _ = node("jwt.mjs", "sign", "HS256", pub_hex, "eddsa-1", TYP, json.dumps(claims))
        rc, out, _ = tool("jwt-verify", ed_file, "EdDSA", "eddsa-1", json.loads(out)["token"], ISS, AUD, TYP, NOW)
        check(rc == 1 and out == "alg_mismatch", f"payd rejects HS256 keyed with its public key ({out})")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
