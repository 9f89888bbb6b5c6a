"""docs/openapi.yaml against the real payd: the document served at /api/v1/openapi.json is
the repository's file, it documents exactly the routes payd serves (both ways, with the
same public routes), and real responses, errors included, match what it says.

The route table comes from `payd routes` run on the very configuration of the payd under
test (a database and the sandbox connector, so every route exists); probing each route on
the running payd checks that the listing is what it serves. The file is read as Redocly
reads it (`redocly bundle`, from tests/peers/openapi: scripts/test.sh installs it)."""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import paydb
import paydtest

PLUGIN_DIR = os.environ.get("PAYD_PLUGIN_DIR", "")
DOC_PATH = "/api/v1/openapi.json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CARD_OK = "4242424242424242"
PARAM = re.compile(r"\{([^}/]+)\}")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def peer_dir() -> str:
    src = paydtest.source_dir()
    if not src:
        raise AssertionError("PAYD_SOURCE_DIR is not set (ctest sets it)")
    return os.path.join(src, "tests", "peers", "openapi")


def redocly() -> str:
    path = os.path.join(peer_dir(), "node_modules", ".bin", "redocly")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} is missing: run `npm ci` in {peer_dir()} "
                             "(./scripts/test.sh does)")
    return path


def template(path: str) -> str:
    """A path with its parameter names left out: /a/{id} and /a/{slug} are one route."""
    return PARAM.sub("{}", path)


def rfc3339(delta_seconds: int) -> str:
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class SchemaChecker:
    """The JSON Schema keywords docs/openapi.yaml uses, enough to check real responses.
    Strict: an object validated by a named schema (components/schemas) may carry only the
    properties that schema lists, so a field payd adds must be documented too."""

    def __init__(self, doc: dict):
        self.doc = doc

    def resolve(self, ref: str) -> dict:
        node = self.doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, value, schema: dict, where: str = "$", strict: bool = False) -> list[str]:
        out: list[str] = []
        if "$ref" in schema:
            out += self.errors(value, self.resolve(schema["$ref"]), where,
                               strict=schema["$ref"].startswith("#/components/schemas/"))
        for sub in schema.get("allOf", []):
            out += self.errors(value, sub, where)
        if "oneOf" in schema:
            passing = [s for s in schema["oneOf"] if not self.errors(value, s, where, strict)]
            if len(passing) != 1:
                out.append(f"{where}: matches {len(passing)} of oneOf, not 1: {value!r}")
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(self.is_type(value, t) for t in types):
                out.append(f"{where}: {value!r} is not {'/'.join(types)}")
                return out
        if "const" in schema and value != schema["const"]:
            out.append(f"{where}: {value!r} != const {schema['const']!r}")
        if "enum" in schema and value not in schema["enum"]:
            out.append(f"{where}: {value!r} not in {schema['enum']}")
        if isinstance(value, str):
            if "pattern" in schema and not re.search(schema["pattern"], value):
                out.append(f"{where}: {value!r} does not match {schema['pattern']}")
            if schema.get("format") == "date-time" and not DATE_TIME.match(value):
                out.append(f"{where}: {value!r} is not an RFC 3339 date-time")
            if len(value) > schema.get("maxLength", len(value)):
                out.append(f"{where}: longer than {schema['maxLength']}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value < schema.get("minimum", value) or value > schema.get("maximum", value):
                out.append(f"{where}: {value} outside [{schema.get('minimum')}, "
                           f"{schema.get('maximum')}]")
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                out += self.errors(item, schema["items"], f"{where}[{i}]", strict)
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    out.append(f"{where}: required member {name!r} is missing")
            extra = schema.get("additionalProperties")
            for name, member in value.items():
                if name in props:
                    out += self.errors(member, props[name], f"{where}.{name}", strict)
                elif isinstance(extra, dict):
                    out += self.errors(member, extra, f"{where}.{name}", strict)
                elif extra is False or (strict and props):
                    out.append(f"{where}: member {name!r} is not documented")
        return out

    @staticmethod
    def is_type(value, t: str) -> bool:
        return {
            "null": value is None,
            "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "string": isinstance(value, str),
            "array": isinstance(value, list),
            "object": isinstance(value, dict),
        }[t]


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PLUGIN_DIR or not os.path.exists(os.path.join(PLUGIN_DIR, "sandbox.so")):
            raise AssertionError("PAYD_PLUGIN_DIR must hold sandbox.so")
        cls.work = tempfile.mkdtemp(prefix="payd-openapi-")
        cls.db = paydb.Database()
        admin_cfg = os.path.join(cls.work, "admin.yaml")
        paydb.write_config(admin_cfg, cls.db.url)
        paydb.payd_cli(["migrate"], admin_cfg)
        paydb.create_tenant(admin_cfg, "acme")
        cls.key = paydb.create_key(admin_cfg, "acme", "test")
        db_url = json.dumps(cls.db.url)

        def config_text(port: int) -> str:
            return (f"listen: {{address: 127.0.0.1, port: {port}}}\n"
                    "server: {threads: 2, shutdown_grace: 3s}\n"
                    "log: {level: info, format: json}\n"
                    "metrics: {enabled: true, path: /metrics}\n"
                    f"database: {{url: {db_url}, pool_size: 4}}\n"
                    f"plugins: {{dir: {json.dumps(PLUGIN_DIR)}}}\n"
                    "connectors:\n"
                    "  - id: sandbox\n    plugin: sandbox\n    mode: test\n"
                    "    config: {webhook_secret: whsec_test_openapi}\n")

        cls.payd = paydtest.start_payd(cls.work, config_text=config_text)
        cls.port = cls.payd.port
        status, headers, body = paydtest.http_get(cls.port, DOC_PATH)
        if status != 200:
            raise AssertionError(f"GET {DOC_PATH}: {status} {body[:300]!r}")
        cls.doc_headers = headers
        cls.doc_body = body
        cls.doc = json.loads(body)
        cls.schemas = SchemaChecker(cls.doc)
        # The same configuration file the payd under test runs with.
        r = paydb.payd_cli(["routes"], cls.payd.config_path)
        cls.routes = json.loads(r.stdout)["routes"]

    @classmethod
    def tearDownClass(cls):
        cls.payd.stop()
        cls.db.drop()
        shutil.rmtree(cls.work, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def operations(self):
        """(METHOD, path, operation) for every documented operation."""
        for path, item in self.doc["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    yield method.upper(), path, item[method]

    def operation(self, method: str, path: str) -> dict:
        return self.doc["paths"][path][method.lower()]

    def response_doc(self, method: str, path: str, status: int) -> dict:
        responses = self.operation(method, path)["responses"]
        doc = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        self.assertIsNotNone(doc, f"{method} {path}: status {status} is not documented")
        if "$ref" in doc:
            doc = self.schemas.resolve(doc["$ref"])
        return doc

    def documented_codes(self, method: str, path: str, status: int) -> set[str]:
        schema = self.response_doc(method, path, status)["content"]["application/json"]["schema"]
        codes: set[str] = set()
        for part in schema.get("allOf", []):
            code = part.get("properties", {}).get("error", {}).get("properties", {}).get("code")
            if code:
                codes.update(code["enum"])
        return codes

    def call(self, method, path, body=None, public=False, headers=None):
        h = {} if public else {"Authorization": f"Bearer {self.key}"}
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        status, hdrs, out = paydtest.http_get(self.port, path, headers=h, method=method,
                                              body=data)
        is_json = (hdrs.get("Content-Type") or "").startswith("application/json")
        return status, hdrs, (json.loads(out) if out and is_json else None)

    def check(self, method, doc_path, path, body=None, public=False, headers=None,
              expect=None):
        """Calls payd and checks the answer against the operation's documented response."""
        status, hdrs, out = self.call(method, path, body, public, headers)
        if expect is not None:
            self.assertEqual(status, expect, f"{method} {path}: {out}")
        doc = self.response_doc(method, doc_path, status)
        schema = doc["content"]["application/json"]["schema"]
        problems = self.schemas.errors(out, schema)
        self.assertEqual(problems, [], f"{method} {path} -> {status}: {json.dumps(out)}")
        for name in doc.get("headers", {}):
            if name in ("X-Request-Id", "ETag", "Cache-Control"):
                self.assertIsNotNone(hdrs.get(name), f"{method} {path}: no {name} header")
        if status >= 400:
            self.assertIn(out["error"]["code"], self.documented_codes(method, doc_path, status),
                          f"{method} {path}: {status} {out['error']['code']} is not documented")
        return status, hdrs, out

    # --- the document ----------------------------------------------------------------------

    def test_document_is_openapi_31_json(self):
        self.assertTrue(self.doc_headers["Content-Type"].startswith("application/json"))
        self.assertRegex(self.doc["openapi"], r"^3\.1\.\d+$")
        self.assertIn("snake_case", self.doc["info"]["description"])
        self.assertEqual(self.doc["components"]["securitySchemes"]["apiKey"]["scheme"], "bearer")

    def test_served_document_is_docs_openapi_yaml_as_redocly_reads_it(self):
        out = os.path.join(self.work, "bundled.json")
        src = os.path.join(paydtest.source_dir(), "docs", "openapi.yaml")
        env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
        r = subprocess.run([redocly(), "bundle", src, "--ext", "json", "--output", out,
                            "--config", os.path.join(peer_dir(), "redocly.yaml")],
                           capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(self.doc, json.load(f))

    def test_conditional_get_and_head(self):
        etag = self.doc_headers["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        self.assertEqual(self.doc_headers["Cache-Control"], "no-cache")
        status, headers, body = paydtest.http_get(self.port, DOC_PATH,
                                                  headers={"If-None-Match": etag})
        self.assertEqual((status, body), (304, b""))
        self.assertEqual(headers["ETag"], etag)
        status, _, body = paydtest.http_get(self.port, DOC_PATH,
                                            headers={"If-None-Match": '"other"'})
        self.assertEqual((status, body), (200, self.doc_body))
        status, headers, body = paydtest.http_get(self.port, DOC_PATH, method="HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(int(headers["Content-Length"]), len(self.doc_body))

    # --- the route table -------------------------------------------------------------------

    def test_every_route_is_documented_and_every_documented_route_is_served(self):
        served = {(r["method"], template(r["path"])) for r in self.routes}
        documented = {(m, template(p)) for m, p, _ in self.operations()}
        self.assertEqual(sorted(served - documented), [], "routes missing from the document")
        self.assertEqual(sorted(documented - served), [], "documented routes payd lacks")
        # Parameter names too, though the comparison above does not depend on them.
        for route in self.routes:
            self.assertIn(route["path"], self.doc["paths"], "the document names it otherwise")

    def test_public_routes_and_only_those_need_no_credentials(self):
        public = {(r["method"], template(r["path"])): r["public"] for r in self.routes}
        for method, path, op in self.operations():
            security = op.get("security", self.doc.get("security", []))
            self.assertEqual(security == [], public[(method, template(path))],
                             f"{method} {path}: security {security}")

    def test_path_parameters_are_documented_with_the_route_names(self):
        for method, path, op in self.operations():
            params = []
            for p in op.get("parameters", []):
                p = self.schemas.resolve(p["$ref"]) if "$ref" in p else p
                if p["in"] == "path":
                    params.append(p["name"])
            self.assertEqual(sorted(params), sorted(PARAM.findall(path)), f"{method} {path}")

    def test_the_listed_routes_are_the_ones_served(self):
        """Each listed route answers on the running payd (no 404 'No route matches', no 405),
        without credentials as the document says: 401 where a key is needed."""
        for route in self.routes:
            path = PARAM.sub("zzz", route["path"])
            status, _, out = self.call(route["method"], path, public=True)
            message = (out or {}).get("error", {}).get("message", "")
            self.assertFalse(message.startswith("No route matches"), f"{route}: {out}")
            self.assertNotEqual(status, 405, f"{route}: {out}")
            self.response_doc(route["method"], route["path"], status)
            if status == 401:
                self.assertFalse(route["public"], route)
                self.assertIn(out["error"]["code"],
                              self.documented_codes(route["method"], route["path"], 401))

    # --- real responses --------------------------------------------------------------------

    def test_operational_endpoints(self):
        self.check("GET", "/healthz", "/healthz", public=True, expect=200)
        self.check("GET", "/readyz", "/readyz", public=True, expect=200)
        self.check("GET", "/api/v1/connectors", "/api/v1/connectors", expect=200)
        status, headers, body = paydtest.http_get(self.port, "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("text/plain", headers["Content-Type"])

    def test_payment_lifecycle_matches_the_schemas(self):
        _, _, payment = self.check(
            "POST", "/api/v1/payments", "/api/v1/payments",
            {"amount": 2500, "currency": "usd", "payment_method": CARD_OK,
             "capture_method": "manual", "reference": "oa-1",
             "customer": {"email": "jane@example.com", "name": "Jane", "country": "DE"},
             "line_items": [{"name": "Tea", "unit_amount": 2500, "quantity": 1, "sku": "t"}],
             "metadata": {"order_id": "1"}, "return_url": "https://shop.example/back"},
            expect=201)
        self.assertEqual(payment["status"], "requires_capture")
        pid = payment["id"]
        self.check("GET", "/api/v1/payments/{id}", f"/api/v1/payments/{pid}", expect=200)
        self.check("GET", "/api/v1/payments", "/api/v1/payments?currency=USD&limit=1",
                   expect=200)
        self.check("POST", "/api/v1/payments/{id}/capture", f"/api/v1/payments/{pid}/capture",
                   {"amount": 2500}, expect=200)
        _, _, refund = self.check("POST", "/api/v1/refunds", "/api/v1/refunds",
                                  {"payment_id": pid, "amount": 500, "reason": "other"},
                                  expect=201)
        self.check("GET", "/api/v1/refunds/{id}", f"/api/v1/refunds/{refund['id']}", expect=200)
        self.check("GET", "/api/v1/refunds", f"/api/v1/refunds?payment_id={pid}", expect=200)
        self.check("POST", "/api/v1/payments/{id}/cancel", f"/api/v1/payments/{pid}/cancel",
                   expect=409)

    def test_checkout_and_links_match_the_schemas(self):
        self.check("POST", "/api/v1/checkout/sessions", "/api/v1/checkout/sessions",
                   {"amount": 1500, "currency": "USD", "success_url": "https://shop.example/ok"},
                   expect=201)
        _, _, session = self.check(
            "POST", "/api/v1/checkout/sessions", "/api/v1/checkout/sessions",
            {"amount": 1500, "currency": "EUR", "success_url": "https://shop.example/ok",
             "cancel_url": "https://shop.example/no", "reference": "oa-2",
             "customer": {"email": "joe@example.com"}}, expect=201)
        self.check("GET", "/api/v1/checkout/sessions/{id}",
                   f"/api/v1/checkout/sessions/{session['id']}", expect=200)
        body = {"slug": "oa-link", "amount": 900, "currency": "USD",
                "expires_at": rfc3339(3600), "usage_limit": 5}
        _, _, link = self.check("POST", "/api/v1/payment_links", "/api/v1/payment_links", body,
                                expect=201)
        self.check("POST", "/api/v1/payment_links", "/api/v1/payment_links", body, expect=409)
        self.check("GET", "/api/v1/payment_links/{id}", f"/api/v1/payment_links/{link['id']}",
                   expect=200)
        self.check("GET", "/api/v1/payment_links", "/api/v1/payment_links?limit=1", expect=200)
        self.check("GET", "/api/v1/links/{slug}", "/api/v1/links/oa-link", public=True,
                   expect=200)
        self.check("POST", "/api/v1/links/{slug}/checkout", "/api/v1/links/oa-link/checkout",
                   {"payment_method_types": ["card"]}, public=True, expect=201)
        self.check("POST", "/api/v1/payment_links/{id}/deactivate",
                   f"/api/v1/payment_links/{link['id']}/deactivate", expect=200)
        self.check("POST", "/api/v1/links/{slug}/checkout", "/api/v1/links/oa-link/checkout",
                   public=True, expect=409)
        self.check("GET", "/api/v1/links/{slug}", "/api/v1/links/no-such-link", public=True,
                   expect=404)

    def test_documented_errors_are_the_real_ones(self):
        pay = "/api/v1/payments"
        for bad, code in (({"amount": 10.5, "currency": "USD"}, "PARAMETER_INVALID"),
                          ({"amount": 0, "currency": "USD"}, "INVALID_AMOUNT"),
                          ({"amount": 100, "currency": "XXY"}, "INVALID_CURRENCY"),
                          ({"currency": "USD"}, "PARAMETER_MISSING"),
                          ({"amount": 100, "currency": "USD", "methodTypes": ["card"]},
                           "PARAMETER_UNKNOWN"),
                          ({"amount": 100, "currency": "USD", "connector": "nope"},
                           "CONNECTOR_UNKNOWN")):
            _, _, out = self.check("POST", pay, pay, bad, expect=400)
            self.assertEqual(out["error"]["code"], code, bad)
        self.check("GET", pay, f"{pay}?limit=0", expect=400)
        self.check("GET", pay, f"{pay}?colour=red", expect=400)
        self.check("GET", f"{pay}/{{id}}", f"{pay}/pay_missing", expect=404)
        self.check("GET", f"{pay}/{{id}}", f"{pay}/pay_missing", public=True, expect=401)
        self.check("GET", f"{pay}/{{id}}", f"{pay}/pay_missing",
                   headers={"X-Tenant": "someone-else"}, expect=403)
        self.check("POST", pay, pay, headers={"Content-Type": "text/plain"}, expect=415)
        self.check("POST", "/api/v1/refunds", "/api/v1/refunds",
                   {"payment_id": "pay_missing"}, expect=404)

    def test_idempotent_replay_is_flagged(self):
        headers = {"Idempotency-Key": "openapi-replay-1"}
        body = {"amount": 700, "currency": "USD", "payment_method": CARD_OK}
        _, first, _ = self.check("POST", "/api/v1/payments", "/api/v1/payments", body,
                                 headers=headers, expect=201)
        self.assertIsNone(first.get("Idempotent-Replayed"))
        _, again, _ = self.check("POST", "/api/v1/payments", "/api/v1/payments", body,
                                 headers=headers, expect=201)
        self.assertEqual(again.get("Idempotent-Replayed"), "true")
        self.assertIn("Idempotent-Replayed",
                      self.response_doc("POST", "/api/v1/payments", 201)["headers"])
        _, _, out = self.check("POST", "/api/v1/payments", "/api/v1/payments",
                               dict(body, amount=701), headers=headers, expect=400)
        self.assertEqual(out["error"]["code"], "IDEMPOTENCY_KEY_REUSED")


class WithoutDatabaseTest(paydtest.PaydTestCase):
    """Without database.url payd serves the document too, and every route it has then is in
    it (the payments API is documented but not served)."""

    def test_document_served_without_a_database(self):
        p = self.start_payd()
        status, _, body = paydtest.http_get(p.port, DOC_PATH)
        self.assertEqual(status, 200, body)
        doc = json.loads(body)
        r = paydb.payd_cli(["routes"], p.config_path)
        routes = json.loads(r.stdout)["routes"]
        self.assertIn({"method": "GET", "path": DOC_PATH, "public": True, "permission": None},
                      routes)
        for route in routes:
            self.assertIn(route["method"].lower(), doc["paths"].get(route["path"], {}), route)
        self.assertNotIn("/api/v1/payments", {r["path"] for r in routes})


if __name__ == "__main__":
    unittest.main()
