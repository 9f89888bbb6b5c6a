"""/metrics: Prometheus text format, route templates, process metrics, promtool."""

import shutil
import subprocess
import time
import unittest

from paydtest import (PaydTestCase, SharedPaydTestCase, http_get,
                      metric_value, parse_prometheus)


def scrape(port, path="/metrics"):
    status, headers, body = http_get(port, path, timeout=5)
    return status, headers, body.decode("utf-8")


class Metrics(SharedPaydTestCase):
    def get(self):
        status, headers, text = scrape(self.port)
        self.assertEqual(status, 200, text[:500])
        return headers, text, parse_prometheus(text)

    def test_content_type(self):
        headers, _, _ = self.get()
        ctype = headers.get("Content-Type", "")
        self.assertTrue(ctype.startswith("text/plain; version=0.0.4"), ctype)

    def test_required_families_present(self):
        http_get(self.port, "/healthz")
        _, text, samples = self.get()
        names = {n for n, _, _ in samples}
        for name in ("payd_http_requests_total",
                     "payd_http_request_duration_seconds_bucket",
                     "payd_http_request_duration_seconds_sum",
                     "payd_http_request_duration_seconds_count",
                     "payd_build_info",
                     "process_resident_memory_bytes",
                     "process_cpu_seconds_total",
                     "process_open_fds",
                     "process_start_time_seconds"):
            self.assertIn(name, names, f"{name} missing from /metrics")
        self.assertIn("# TYPE payd_http_requests_total counter", text)
        self.assertIn("# TYPE payd_http_request_duration_seconds histogram", text)
        self.assertIn("# TYPE process_cpu_seconds_total counter", text)
        self.assertIn("# TYPE process_resident_memory_bytes gauge", text)

    def test_request_counter_labels_and_increments(self):
        http_get(self.port, "/healthz")
        _, _, before = self.get()
        v0 = metric_value(before, "payd_http_requests_total",
                          route="/healthz", method="GET", code="200") or 0
        for _ in range(3):
            self.assertEqual(http_get(self.port, "/healthz")[0], 200)
        time.sleep(0.1)
        _, _, after = self.get()
        v1 = metric_value(after, "payd_http_requests_total",
                          route="/healthz", method="GET", code="200")
        self.assertIsNotNone(v1, "no payd_http_requests_total{route=\"/healthz\",method=\"GET\",code=\"200\"}")
        self.assertEqual(v1 - v0, 3)
        for n, labels, _ in after:
            if n == "payd_http_requests_total":
                self.assertEqual(set(labels) & {"route", "method", "code"},
                                 {"route", "method", "code"}, labels)

    def test_unmatched_route_label(self):
        _, _, before = self.get()
        u0 = metric_value(before, "payd_http_requests_total", route="unmatched",
                          code="404") or 0
        http_get(self.port, "/nope/123")
        http_get(self.port, "/nope/456?x=1")
        time.sleep(0.1)
        _, text, after = self.get()
        u1 = metric_value(after, "payd_http_requests_total", route="unmatched",
                          code="404")
        self.assertEqual((u1 or 0) - u0, 2, "404s not counted under route=\"unmatched\"")
        self.assertNotIn("/nope", text, "raw request path leaked into metric labels")
        for n, labels, _ in after:
            if n.startswith("payd_http_request_duration_seconds") and \
                    labels.get("route", "").startswith("/nope"):
                self.fail(f"raw path used as route label: {labels}")

    def test_405_counted_under_template(self):
        _, _, before = self.get()
        v0 = metric_value(before, "payd_http_requests_total", route="/healthz",
                          method="POST", code="405") or 0
        http_get(self.port, "/healthz", method="POST", body=b"x")
        time.sleep(0.1)
        _, _, after = self.get()
        v1 = metric_value(after, "payd_http_requests_total", route="/healthz",
                          method="POST", code="405")
        self.assertEqual((v1 or 0) - v0, 1)

    def test_histogram_consistent(self):
        for _ in range(5):
            http_get(self.port, "/readyz")
        _, _, samples = self.get()
        buckets = [(l, v) for n, l, v in samples
                   if n == "payd_http_request_duration_seconds_bucket"
                   and l.get("route") == "/readyz"]
        self.assertTrue(buckets, "no duration buckets for route=/readyz")
        series = {}
        for l, v in buckets:
            key = tuple(sorted((k, x) for k, x in l.items() if k != "le"))
            series.setdefault(key, []).append((l["le"], v))
        for key, bs in series.items():
            les = [float(le) for le, _ in bs]
            self.assertEqual(les, sorted(les), f"buckets not in le order: {bs}")
            counts = [v for _, v in bs]
            self.assertEqual(counts, sorted(counts), f"buckets not cumulative: {bs}")
            self.assertEqual(bs[-1][0], "+Inf", bs)
            labels = dict(key)
            count = metric_value(samples, "payd_http_request_duration_seconds_count", **labels)
            total = metric_value(samples, "payd_http_request_duration_seconds_sum", **labels)
            self.assertEqual(count, bs[-1][1], f"_count != +Inf bucket for {labels}")
            self.assertIsNotNone(total)
            self.assertGreaterEqual(total, 0)
            self.assertLess(total, 60, "sum of /readyz durations implausible (units not seconds?)")
        self.assertGreaterEqual(sum(bs[-1][1] for bs in series.values()), 5)

    def test_build_info(self):
        _, _, samples = self.get()
        infos = [(l, v) for n, l, v in samples if n == "payd_build_info"]
        self.assertEqual(len(infos), 1, infos)
        labels, value = infos[0]
        self.assertEqual(value, 1)
        self.assertTrue(labels.get("version"), f"payd_build_info without version label: {labels}")

    def test_process_metrics_plausible(self):
        _, _, samples = self.get()
        rss = metric_value(samples, "process_resident_memory_bytes")
        self.assertGreater(rss, 1 << 20)
        self.assertLess(rss, 4 << 30)
        fds = metric_value(samples, "process_open_fds")
        self.assertGreaterEqual(fds, 4)
        self.assertLess(fds, 10000)
        cpu = metric_value(samples, "process_cpu_seconds_total")
        self.assertGreaterEqual(cpu, 0)
        self.assertLess(cpu, 3600)
        start = metric_value(samples, "process_start_time_seconds")
        self.assertLess(abs(start - self.payd.spawn_time), 5,
                        f"process_start_time_seconds={start} but payd was spawned at "
                        f"{self.payd.spawn_time}")

    def test_metrics_counted_itself(self):
        self.get()
        _, _, samples = self.get()
        v = metric_value(samples, "payd_http_requests_total", route="/metrics",
                         method="GET", code="200")
        self.assertGreaterEqual(v or 0, 1)

    def test_promtool_check_metrics(self):
        promtool = shutil.which("promtool")
        self.assertIsNotNone(
            promtool, "promtool not found in PATH: install the Debian package "
            "'prometheus' (apt-get install prometheus); this test is never skipped")
        # Populate a variety of series first.
        http_get(self.port, "/healthz")
        http_get(self.port, "/nope/1")
        http_get(self.port, "/healthz", method="POST", body=b"x")
        _, text, _ = self.get()
        r = subprocess.run([promtool, "check", "metrics"], input=text,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0,
                         f"promtool check metrics failed (exit {r.returncode}):\n"
                         f"{r.stdout}\n{r.stderr}")

    def test_no_metrics_on_other_methods(self):
        status, headers, _ = http_get(self.port, "/metrics", method="POST", body=b"x")
        self.assertEqual(status, 405)


class MetricsConfig(PaydTestCase):
    def test_custom_path(self):
        p = self.start_payd({"metrics": {"path": "/internal/prom"}})
        status, _, text = scrape(p.port, "/internal/prom")
        self.assertEqual(status, 200)
        self.assertIn("payd_build_info", text)
        status, _, _ = scrape(p.port, "/metrics")
        self.assertEqual(status, 404)

    def test_disabled(self):
        p = self.start_payd({"metrics": {"enabled": False}})
        status, _, _ = scrape(p.port, "/metrics")
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main()
