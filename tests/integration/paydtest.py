"""Shared harness for payd integration tests.

Starts the real ``payd`` binary (path in the ``PAYD_BIN`` environment variable)
on a free port of 127.0.0.1 with a temporary YAML config, captures its stdout
(JSON log lines) and stderr to files, and speaks HTTP to it over real sockets.

Python 3 standard library only.  Every blocking operation is bounded in time.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
from typing import Any, Callable, Iterable

LOCALHOST = "127.0.0.1"
READY_TIMEOUT = 15.0          # payd must answer /healthz within this after spawn
STOP_TIMEOUT = 15.0           # SIGTERM -> exit, before we SIGKILL
DEFAULT_IO_TIMEOUT = 5.0      # every socket operation

GENERATED_REQUEST_ID = re.compile(r"^req_[0-9a-f]{32}$")
WELL_FORMED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
ISO8601_UTC = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00|\+0000)$")

# Environment variables that would change payd's behaviour if inherited from
# whatever runs the tests (ctest under systemd, a developer shell...).
_SCRUBBED_ENV = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS",
                 "LISTEN_PID", "LISTEN_FDNAMES", "CREDENTIALS_DIRECTORY")


# --------------------------------------------------------------------------
# Binary and ports
# --------------------------------------------------------------------------

def payd_bin() -> str:
    path = os.environ.get("PAYD_BIN")
    if not path:
        raise AssertionError(
            "PAYD_BIN is not set: point it at the payd executable "
            "(ctest sets it to $<TARGET_FILE:payd>)")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise AssertionError(f"PAYD_BIN={path!r} is not an executable file")
    return path


def source_dir() -> str | None:
    return os.environ.get("PAYD_SOURCE_DIR")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


def port_is_listening(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((LOCALHOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def clean_env(extra: dict[str, str] | None = None,
              remove: Iterable[str] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    for k in remove:
        env.pop(k, None)
    if extra:
        env.update(extra)
    return env


# --------------------------------------------------------------------------
# YAML config
# --------------------------------------------------------------------------

def _yaml_scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(str(v))


def to_yaml(tree: dict, indent: int = 0) -> str:
    out = []
    pad = "  " * indent
    for key, value in tree.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out.append(to_yaml(value, indent + 1))
        else:
            out.append(f"{pad}{key}: {_yaml_scalar(value)}")
    return "\n".join(line for line in out if line != "")


def deep_merge(base: dict, over: dict) -> dict:
    result = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(result.get(k), dict):
            result[k] = deep_merge(result[k], v)
        else:
            result[k] = v
    return result


def base_config(port: int) -> dict:
    """A valid config tuned for tests: short grace so teardown is quick."""
    return {
        "listen": {"address": LOCALHOST, "port": port},
        "server": {
            "threads": 2,
            "max_header_bytes": 16384,
            "max_body_bytes": 1048576,
            "max_json_depth": 32,
            "header_timeout": "5s",
            "body_timeout": "5s",
            "idle_timeout": "10s",
            "write_timeout": "5s",
            "shutdown_grace": "3s",
            "max_connections": 1000,
        },
        "log": {"level": "info", "format": "json", "access_log": True},
        "metrics": {"enabled": True, "path": "/metrics"},
    }


# --------------------------------------------------------------------------
# Raw HTTP over sockets
# --------------------------------------------------------------------------

class ConnectionClosed(AssertionError):
    """The peer closed (FIN or RST) before a complete response arrived."""

    def __init__(self, msg: str, partial: bytes = b""):
        super().__init__(msg)
        self.partial = partial


class Response:
    def __init__(self, version: str, status: int, reason: str,
                 headers: list[tuple[str, str]], body: bytes, raw_head: bytes):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.raw_head = raw_head

    def header(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise AssertionError(
                f"response body is not JSON ({e}): {self.body[:500]!r}") from None

    def __repr__(self) -> str:
        return (f"<Response {self.version} {self.status} {self.reason!r} "
                f"headers={self.headers!r} body={self.body[:300]!r}>")


class Conn:
    """A raw TCP connection to payd with a small HTTP/1.x response reader."""

    def __init__(self, port: int, timeout: float = DEFAULT_IO_TIMEOUT,
                 host: str = LOCALHOST):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = b""
        self.eof = False

    # -- plumbing -----------------------------------------------------------
    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self) -> "Conn":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def try_send(self, data: bytes | str) -> bool:
        """Send; False if the peer has already closed/reset the connection."""
        try:
            self.send(data)
            return True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return False

    def _recv_some(self, deadline: float) -> bool:
        """Append received bytes to buf.  False on EOF/RST.  Raises
        socket.timeout when the deadline passes."""
        if self.eof:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("deadline passed")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, ConnectionAbortedError):
            self.eof = True
            return False
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _need(self, deadline: float, what: str, start_len: int) -> None:
        if not self._recv_some(deadline):
            raise ConnectionClosed(f"connection closed while reading {what}",
                                   self.buf)

    # -- reading ------------------------------------------------------------
    def read_response(self, timeout: float | None = None,
                      head: bool = False) -> Response:
        """Read exactly one response (skipping 1xx interim responses)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            resp = self._read_one(deadline, head)
            if 100 <= resp.status < 200:
                continue
            return resp

    def _read_one(self, deadline: float, head: bool) -> Response:
        while True:
            idx = self.buf.find(b"\r\n\r\n")
            if idx >= 0:
                sep = 4
                break
            idx = self.buf.find(b"\n\n")
            if idx >= 0:
                sep = 2
                break
            self._need(deadline, "response head", 0)
        raw_head = self.buf[:idx]
        self.buf = self.buf[idx + sep:]
        lines = raw_head.replace(b"\r\n", b"\n").split(b"\n")
        status_line = lines[0].decode("latin-1")
        m = re.match(r"^(HTTP/\d\.\d) (\d{3})(?: (.*))?$", status_line)
        if not m:
            raise AssertionError(f"malformed status line: {status_line!r}")
        version, status, reason = m.group(1), int(m.group(2)), m.group(3) or ""
        headers = []
        for line in lines[1:]:
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise AssertionError(f"malformed response header: {line!r}")
            headers.append((name, value.strip()))
        resp = Response(version, status, reason, headers, b"", raw_head)

        if head or status in (204, 304) or 100 <= status < 200:
            return resp
        te = resp.header("Transfer-Encoding")
        cl = resp.header("Content-Length")
        if te is not None and "chunked" in te.lower():
            resp.body = self._read_chunked(deadline)
        elif cl is not None:
            n = int(cl)
            while len(self.buf) < n:
                self._need(deadline, f"body ({len(self.buf)}/{n} bytes)", 0)
            resp.body, self.buf = self.buf[:n], self.buf[n:]
        else:
            # Delimited by connection close.
            while self._recv_some(deadline):
                pass
            resp.body, self.buf = self.buf, b""
        return resp

    def _read_chunked(self, deadline: float) -> bytes:
        body = b""
        while True:
            while b"\r\n" not in self.buf:
                self._need(deadline, "chunk size", 0)
            line, self.buf = self.buf.split(b"\r\n", 1)
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                # trailers until empty line
                while True:
                    while b"\r\n" not in self.buf:
                        self._need(deadline, "trailer", 0)
                    t, self.buf = self.buf.split(b"\r\n", 1)
                    if t == b"":
                        return body
            while len(self.buf) < size + 2:
                self._need(deadline, "chunk data", 0)
            body += self.buf[:size]
            self.buf = self.buf[size + 2:]

    def read_until_eof(self, timeout: float = DEFAULT_IO_TIMEOUT
                       ) -> tuple[bytes, bool]:
        """Return (all remaining bytes, closed?).  closed is False if the
        connection was still open when the timeout expired."""
        deadline = time.monotonic() + timeout
        try:
            while self._recv_some(deadline):
                pass
            closed = True
        except (socket.timeout, TimeoutError):
            closed = False
        data, self.buf = self.buf, b""
        return data, closed

    def wait_closed(self, timeout: float) -> tuple[bool, float, bytes]:
        """Wait for EOF.  Returns (closed, seconds waited, bytes received)."""
        t0 = time.monotonic()
        data, closed = self.read_until_eof(timeout)
        return closed, time.monotonic() - t0, data

    # -- convenience --------------------------------------------------------
    def request(self, method: str, path: str, headers: dict | None = None,
                body: bytes = b"", version: str = "HTTP/1.1",
                timeout: float | None = None) -> Response:
        self.send(build_request(method, path, headers, body, version))
        return self.read_response(timeout, head=(method == "HEAD"))


def build_request(method: str, path: str, headers: dict | None = None,
                  body: bytes = b"", version: str = "HTTP/1.1") -> bytes:
    hdrs = {"Host": "localhost"}
    if headers:
        hdrs.update(headers)
    if body and not any(k.lower() in ("content-length", "transfer-encoding")
                        for k in hdrs):
        hdrs["Content-Length"] = str(len(body))
    head = f"{method} {path} {version}\r\n"
    for k, v in hdrs.items():
        head += f"{k}: {v}\r\n"
    head += "\r\n"
    return head.encode("latin-1") + body


def parse_responses(data: bytes) -> list[Response]:
    """Parse zero or more complete responses from a byte string (used to look
    at whatever arrived after a connection was closed)."""
    class _Fake(Conn):
        def __init__(self, buf: bytes):  # noqa: D401 - no socket
            self.buf = buf
            self.eof = True
            self.timeout = 0.1

        def _recv_some(self, deadline):
            return False
    fake = _Fake(data)
    out = []
    while fake.buf.strip():
        out.append(fake.read_response(0.1))
    return out


# --------------------------------------------------------------------------
# The payd process
# --------------------------------------------------------------------------

class PaydProcess:
    """One running payd.  Create with PaydProcess.start()."""

    def __init__(self, workdir: str, config: dict | None = None,
                 config_text: str | None = None, env: dict | None = None,
                 port: int | None = None):
        self.workdir = workdir
        self.port = port or free_port()
        self.config = config if config is not None else base_config(self.port)
        self.config_text = config_text
        self.config_path = os.path.join(workdir, "payd.yaml")
        self.stdout_path = os.path.join(workdir, "stdout.log")
        self.stderr_path = os.path.join(workdir, "stderr.log")
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.spawn_time = 0.0
        self.returncode: int | None = None

    # -- config -------------------------------------------------------------
    def write_config(self, config: dict | None = None,
                     text: str | None = None) -> None:
        if text is None:
            text = to_yaml(config if config is not None else self.config) + "\n"
        tmp = self.config_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.config_path)

    # -- lifecycle ----------------------------------------------------------
    def spawn(self) -> None:
        if self.config_text is not None:
            self.write_config(text=self.config_text)
        else:
            self.write_config(self.config)
        self.stdout_f = open(self.stdout_path, "wb")
        self.stderr_f = open(self.stderr_path, "wb")
        self.spawn_time = time.time()
        self.proc = subprocess.Popen(
            [payd_bin(), "--config", self.config_path],
            stdin=subprocess.DEVNULL, stdout=self.stdout_f, stderr=self.stderr_f,
            cwd=self.workdir, env=self.env if self.env is not None else clean_env(),
            close_fds=True)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        last_err = None
        while time.monotonic() < deadline:
            if not self.alive():
                raise AssertionError(
                    f"payd exited with code {self.proc.returncode} before "
                    f"answering /healthz\n{self.describe()}")
            try:
                status, _, _ = http_get(self.port, "/healthz", timeout=1.0)
                if status == 200:
                    return
                last_err = f"status {status}"
            except OSError as e:
                last_err = repr(e)
            except http.client.HTTPException as e:
                last_err = repr(e)
            time.sleep(0.05)
        raise AssertionError(
            f"payd did not answer GET /healthz with 200 within {timeout}s "
            f"(last: {last_err})\n{self.describe()}")

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)

    def wait_exit(self, timeout: float) -> int | None:
        """Exit code, or None if still running after timeout."""
        assert self.proc is not None
        try:
            self.returncode = self.proc.wait(timeout=timeout)
            return self.returncode
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM, then SIGKILL after timeout.  Safe to call repeatedly."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.returncode = self.proc.returncode
        for f in (getattr(self, "stdout_f", None), getattr(self, "stderr_f", None)):
            if f is not None and not f.closed:
                f.close()
        return self.returncode

    # -- output -------------------------------------------------------------
    def stdout_bytes(self) -> bytes:
        with contextlib.suppress(FileNotFoundError):
            with open(self.stdout_path, "rb") as f:
                return f.read()
        return b""

    def stderr_bytes(self) -> bytes:
        with contextlib.suppress(FileNotFoundError):
            with open(self.stderr_path, "rb") as f:
                return f.read()
        return b""

    def stdout_text(self) -> str:
        return self.stdout_bytes().decode("utf-8", "replace")

    def stderr_text(self) -> str:
        return self.stderr_bytes().decode("utf-8", "replace")

    def log_lines(self) -> list[str]:
        """Complete (newline-terminated) stdout lines."""
        data = self.stdout_text()
        if not data.endswith("\n"):
            data = data.rsplit("\n", 1)[0] if "\n" in data else ""
        return [l for l in data.split("\n") if l.strip()]

    def logs(self) -> list[dict]:
        """stdout lines parsed as JSON; lines that are not JSON objects are
        returned as {"__unparsed__": line}."""
        out = []
        for line in self.log_lines():
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError
                out.append(obj)
            except ValueError:
                out.append({"__unparsed__": line})
        return out

    def find_logs(self, **fields) -> list[dict]:
        return [l for l in self.logs()
                if all(l.get(k) == v for k, v in fields.items())]

    def wait_for_log(self, pred: Callable[[dict], bool] | None = None,
                     timeout: float = 5.0, **fields) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for line in self.logs():
                if all(line.get(k) == v for k, v in fields.items()) and \
                        (pred is None or pred(line)):
                    return line
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no log line matching {fields} {pred or ''} within "
                    f"{timeout}s\n{self.describe()}")
            time.sleep(0.05)

    def describe(self, limit: int = 6000) -> str:
        out = self.stdout_text()
        err = self.stderr_text()
        return (f"--- payd stdout (last {limit} chars) ---\n{out[-limit:]}\n"
                f"--- payd stderr (last {limit} chars) ---\n{err[-limit:]}")


def start_payd(workdir: str, overrides: dict | None = None,
               config_text: Callable[[int], str] | None = None,
               env: dict | None = None, attempts: int = 3) -> PaydProcess:
    """Start payd on a free port and wait for /healthz.  Retries with a new
    port if payd dies early because the port was taken in the meantime."""
    last = None
    for _ in range(attempts):
        port = free_port()
        cfg = deep_merge(base_config(port), overrides or {})
        text = config_text(port) if config_text else None
        p = PaydProcess(workdir, cfg, text, env, port)
        p.spawn()
        try:
            p.wait_ready()
            return p
        except AssertionError as e:
            p.stop(timeout=5)
            last = e
            blob = (p.stdout_text() + p.stderr_text()).lower()
            if "in use" in blob or "eaddrinuse" in blob:
                continue
            raise
    raise last  # type: ignore[misc]


# --------------------------------------------------------------------------
# http.client convenience
# --------------------------------------------------------------------------

def http_get(port: int, path: str, headers: dict | None = None,
             method: str = "GET", body: bytes | None = None,
             timeout: float = DEFAULT_IO_TIMEOUT
             ) -> tuple[int, http.client.HTTPMessage, bytes]:
    c = http.client.HTTPConnection(LOCALHOST, port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, r.headers, data
    finally:
        c.close()


# --------------------------------------------------------------------------
# Prometheus text format
# --------------------------------------------------------------------------

_SAMPLE = re.compile(
    r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


def parse_prometheus(text: str) -> list[tuple[str, dict[str, str], float]]:
    samples = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise AssertionError(f"unparseable metrics line: {line!r}")
        name, labels_s, value = m.group(1), m.group(2) or "", m.group(3)
        labels = {}
        pos = 0
        while pos < len(labels_s):
            lm = _LABEL.match(labels_s, pos)
            if not lm:
                raise AssertionError(f"bad labels in metrics line: {line!r}")
            labels[lm.group(1)] = lm.group(2)
            pos = lm.end()
        samples.append((name, labels, float(value)))
    return samples


def metric_value(samples, name: str, **labels) -> float | None:
    """Sum of samples with this name whose labels include the given ones."""
    found = [v for n, l, v in samples
             if n == name and all(l.get(k) == val for k, val in labels.items())]
    return sum(found) if found else None


# --------------------------------------------------------------------------
# unittest base classes
# --------------------------------------------------------------------------

class TempDirMixin:
    def make_tempdir(self) -> str:
        d = tempfile.mkdtemp(prefix="payd-it-")
        keep = os.environ.get("PAYD_KEEP_TMP")
        if not keep:
            self.addCleanup(shutil.rmtree, d, True)
        return d


class PaydTestCase(TempDirMixin, unittest.TestCase):
    """One payd per test.  Subclasses call self.start_payd(...)."""

    def start_payd(self, overrides: dict | None = None, **kw) -> PaydProcess:
        d = self.make_tempdir()
        p = start_payd(d, overrides, **kw)
        self.addCleanup(self._stop_and_report, p)
        return p

    def _stop_and_report(self, p: PaydProcess) -> None:
        p.stop()

    def assertAlive(self, p: PaydProcess) -> None:
        if not p.alive():
            self.fail(f"payd died (exit code {p.proc.returncode})\n{p.describe()}")
        status, _, body = http_get(p.port, "/healthz", timeout=5)
        self.assertEqual(status, 200, body)


class SharedPaydTestCase(unittest.TestCase):
    """One payd for the whole class (cheaper for many small checks).
    Subclasses set OVERRIDES.  tearDown verifies payd is still alive."""

    OVERRIDES: dict = {}
    payd: PaydProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls._tmp = tempfile.mkdtemp(prefix="payd-it-")
        if not os.environ.get("PAYD_KEEP_TMP"):
            cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        cls.payd = start_payd(cls._tmp, cls.OVERRIDES)
        cls.addClassCleanup(cls.payd.stop)

    def tearDown(self) -> None:
        if not self.payd.alive():
            self.fail(f"payd died during the test (exit code "
                      f"{self.payd.proc.returncode})\n{self.payd.describe()}")

    @property
    def port(self) -> int:
        return self.payd.port

    def conn(self, timeout: float = DEFAULT_IO_TIMEOUT) -> Conn:
        c = Conn(self.port, timeout)
        self.addCleanup(c.close)
        return c


def assert_error_envelope(tc: unittest.TestCase, resp: Response, status: int,
                          code: str, request_id: str | None = None) -> dict:
    tc.assertEqual(resp.status, status, resp)
    ctype = resp.header("Content-Type") or ""
    tc.assertTrue(ctype.lower().startswith("application/json"),
                  f"Content-Type {ctype!r} is not application/json: {resp}")
    body = resp.json()
    tc.assertIsInstance(body, dict, resp)
    tc.assertIn("error", body, resp)
    err = body["error"]
    tc.assertIsInstance(err, dict, resp)
    tc.assertEqual(err.get("code"), code, resp)
    tc.assertIsInstance(err.get("type"), str, resp)
    tc.assertTrue(err.get("type"), resp)
    tc.assertIsInstance(err.get("message"), str, resp)
    tc.assertTrue(err.get("message"), f"empty error.message: {resp}")
    tc.assertIn("param", err, resp)
    rid_header = resp.header("X-Request-Id")
    tc.assertIsNotNone(rid_header, f"no X-Request-Id header: {resp}")
    tc.assertEqual(body.get("request_id"), rid_header,
                   f"request_id in body differs from X-Request-Id header: {resp}")
    if request_id is not None:
        tc.assertEqual(rid_header, request_id, resp)
    return body
