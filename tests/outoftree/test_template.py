"""Out-of-tree plugin authoring, end to end, as a plugin author does it:

1. ``cmake --install <payd build> --component sdk`` into a temporary prefix;
2. copy ``sdk/template`` elsewhere, configure it with ``find_package(paydSDK)`` against that
   prefix only, and build it (warnings are errors);
3. run its conformance kit (ctest, and the binary itself: more than 0 tests, none failed);
4. ``cmake --install`` the plugin, point ``plugins.dir`` of a real payd at it, configure a
   connector, and check ``GET /api/v1/connectors`` lists it with the plugin's name, version and
   capabilities; then SIGTERM payd.

Also checks that the plugin carries exactly payd's ABI tag, and that the installed CMake
package names nothing from payd's source or build tree (no payd_warnings, no absolute paths).

Environment (set by tests/outoftree/CMakeLists.txt): PAYD_BIN, PAYD_BUILD_DIR,
PAYD_SOURCE_DIR, PAYD_CMAKE, PAYD_CTEST, PAYD_CXX_COMPILER, PAYD_CXX_LAUNCHER,
PAYD_GENERATOR, PAYD_MAKE_PROGRAM, PAYD_BUILD_TYPE. PAYD_KEEP_TMP=1 keeps the temporary tree.
Python 3 standard library only.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from paydtest import clean_env, free_port, http_get, payd_bin, start_payd  # noqa: E402

# The whole tag (SDK major; compiler; Boost; C++ standard). Anchored at both ends: an
# optimised payd stores some string constants back to back without a NUL, so a loose
# pattern would also catch a message that merely quotes part of the tag.
ABI_TAG = re.compile(rb"payd-sdk/[0-9]+;[\x20-\x3a\x3c-\x7e]+;boost-[0-9_]+;cxx-[0-9]+L")
STEP_TIMEOUT = 240  # seconds for any one configure/build/install/test step


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise AssertionError(f"{name} is not set (ctest sets it: tests/outoftree/CMakeLists.txt)")
    return value


def abi_tags(path: str) -> set[bytes]:
    with open(path, "rb") as f:
        return set(ABI_TAG.findall(f.read()))


class OutOfTreeTemplate(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.build_dir = env("PAYD_BUILD_DIR")
        cls.source_dir = env("PAYD_SOURCE_DIR")
        cls.cmake = env("PAYD_CMAKE")
        cls.ctest = env("PAYD_CTEST")
        cls.tmp = tempfile.mkdtemp(prefix="payd-outoftree-")
        if not os.environ.get("PAYD_KEEP_TMP"):
            cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.sdk_prefix = os.path.join(cls.tmp, "sdk")
        cls.plugin_src = os.path.join(cls.tmp, "example")
        cls.plugin_build = os.path.join(cls.tmp, "example-build")
        cls.plugin_prefix = os.path.join(cls.tmp, "example-install")
        cls.timings: dict[str, float] = {}

        # 1. The SDK, as an author gets it: installed, nothing else from payd's trees.
        cls.run_step("install the SDK", [cls.cmake, "--install", cls.build_dir,
                                         "--component", "sdk", "--prefix", cls.sdk_prefix])
        # 2. The template, copied away from payd's tree so it cannot lean on relative paths.
        shutil.copytree(os.path.join(cls.source_dir, "sdk", "template"), cls.plugin_src,
                        ignore=shutil.ignore_patterns("build", "build-*"))
        configure = [cls.cmake, "-S", cls.plugin_src, "-B", cls.plugin_build,
                     f"-DCMAKE_PREFIX_PATH={cls.sdk_prefix}",
                     f"-DCMAKE_INSTALL_PREFIX={cls.plugin_prefix}",
                     # The ABI tag names the compiler: build with payd's.
                     f"-DCMAKE_CXX_COMPILER={env('PAYD_CXX_COMPILER')}",
                     "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Wpedantic -Werror",
                     "--no-warn-unused-cli"]
        if os.environ.get("PAYD_BUILD_TYPE"):
            configure.append(f"-DCMAKE_BUILD_TYPE={os.environ['PAYD_BUILD_TYPE']}")
        if os.environ.get("PAYD_GENERATOR"):
            configure += ["-G", os.environ["PAYD_GENERATOR"]]
            if os.environ.get("PAYD_MAKE_PROGRAM"):
                configure.append(f"-DCMAKE_MAKE_PROGRAM={os.environ['PAYD_MAKE_PROGRAM']}")
        if os.environ.get("PAYD_CXX_LAUNCHER"):
            configure.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={os.environ['PAYD_CXX_LAUNCHER']}")
        cls.configure_output = cls.run_step("configure the template", configure)
        cls.build_output = cls.run_step(
            "build the template", [cls.cmake, "--build", cls.plugin_build, "-j", "2"], nice=True)
        cls.run_step("install the plugin", [cls.cmake, "--install", cls.plugin_build])
        cls.plugin_dir = os.path.join(cls.plugin_prefix, "lib", "payd", "plugins")
        cls.plugin_file = os.path.join(cls.plugin_dir, "example.so")

    @classmethod
    def run_step(cls, what: str, argv: list[str], nice: bool = False) -> str:
        if nice and shutil.which("nice"):
            argv = ["nice", "-n", "10"] + argv
        # ccache: paths relative to the temporary tree, so the next run hits the cache.
        extra = {"CCACHE_BASEDIR": cls.tmp, "CCACHE_NOHASHDIR": "1"}
        started = time.monotonic()
        try:
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=STEP_TIMEOUT,
                                  env=clean_env(extra))
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"{what}: timed out after {STEP_TIMEOUT}s\n{e.output}") from None
        cls.timings[what] = time.monotonic() - started
        print(f"{what}: {cls.timings[what]:.1f}s", file=sys.stderr)
        if proc.returncode != 0:
            raise AssertionError(f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n"
                                 f"{proc.stdout[-8000:]}")
        return proc.stdout

    # -- the installed package ---------------------------------------------------------------

    def test_installed_sdk_layout(self):
        cmakedir = None
        for libdir in ("lib", "lib64", os.path.join("lib", "x86_64-linux-gnu")):
            d = os.path.join(self.sdk_prefix, libdir, "cmake", "paydSDK")
            if os.path.isfile(os.path.join(d, "paydSDKConfig.cmake")):
                cmakedir = d
        self.assertIsNotNone(cmakedir, f"no paydSDKConfig.cmake under {self.sdk_prefix}")
        for f in ("paydSDKConfigVersion.cmake", "paydSDKTargets.cmake", "paydSDKPlugin.cmake",
                  "paydSDKTestkitTargets.cmake"):
            self.assertTrue(os.path.isfile(os.path.join(cmakedir, f)), f)
        for header in ("sdk/plugin.hpp", "sdk/provider.hpp", "sdk/signature.hpp",
                       "testkit/conformance.hpp"):
            path = os.path.join(self.sdk_prefix, "include", "payd", header)
            self.assertTrue(os.path.isfile(path), header)
        # Relocatable and self-contained: nothing points back into payd's trees, and our
        # warning flags are not part of the interface.
        for name in sorted(os.listdir(cmakedir)):
            with open(os.path.join(cmakedir, name), encoding="utf-8") as f:
                text = f.read()
            self.assertNotIn("payd_warnings", text, name)
            self.assertNotIn(os.path.realpath(self.source_dir), text, name)
            self.assertNotIn(os.path.realpath(self.build_dir), text, name)
        # Only the SDK component: no daemon, no unit, no config.
        self.assertFalse(os.path.exists(os.path.join(self.sdk_prefix, "bin")))
        self.assertFalse(os.path.exists(os.path.join(self.sdk_prefix, "etc")))

    def test_configure_is_quiet_about_the_toolchain(self):
        # paydSDKPlugin.cmake warns when the compiler differs from payd's; it must not here.
        self.assertNotIn("CMake Warning", self.configure_output, self.configure_output)

    # -- the conformance kit ------------------------------------------------------------------

    def test_conformance_kit_passes(self):
        kit = os.path.join(self.plugin_build, "example_conformance_test")
        report = os.path.join(self.tmp, "kit.json")
        self.run_step("run the kit", [kit, f"--gtest_output=json:{report}"])
        with open(report, encoding="utf-8") as f:
            doc = json.load(f)
        self.assertGreater(doc["tests"], 0)
        self.assertEqual(doc["failures"], 0)
        self.assertEqual(doc.get("disabled", 0), 0)
        suites = {s["name"]: s for s in doc["testsuites"]}
        self.assertIn("ExampleConformance", suites)
        names = {t["name"] for t in suites["ExampleConformance"]["testsuite"]}
        fixtures = [f for f in os.listdir(os.path.join(self.plugin_src, "fixtures"))
                    if f.endswith(".json") and f != "kit.json"]
        # One test per fixture at least, plus the coverage check; never the load failure.
        self.assertGreaterEqual(len(names), len(fixtures) + 1, sorted(names))
        self.assertIn("capabilities_covered", names)
        self.assertNotIn("fixtures_load", names)
        self.assertTrue(any(n.startswith("webhook_attacks_") for n in names), sorted(names))

    def test_ctest_discovers_and_passes_the_kit(self):
        out = self.run_step("ctest the template",
                            [self.ctest, "--test-dir", self.plugin_build, "-j", "2",
                             "--output-on-failure", "--no-tests=error"])
        m = re.search(r"(\d+)% tests passed, (\d+) tests failed out of (\d+)", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(m.group(2), "0", out)
        self.assertGreater(int(m.group(3)), 0, out)

    # -- loading into payd ---------------------------------------------------------------------

    def test_plugin_has_payds_abi_tag(self):
        self.assertTrue(os.path.isfile(self.plugin_file), f"not installed: {self.plugin_file}")
        payd_tags = abi_tags(payd_bin())
        plugin_tags = abi_tags(self.plugin_file)
        self.assertEqual(len(payd_tags), 1, payd_tags)
        self.assertEqual(plugin_tags, payd_tags,
                         "the template built against the installed SDK carries another ABI tag "
                         "than payd: payd would refuse it")

    def test_payd_loads_the_plugin_and_lists_the_connector(self):
        workdir = tempfile.mkdtemp(prefix="payd-run-", dir=self.tmp)

        def config(port: int) -> str:
            return (
                f"listen: {{address: 127.0.0.1, port: {port}}}\n"
                "server: {threads: 2, shutdown_grace: 2s}\n"
                "log: {level: info, access_log: false}\n"
                f"plugins: {{dir: {self.plugin_dir}}}\n"
                "connectors:\n"
                "  - id: example-test\n"
                "    plugin: example\n"
                "    mode: test\n"
                "    required: true\n"
                "    config:\n"
                "      api_key: ek_test_outoftree\n"
                "      base_url: https://api.examplepay.test/v1\n"
                "      webhook_secret: whsec_outoftree_0123456789\n")

        p = start_payd(workdir, config_text=config, env=clean_env())
        try:
            loaded = p.wait_for_log(msg="plugin loaded", timeout=5)
            self.assertEqual(loaded["plugin"], "example")
            self.assertEqual(loaded["version"], "0.1.0")
            self.assertEqual(os.path.realpath(loaded["file"]), os.path.realpath(self.plugin_file))
            self.assertEqual(p.find_logs(msg="plugin or connector refused"), [], p.describe())

            status, _, body = http_get(p.port, "/api/v1/connectors", timeout=5)
            self.assertEqual(status, 200, body)
            doc = json.loads(body)
            by_id = {c["id"]: c for c in doc["data"]}
            self.assertIn("example-test", by_id, body)
            c = by_id["example-test"]
            self.assertEqual(c["plugin"], "example")
            self.assertEqual(c["plugin_version"], "0.1.0")
            self.assertEqual(c["mode"], "test")
            self.assertTrue(c["available"], c)
            self.assertTrue(c["healthy"], c)
            self.assertIsNone(c["problem"])
            caps = c["capabilities"]
            self.assertEqual(set(caps["operations"]), {"authorize", "capture", "refund", "sync"})
            self.assertTrue(caps["manual_capture"])
            self.assertTrue(caps["partial_capture"])
            self.assertTrue(caps["partial_refunds"])
            self.assertTrue(caps["multiple_refunds"])
            self.assertEqual(caps["currencies"], ["EUR", "GBP", "USD"])
            self.assertEqual(caps["payment_method_types"], ["card"])
            self.assertTrue(caps["webhooks"])  # webhook_secret is configured
            self.assertTrue(caps["sync"])
            status, _, body = http_get(p.port, "/readyz", timeout=5)
            self.assertEqual(status, 200, body)
        finally:
            code = p.stop()  # SIGTERM by PID, SIGKILL only if it hangs
        self.assertEqual(code, 0, p.describe())

    def test_plugin_built_with_another_compiler_is_refused(self):
        # The same template built with clang++: configure warns, the tag names Clang, and
        # payd refuses the file (ABI mismatch) while serving on without it.
        if os.environ.get("PAYD_SANITIZE") == "ON":
            self.skipTest("clang cannot link against the GCC-sanitized SDK")
        if "clang" in os.path.basename(env("PAYD_CXX_COMPILER")):
            self.skipTest("payd itself is built with clang++")
        build = os.path.join(self.tmp, "example-clang")
        configure = [self.cmake, "-S", self.plugin_src, "-B", build,
                     f"-DCMAKE_PREFIX_PATH={self.sdk_prefix}",
                     f"-DCMAKE_CXX_COMPILER={shutil.which('clang++')}",
                     "-DEXAMPLE_BUILD_TESTS=OFF"]
        if os.environ.get("PAYD_GENERATOR"):
            configure += ["-G", os.environ["PAYD_GENERATOR"]]
            if os.environ.get("PAYD_MAKE_PROGRAM"):
                configure.append(f"-DCMAKE_MAKE_PROGRAM={os.environ['PAYD_MAKE_PROGRAM']}")
        if os.environ.get("PAYD_CXX_LAUNCHER"):
            configure.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={os.environ['PAYD_CXX_LAUNCHER']}")
        out = self.run_step("configure with clang++", configure)
        self.assertIn("this payd SDK was built with GNU", " ".join(out.split()))  # unwrapped
        self.run_step("build with clang++", [self.cmake, "--build", build, "-j", "2"], nice=True)
        plugin_dir = os.path.join(self.tmp, "clang-plugins")
        os.makedirs(plugin_dir)
        shutil.copy(os.path.join(build, "example.so"), plugin_dir)
        [tag] = abi_tags(os.path.join(plugin_dir, "example.so"))
        self.assertTrue(tag.startswith(b"payd-sdk/1;Clang"), tag)

        def config(port: int) -> str:
            return (f"listen: {{address: 127.0.0.1, port: {port}}}\n"
                    "server: {threads: 2, shutdown_grace: 2s}\n"
                    "log: {level: info, access_log: false}\n"
                    f"plugins: {{dir: {plugin_dir}}}\n"
                    "connectors:\n"
                    "  - id: example-clang\n"
                    "    plugin: example\n"
                    "    mode: test\n"
                    "    config: {api_key: ek_test_clang}\n")

        workdir = tempfile.mkdtemp(prefix="payd-clang-", dir=self.tmp)
        p = start_payd(workdir, config_text=config, env=clean_env())
        try:
            refused = p.wait_for_log(msg="plugin or connector refused",
                                     pred=lambda l: "ABI mismatch" in l.get("reason", ""))
            self.assertIn("example.so", refused["reason"])
            self.assertIn("rebuild the plugin against this payd's SDK", refused["reason"])
            self.assertEqual(p.find_logs(msg="plugin loaded"), [])
            status, _, body = http_get(p.port, "/api/v1/connectors", timeout=5)
            self.assertEqual(status, 200, body)
            [c] = json.loads(body)["data"]
            self.assertEqual(c["id"], "example-clang")
            self.assertFalse(c["available"], c)
        finally:
            code = p.stop()
        self.assertEqual(code, 0, p.describe())

    def test_config_error_from_the_plugin_stops_startup(self):
        # A live key on a test connector: the template's ConfigError, reported by payd with
        # the YAML location and key, and without the value.
        workdir = tempfile.mkdtemp(prefix="payd-bad-", dir=self.tmp)
        path = os.path.join(workdir, "payd.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"listen: {{address: 127.0.0.1, port: {free_port()}}}\n"
                    f"plugins: {{dir: {self.plugin_dir}}}\n"
                    "connectors:\n"
                    "  - id: example-test\n"
                    "    plugin: example\n"
                    "    mode: test\n"
                    "    required: true\n"
                    "    config:\n"
                    "      api_key: ek_live_should_not_be_echoed\n")
        proc = subprocess.Popen([payd_bin(), "--config", path], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=clean_env())
        try:
            out, _ = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=15)
            self.fail(f"payd kept running with a required connector whose config is wrong\n{out}")
        self.assertEqual(proc.returncode, 1, out)
        self.assertIn("connectors[0].config.api_key: must start with ek_test_", out)
        self.assertNotIn("ek_live_should_not_be_echoed", out)


if __name__ == "__main__":
    unittest.main()
