"""SIGHUP: re-read the config, apply what can change, reject invalid configs."""

import copy
import json
import os
import signal
import time
import unittest

from paydtest import (PaydTestCase, free_port, http_get, port_is_listening)


def is_warn(level) -> bool:
    return str(level).lower() in ("warn", "warning")


class Reload(PaydTestCase):
    def reload(self, p, cfg=None, text=None):
        if cfg is not None or text is not None:
            p.write_config(cfg, text)
        p.signal(signal.SIGHUP)

    def assertServing(self, p, port=None):
        self.assertTrue(p.alive(), "payd died\n" + p.describe())
        status, _, body = http_get(port or p.port, "/healthz", timeout=5)
        self.assertEqual(status, 200, body)

    def test_valid_reload_logged_and_serving(self):
        p = self.start_payd()
        cfg = copy.deepcopy(p.config)
        cfg["log"]["level"] = "debug"
        self.reload(p, cfg)
        line = p.wait_for_log(msg="config reloaded", timeout=5)
        self.assertIn(str(line.get("level")).lower(), ("info", "debug", "notice"), line)
        self.assertServing(p)

    def test_invalid_reload_rejected_old_config_kept(self):
        p = self.start_payd()
        good = copy.deepcopy(p.config)
        bad = copy.deepcopy(p.config)
        bad["listen"]["port"] = "abc"
        self.reload(p, bad)
        line = p.wait_for_log(msg="config reload rejected", timeout=5)
        self.assertEqual(str(line.get("level")).lower(), "error", line)
        blob = json.dumps(line)
        self.assertIn("listen.port", blob, f"error text missing from {line}")
        self.assertServing(p)
        self.assertFalse(p.find_logs(msg="config reloaded"),
                         "an invalid config was reported as reloaded")
        # A later valid config is accepted again.
        good["log"]["level"] = "debug"
        self.reload(p, good)
        p.wait_for_log(msg="config reloaded", timeout=5)
        self.assertServing(p)

    def test_invalid_yaml_reload_rejected(self):
        p = self.start_payd()
        self.reload(p, text="listen: [unclosed\n  port: 1\n")
        p.wait_for_log(msg="config reload rejected", timeout=5)
        self.assertServing(p)

    def test_unknown_key_reload_rejected(self):
        p = self.start_payd()
        cfg = copy.deepcopy(p.config)
        cfg["server"]["no_such_knob"] = 3
        self.reload(p, cfg)
        line = p.wait_for_log(msg="config reload rejected", timeout=5)
        self.assertIn("server.no_such_knob", json.dumps(line), line)
        self.assertIn("unknown key", json.dumps(line), line)
        self.assertServing(p)

    def test_missing_file_reload_rejected(self):
        p = self.start_payd()
        os.unlink(p.config_path)
        self.reload(p)
        p.wait_for_log(msg="config reload rejected", timeout=5)
        self.assertServing(p)

    def test_port_change_needs_restart(self):
        p = self.start_payd()
        new_port = free_port()
        cfg = copy.deepcopy(p.config)
        cfg["listen"]["port"] = new_port
        self.reload(p, cfg)
        line = p.wait_for_log(msg="config change needs restart", timeout=5)
        self.assertTrue(is_warn(line.get("level")), line)
        self.assertIn("restart", json.dumps(line))
        self.assertIn("listen", json.dumps(line), "the warning should name the key")
        self.assertServing(p)
        self.assertFalse(port_is_listening(new_port), "payd started listening on the new port")

    def test_level_change_takes_effect(self):
        """Start at level error: info lines (access log) are suppressed.  After
        SIGHUP with level info, they appear."""
        p = self.start_payd({"log": {"level": "error"}})
        http_get(p.port, "/healthz", {"X-Request-Id": "before-reload"})
        time.sleep(0.3)
        self.assertFalse(p.find_logs(request_id="before-reload"),
                         "info-level access line logged at level error")
        self.assertFalse([l for l in p.logs() if str(l.get("level")).lower() == "info"],
                         "info lines logged at level error:\n" + p.describe())
        cfg = copy.deepcopy(p.config)
        cfg["log"]["level"] = "info"
        self.reload(p, cfg)
        deadline = time.monotonic() + 5
        i = 0
        while time.monotonic() < deadline:
            http_get(p.port, "/healthz", {"X-Request-Id": f"after-reload-{i}"})
            time.sleep(0.1)
            if any(str(l.get("request_id", "")).startswith("after-reload")
                   for l in p.logs()):
                break
            i += 1
        self.assertTrue(any(str(l.get("request_id", "")).startswith("after-reload")
                            for l in p.logs()),
                        "no access line after raising the level to info by SIGHUP\n"
                        + p.describe())
        self.assertFalse(p.find_logs(request_id="before-reload"))

    def test_reload_storm(self):
        p = self.start_payd()
        cfg = copy.deepcopy(p.config)
        for i in range(10):
            cfg["log"]["level"] = "debug" if i % 2 else "info"
            self.reload(p, cfg)
            time.sleep(0.05)
        time.sleep(0.5)
        self.assertServing(p)
        self.assertTrue(p.find_logs(msg="config reloaded"), p.describe())

    def test_reload_then_clean_shutdown(self):
        p = self.start_payd()
        self.reload(p, p.config)
        p.wait_for_log(msg="config reloaded", timeout=5)
        p.signal(signal.SIGTERM)
        self.assertEqual(p.wait_exit(5), 0, p.describe())


if __name__ == "__main__":
    unittest.main()
