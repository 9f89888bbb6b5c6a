"""Plugin loading: the sandbox loads through the same path as any outside plugin; broken
plugins are refused one by one with a clear reason and never take payd down."""

import os
import shutil
import subprocess
import time
import unittest

from paydtest import PaydTestCase, clean_env, free_port, http_get, payd_bin

PLUGIN_DIR = os.environ.get("PAYD_PLUGIN_DIR", "")
BAD_DIR = os.environ.get("PAYD_BAD_PLUGIN_DIR", "")


def config_text(port: int, plugin_dir: str, connectors: str) -> str:
    return (
        f"listen: {{address: 127.0.0.1, port: {port}}}\n"
        "server: {threads: 2, shutdown_grace: 2s}\n"
        "log: {level: info, access_log: false}\n"
        f"plugins: {{dir: {plugin_dir}}}\n"
        "connectors:\n" + connectors)


SANDBOX = (
    "  - id: sandbox-test\n"
    "    plugin: sandbox\n"
    "    mode: test\n"
    "    required: true\n"
    "    config:\n"
    "      latency_ms: 0\n")


class PluginLoading(PaydTestCase):
    def plugin_dir(self, *names: str, corrupt: bool = False) -> str:
        d = os.path.join(self.make_tempdir(), "plugins")
        os.makedirs(d)
        for n in names:
            src_dir = PLUGIN_DIR if n == "sandbox" else BAD_DIR
            shutil.copy(os.path.join(src_dir, n + ".so"), d)
        if corrupt:
            with open(os.path.join(d, "corrupt.so"), "w") as f:
                f.write("this is not an ELF file\n")
        return d

    def run_to_exit(self, text: str, timeout: float = 15) -> tuple[int, str]:
        d = self.make_tempdir()
        path = os.path.join(d, "payd.yaml")
        with open(path, "w") as f:
            f.write(text)
        proc = subprocess.run([payd_bin(), "--config", path], env=clean_env(),
                              capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout + proc.stderr

    def connectors(self, p) -> list[dict]:
        status, _, body = http_get(p.port, "/api/v1/connectors", timeout=5)
        self.assertEqual(status, 200, body)
        import json
        doc = json.loads(body)
        self.assertEqual(doc["object"], "list")
        return doc["data"]

    def test_sandbox_loads_and_is_listed(self):
        d = self.plugin_dir("sandbox")
        p = self.start_payd(config_text=lambda port: config_text(port, d, SANDBOX))
        loaded = p.wait_for_log(msg="plugin loaded", timeout=5)
        self.assertEqual(loaded["plugin"], "sandbox")
        self.assertTrue(loaded["file"].endswith("sandbox.so"))
        [c] = self.connectors(p)
        self.assertEqual(c["id"], "sandbox-test")
        self.assertEqual(c["plugin"], "sandbox")
        self.assertEqual(c["plugin_version"], "1.0.0")
        self.assertEqual(c["mode"], "test")
        self.assertTrue(c["healthy"])
        self.assertTrue(c["available"])
        self.assertIsNone(c["problem"])
        caps = c["capabilities"]
        self.assertEqual(set(caps["operations"]),
                         {"authorize", "capture", "cancel", "refund", "sync", "sync_refund"})
        self.assertTrue(caps["manual_capture"])
        self.assertTrue(caps["partial_refunds"])
        self.assertEqual(caps["payment_method_types"], ["card"])
        self.assertFalse(caps["webhooks"])  # no webhook_secret configured
        status, _, body = http_get(p.port, "/readyz", timeout=5)
        self.assertEqual(status, 200, body)

    def test_broken_files_are_refused_one_by_one_and_payd_serves(self):
        d = self.plugin_dir("sandbox", "no_descriptor", "abi_mismatch", corrupt=True)
        p = self.start_payd(config_text=lambda port: config_text(port, d, SANDBOX))
        deadline = time.time() + 5
        refusals = []
        while time.time() < deadline and len(refusals) < 3:
            refusals = [l["reason"] for l in p.logs() if l.get("msg") == "plugin or connector refused"]
            time.sleep(0.1)
        self.assertEqual(len(refusals), 3, p.describe())
        by_file = {os.path.basename(r.split(":")[0]): r for r in refusals}
        self.assertIn("not a loadable shared library", by_file["corrupt.so"])
        self.assertIn("no payd plugin descriptor", by_file["no_descriptor.so"])
        self.assertIn("ABI mismatch", by_file["abi_mismatch.so"])
        self.assertIn("payd-sdk/0;other-compiler", by_file["abi_mismatch.so"])
        self.assertEqual(len(self.connectors(p)), 1)
        self.assertAlive(p)

    def test_required_connector_with_missing_plugin_stops_startup(self):
        d = self.plugin_dir("sandbox")
        text = config_text(free_port(), d,
                           "  - id: gone\n    plugin: nope\n    mode: test\n    required: true\n")
        code, out = self.run_to_exit(text)
        self.assertEqual(code, 1, out)
        self.assertIn('plugin \\"nope\\" is not loaded', out)
        self.assertIn("connectors[0]", out)

    def test_required_connector_whose_factory_throws_stops_startup(self):
        d = self.plugin_dir("factory_throws")
        text = config_text(free_port(), d,
                           "  - id: boom\n    plugin: factory_throws\n    mode: test\n"
                           "    required: true\n")
        code, out = self.run_to_exit(text)
        self.assertEqual(code, 1, out)
        self.assertIn("factory exploded", out)

    def test_config_error_names_file_line_and_key(self):
        d = self.plugin_dir("config_checker")
        text = config_text(free_port(), d,
                           "  - id: checker\n"
                           "    plugin: config_checker\n"
                           "    mode: live\n"
                           "    required: true\n"
                           "    config:\n"
                           "      api_key: sk_live_nope\n")
        line = text.splitlines().index("      api_key: sk_live_nope") + 1
        code, out = self.run_to_exit(text)
        self.assertEqual(code, 1, out)
        self.assertIn(f"payd.yaml:{line}: connectors[0].config.api_key: must start with sk_test_",
                      out)
        self.assertNotIn("sk_live_nope", out)  # the value itself is never echoed

    def test_optional_connector_that_fails_is_listed_unhealthy(self):
        d = self.plugin_dir("sandbox", "info_throws", "factory_throws")
        connectors = SANDBOX + (
            "  - id: flaky\n    plugin: info_throws\n    mode: test\n"
            "  - id: broken\n    plugin: factory_throws\n    mode: live\n")
        p = self.start_payd(config_text=lambda port: config_text(port, d, connectors))
        listed = {c["id"]: c for c in self.connectors(p)}
        self.assertEqual(set(listed), {"sandbox-test", "flaky", "broken"})
        self.assertFalse(listed["flaky"]["available"])
        self.assertFalse(listed["flaky"]["healthy"])
        self.assertIn("info exploded", listed["flaky"]["problem"])
        self.assertIsNone(listed["flaky"]["capabilities"])
        self.assertIn("factory exploded", listed["broken"]["problem"])
        self.assertEqual(listed["broken"]["mode"], "live")
        self.assertTrue(listed["sandbox-test"]["healthy"])
        # Optional failures do not make payd unready.
        status, _, body = http_get(p.port, "/readyz", timeout=5)
        self.assertEqual(status, 200, body)
        self.assertAlive(p)


if __name__ == "__main__":
    unittest.main()
