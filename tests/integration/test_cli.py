"""payd command line: --version, --help, --check-config, serving with a bad config."""

import os
import re
import socket
import subprocess
import time
import unittest

from paydtest import (PaydTestCase, TempDirMixin, base_config, clean_env,
                      free_port, payd_bin, port_is_listening, source_dir,
                      to_yaml)

RUN_TIMEOUT = 20


def run_payd(args, cwd=None, env=None, timeout=RUN_TIMEOUT):
    try:
        return subprocess.run([payd_bin(), *args], cwd=cwd,
                              env=env if env is not None else clean_env(),
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, text=True, errors="replace")
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"payd {args} did not exit within {timeout}s: "
                             f"stdout={e.stdout!r} stderr={e.stderr!r}") from None


VALID = """\
listen:
  address: 127.0.0.1
  port: 18080
server:
  threads: 2
  max_header_bytes: 16384
  max_body_bytes: 1MiB
  max_json_depth: 32
  header_timeout: 500ms
  body_timeout: 2s
  idle_timeout: 60s
  write_timeout: 30s
  shutdown_grace: 10s
  max_connections: 10000
log:
  level: info
  format: json
  access_log: true
metrics:
  enabled: true
  path: /metrics
"""


class VersionHelp(unittest.TestCase):
    def test_version(self):
        r = run_payd(["--version"])
        self.assertEqual(r.returncode, 0, r)
        first = r.stdout.splitlines()[0] if r.stdout else ""
        self.assertTrue(first.startswith("payd "), f"stdout={r.stdout!r}")
        version = first[len("payd "):].strip()
        self.assertTrue(version, "empty version")
        src = source_dir()
        if src:
            with open(os.path.join(src, "CMakeLists.txt"), encoding="utf-8") as f:
                m = re.search(r"project\(\s*payd\s+VERSION\s+([0-9.]+)", f.read())
            if m:
                self.assertTrue(version.startswith(m.group(1)),
                                f"version {version!r} does not start with the "
                                f"project version {m.group(1)!r}")

    def test_help(self):
        r = run_payd(["--help"])
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("--config", r.stdout + r.stderr)
        self.assertIn("--check-config", r.stdout + r.stderr)

    def test_unknown_option_fails(self):
        r = run_payd(["--definitely-not-an-option"])
        self.assertNotEqual(r.returncode, 0, r)
        self.assertTrue(r.stderr.strip(), "no error message on stderr")

    def test_config_without_value_fails(self):
        r = run_payd(["--check-config", "--config"])
        self.assertNotEqual(r.returncode, 0, r)


class CheckConfig(TempDirMixin, unittest.TestCase):
    def setUp(self):
        self.dir = self.make_tempdir()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def check(self, text, name="bad.yaml", env=None):
        self.write(name, text)
        # Relative path, so the message prefix is predictable ("bad.yaml:3: ...")
        return run_payd(["--check-config", "--config", name], cwd=self.dir, env=env)

    def assertRejected(self, r, line, keypath, message_re):
        self.assertEqual(r.returncode, 1, f"expected exit 1: {r}")
        pat = (r"(^|/)bad\.yaml:" + str(line) + r": " + re.escape(keypath)
               + r": .*" + message_re)
        lines = r.stderr.splitlines()
        self.assertTrue(any(re.search(pat, l) for l in lines),
                        f"no stderr line matching {pat!r}; stderr={r.stderr!r}")

    def test_valid_config_ok(self):
        r = self.check(VALID, name="good.yaml")
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("OK", r.stdout + r.stderr, r)

    def test_valid_minimal_config_ok(self):
        r = self.check("listen:\n  address: 127.0.0.1\n  port: 18081\n",
                       name="good.yaml")
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("OK", r.stdout + r.stderr, r)

    def test_port_out_of_range(self):
        for bad in ("70000", "0", "-1", '"abc"', "65536", "1.5"):
            with self.subTest(port=bad):
                r = self.check(f"listen:\n  address: 127.0.0.1\n  port: {bad}\n")
                self.assertRejected(r, 3, "listen.port",
                                    re.escape("expected an integer 1-65535"))

    def test_exact_port_message(self):
        r = self.check("listen:\n  address: 127.0.0.1\n  port: 70000\n")
        self.assertEqual(r.returncode, 1, r)
        self.assertTrue(
            any(re.search(r"(^|/)bad\.yaml:3: listen\.port: expected an integer 1-65535$", l)
                for l in r.stderr.splitlines()),
            f"stderr={r.stderr!r}")

    def test_unknown_nested_key(self):
        r = self.check("listen:\n  address: 127.0.0.1\n  port: 8080\n  bogus: 1\n")
        self.assertRejected(r, 4, "listen.bogus", "unknown key")

    def test_unknown_top_level_key(self):
        r = self.check("listen:\n  port: 8080\nbogus_section:\n  a: 1\n")
        self.assertRejected(r, 3, "bogus_section", "unknown key")

    def test_each_error_reported(self):
        text = ("listen:\n"              # 1
                "  address: 127.0.0.1\n"  # 2
                "  port: 99999\n"         # 3
                "server:\n"               # 4
                "  threads: 2\n"          # 5
                "  frobnicate: yes\n"     # 6
                "log:\n"                  # 7
                "  level: chatty\n")      # 8
        r = self.check(text)
        self.assertEqual(r.returncode, 1, r)
        self.assertRegex(r.stderr, r"bad\.yaml:3: listen\.port: ")
        self.assertRegex(r.stderr, r"bad\.yaml:6: server\.frobnicate: .*unknown key")
        self.assertRegex(r.stderr, r"bad\.yaml:8: log\.level: ")

    def test_wrong_types(self):
        cases = [
            ("server:\n  threads: many\n", 2, "server.threads"),
            ("server:\n  header_timeout: 10 parsecs\n", 2, "server.header_timeout"),
            ("server:\n  idle_timeout: -5s\n", 2, "server.idle_timeout"),
            ("server:\n  max_body_bytes: lots\n", 2, "server.max_body_bytes"),
            ("log:\n  level: verbose\n", 2, "log.level"),
            ("log:\n  access_log: maybe\n", 2, "log.access_log"),
            ("metrics:\n  enabled: 3\n", 2, "metrics.enabled"),
            ("listen:\n  address: [1, 2]\n", 2, "listen.address"),
            ("listen: 8080\n", 1, "listen"),
        ]
        for text, line, key in cases:
            with self.subTest(text=text):
                r = self.check("# leading comment keeps line numbers honest\n" + text)
                self.assertRejected(r, line + 1, key, "")

    def test_missing_env_secret_names_key(self):
        env = clean_env(remove=["PAYD_IT_SURELY_UNSET_VAR"])
        r = self.check("database:\n  url: \"${PAYD_IT_SURELY_UNSET_VAR}\"\n", env=env)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("database.url", r.stderr, r)

    def test_env_secret_resolved(self):
        env = clean_env({"PAYD_IT_DB_URL": "postgresql://u:p@localhost/x"})
        r = self.check("database:\n  url: \"${PAYD_IT_DB_URL}\"\n", name="good.yaml",
                       env=env)
        self.assertEqual(r.returncode, 0, r)

    def test_yaml_syntax_error(self):
        r = self.check("listen:\n  port: [8080\n  address: x\n")
        self.assertEqual(r.returncode, 1, r)
        self.assertRegex(r.stderr, r"bad\.yaml:\d+")

    def test_missing_file(self):
        r = run_payd(["--check-config", "--config",
                      os.path.join(self.dir, "does-not-exist.yaml")])
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("does-not-exist.yaml", r.stderr, r)

    def test_shipped_configs_check(self):
        """Every payd config shipped in etc/payd/ passes --check-config, with
        the secrets it references (${ENV}, credential:NAME) given dummy values."""
        src = source_dir()
        if not src:
            self.fail("PAYD_SOURCE_DIR not set")
        etc = os.path.join(src, "etc", "payd")
        files = sorted(f for f in os.listdir(etc) if f.endswith((".yaml", ".yml"))) \
            if os.path.isdir(etc) else []
        checked = 0
        for f in files:
            path = os.path.join(etc, f)
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
            if not re.search(r"^listen:", code, re.M):
                continue  # not a payd config (alert rules, dashboards...)
            checked += 1
            env = clean_env({v: "postgresql://dummy@localhost/x"
                             for v in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", code)})
            creds = re.findall(r"credential:([A-Za-z0-9._@-]+)", code)
            if creds:
                cdir = self.make_tempdir()
                for c in creds:
                    with open(os.path.join(cdir, c), "w") as cf:
                        cf.write("postgresql://dummy@localhost/x\n")
                env["CREDENTIALS_DIRECTORY"] = cdir
            with self.subTest(file=f):
                r = run_payd(["--check-config", "--config", path], env=env)
                if re.search(r"\bfile:/", code):
                    errors = [l for l in r.stderr.splitlines() if re.search(r":\d+: ", l)]
                    self.assertFalse([l for l in errors if "file:" not in l], r)
                else:
                    self.assertEqual(r.returncode, 0, r)
        self.assertGreater(checked, 0, f"no payd config shipped in {etc}")


class ServeWithBadConfig(TempDirMixin, unittest.TestCase):
    def test_invalid_config_exits_1_before_listening(self):
        d = self.make_tempdir()
        port = free_port()
        cfg = base_config(port)
        cfg["server"]["bogus_knob"] = 1
        path = os.path.join(d, "payd.yaml")
        with open(path, "w") as f:
            f.write(to_yaml(cfg) + "\n")
        t0 = time.monotonic()
        r = run_payd(["--config", path], cwd=d)
        self.assertEqual(r.returncode, 1, r)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertIn("server.bogus_knob", r.stderr, r)
        self.assertFalse(port_is_listening(port))
        self.assertNotIn('"msg":"listening"', r.stdout.replace(" ", ""))

    def test_missing_config_file_exits_1(self):
        d = self.make_tempdir()
        r = run_payd(["--config", os.path.join(d, "nope.yaml")], cwd=d)
        self.assertEqual(r.returncode, 1, r)
        self.assertTrue(r.stderr.strip(), r)

    def test_port_in_use_fails(self):
        d = self.make_tempdir()
        with socket.socket() as blocker:
            blocker.bind(("127.0.0.1", 0))
            blocker.listen(1)
            port = blocker.getsockname()[1]
            path = os.path.join(d, "payd.yaml")
            with open(path, "w") as f:
                f.write(to_yaml(base_config(port)) + "\n")
            r = run_payd(["--config", path], cwd=d, timeout=15)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertTrue((r.stderr + r.stdout).strip(), "no diagnostic at all")


if __name__ == "__main__":
    unittest.main()
