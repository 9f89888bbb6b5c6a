"""systemd notification protocol (sd_notify) over a unix datagram socket."""

import os
import signal
import socket
import tempfile
import shutil
import time
import unittest

from paydtest import (PaydProcess, TempDirMixin, base_config, clean_env,
                      free_port, http_get)


class NotifyReceiver:
    def __init__(self):
        # Short path: sun_path is limited to 108 bytes.
        self.dir = tempfile.mkdtemp(prefix="pn-", dir="/tmp")
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.messages: list[tuple[float, dict[str, str], bytes]] = []

    def close(self):
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def poll(self, timeout: float) -> list:
        """Receive datagrams for up to `timeout` seconds (returns early after
        the first one).  Returns the new messages."""
        new = []
        self.sock.settimeout(max(0.001, timeout))
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return new
        fields = {}
        for line in data.decode("utf-8", "replace").split("\n"):
            if "=" in line:
                k, v = line.split("=", 1)
                fields[k] = v
        msg = (time.monotonic(), fields, data)
        self.messages.append(msg)
        new.append(msg)
        return new

    def wait_for(self, key: str, value: str | None = None, timeout: float = 10,
                 after: int = 0):
        """Index of the first message at or after index `after` with key(=value)."""
        deadline = time.monotonic() + timeout
        while True:
            for i in range(after, len(self.messages)):
                f = self.messages[i][1]
                if key in f and (value is None or f[key] == value):
                    return i
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"no sd_notify {key}={value} within {timeout}s; got "
                    f"{[m[2] for m in self.messages]}")
            self.poll(min(remaining, 0.2))

    def count(self, key, value, after=0):
        return sum(1 for m in self.messages[after:] if m[1].get(key) == value)


class SdNotify(TempDirMixin, unittest.TestCase):
    def start(self, extra_env=None, overrides=None):
        self.rx = NotifyReceiver()
        self.addCleanup(self.rx.close)
        env = clean_env({"NOTIFY_SOCKET": self.rx.path, **(extra_env or {})})
        d = self.make_tempdir()
        port = free_port()
        cfg = base_config(port)
        for k, v in (overrides or {}).items():
            cfg[k].update(v)
        p = PaydProcess(d, cfg, env=env, port=port)
        p.spawn()
        self.addCleanup(p.stop)
        return p

    def test_ready_after_listening(self):
        p = self.start()
        i = self.rx.wait_for("READY", "1", timeout=15)
        # READY=1 must mean "listening": an immediate request succeeds.
        status, _, _ = http_get(p.port, "/healthz", timeout=2)
        self.assertEqual(status, 200)
        self.assertEqual(self.rx.count("READY", "1"), 1,
                         "READY=1 sent more than once without a reload")
        self.assertEqual(self.rx.count("STOPPING", "1"), 0)
        self.assertGreaterEqual(i, 0)

    def test_reload_sequence(self):
        p = self.start()
        i_ready = self.rx.wait_for("READY", "1", timeout=15)
        p.signal(signal.SIGHUP)
        i_rel = self.rx.wait_for("RELOADING", "1", timeout=5, after=i_ready + 1)
        reloading = self.rx.messages[i_rel][1]
        if "MONOTONIC_USEC" in reloading:
            self.assertRegex(reloading["MONOTONIC_USEC"], r"^\d+$")
        self.rx.wait_for("READY", "1", timeout=5, after=i_rel)
        status, _, _ = http_get(p.port, "/healthz", timeout=2)
        self.assertEqual(status, 200)

    def test_rejected_reload_still_sends_ready(self):
        p = self.start()
        i_ready = self.rx.wait_for("READY", "1", timeout=15)
        p.write_config(text="listen:\n  port: abc\n")
        p.signal(signal.SIGHUP)
        i_rel = self.rx.wait_for("RELOADING", "1", timeout=5, after=i_ready + 1)
        # systemd waits for READY=1 after RELOADING=1 even if the reload failed.
        self.rx.wait_for("READY", "1", timeout=5, after=i_rel)
        self.assertTrue(p.alive())

    def test_stopping_on_sigterm(self):
        p = self.start()
        self.rx.wait_for("READY", "1", timeout=15)
        p.signal(signal.SIGTERM)
        self.rx.wait_for("STOPPING", "1", timeout=5)
        self.assertEqual(p.wait_exit(5), 0, p.describe())

    def test_watchdog(self):
        p = self.start({"WATCHDOG_USEC": "1000000"})
        self.rx.wait_for("READY", "1", timeout=15)
        start = len(self.rx.messages)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            self.rx.poll(deadline - time.monotonic())
        n = self.rx.count("WATCHDOG", "1", after=start)
        self.assertGreaterEqual(n, 2, f"only {n} WATCHDOG=1 in 3s with WATCHDOG_USEC=1s: "
                                f"{[m[2] for m in self.rx.messages]}")
        self.assertLess(n, 100, "watchdog pings far too often")

    def test_watchdog_pid_other_process_ignored(self):
        """WATCHDOG_PID naming another process means the watchdog is not for us."""
        p = self.start({"WATCHDOG_USEC": "500000", "WATCHDOG_PID": "1"})
        self.rx.wait_for("READY", "1", timeout=15)
        start = len(self.rx.messages)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            self.rx.poll(deadline - time.monotonic())
        self.assertEqual(self.rx.count("WATCHDOG", "1", after=start), 0)

    def test_no_watchdog_without_env(self):
        p = self.start()
        self.rx.wait_for("READY", "1", timeout=15)
        start = len(self.rx.messages)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            self.rx.poll(deadline - time.monotonic())
        self.assertEqual(self.rx.count("WATCHDOG", "1", after=start), 0)

    def test_no_notify_socket_is_fine(self):
        d = self.make_tempdir()
        port = free_port()
        p = PaydProcess(d, base_config(port), env=clean_env(), port=port)
        p.spawn()
        self.addCleanup(p.stop)
        p.wait_ready()
        p.signal(signal.SIGHUP)
        time.sleep(0.3)
        p.signal(signal.SIGTERM)
        self.assertEqual(p.wait_exit(5), 0, p.describe())


if __name__ == "__main__":
    unittest.main()
