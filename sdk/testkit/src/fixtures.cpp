// Loading a fixtures folder: kit.json plus one JSON file per scenario.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "payd/sdk/crypto.hpp"
#include "payd/sdk/names.hpp"
#include "payd/testkit/kit.hpp"

namespace payd::testkit {
namespace json = boost::json;
namespace {

[[noreturn]] void fail_at(const std::string& path, const std::string& what) {
  throw FixtureError(path + ": " + what);
}

void only_keys(const json::value& v, const std::string& path,
               std::initializer_list<std::string_view> known) {
  if (!v.is_object()) fail_at(path, "expected an object");
  for (const auto& [k, _] : v.as_object()) {
    if (std::find(known.begin(), known.end(), std::string_view(k)) == known.end()) {
      fail_at(path.empty() ? std::string(k) : path + "." + std::string(k), "unknown key");
    }
  }
}

const json::value* member(const json::value& v, std::string_view key) {
  const auto* m = v.as_object().if_contains(key);
  return (m == nullptr || m->is_null()) ? nullptr : m;
}

std::string string_member(const json::value& v, std::string_view key, const std::string& path,
                          std::string fallback = {}) {
  const auto* m = member(v, key);
  if (m == nullptr) return fallback;
  if (!m->is_string()) fail_at(path + std::string(key), "expected a string");
  return std::string(m->as_string());
}

json::object object_member(const json::value& v, std::string_view key, const std::string& path) {
  const auto* m = member(v, key);
  if (m == nullptr) return {};
  if (!m->is_object()) fail_at(path + std::string(key), "expected an object");
  return m->as_object();
}

std::int64_t int_member(const json::value& v, std::string_view key, const std::string& path) {
  const auto* m = member(v, key);
  if (m == nullptr) return 0;
  if (!m->is_int64()) fail_at(path + std::string(key), "expected an integer");
  return m->as_int64();
}

json::object merged(const json::object& base, const json::object& over) {
  json::object out = base;
  for (const auto& [k, v] : over) {
    if (v.is_null()) {
      out.erase(k);  // a fixture removes a kit.json key with null
    } else {
      out[k] = v;
    }
  }
  return out;
}

json::value read_json_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw FixtureError(file.string() + ": cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(buf.str(), ec);
  if (ec) throw FixtureError(file.string() + ": invalid JSON: " + ec.message());
  return v;
}

void check_expect_request(const json::value& v, const std::string& path) {
  only_keys(v, path,
            {"method", "url", "url_prefix", "headers", "body", "body_contains", "form", "json",
             "idempotency_header", "idempotent"});
}

OperationFixture operation_fixture(const KitConfig& kit, const json::value& v,
                                   const std::string& name) {
  only_keys(v, "",
            {"name", "description", "operation", "config", "input", "exchanges", "pauses",
             "expect_outcome"});
  OperationFixture f;
  f.name = name;
  const auto op = string_member(v, "operation", "");
  const auto parsed = sdk::parse_operation(op);
  if (!parsed) fail_at("operation", "unknown operation \"" + op + "\"");
  f.operation = *parsed;
  f.config = merged(kit.config, object_member(v, "config", ""));
  if (const auto* in = member(v, "input")) {
    f.input = operation_input_from_json(*in, "input");
    const auto* p = in->is_object() ? member(*in, "payment") : nullptr;
    if (p == nullptr || member(*p, "mode") == nullptr) f.input.payment.mode = kit.mode;
  } else {
    f.input.payment.mode = kit.mode;
  }
  if (const auto* ex = member(v, "exchanges")) {
    if (!ex->is_array()) fail_at("exchanges", "expected an array");
    std::size_t i = 0;
    for (const auto& e : ex->as_array()) {
      const auto path = "exchanges[" + std::to_string(i++) + "]";
      only_keys(e, path, {"expect_request", "response"});
      Exchange x;
      const auto* req = member(e, "expect_request");
      const auto* resp = member(e, "response");
      if (req == nullptr || resp == nullptr) fail_at(path, "needs expect_request and response");
      check_expect_request(*req, path + ".expect_request");
      x.expect_request = req->as_object();
      x.response = http_response_from_json(*resp, path + ".response");
      f.exchanges.push_back(std::move(x));
    }
  }
  if (member(v, "pauses") != nullptr) f.pauses = static_cast<int>(int_member(v, "pauses", ""));
  const auto* expect = member(v, "expect_outcome");
  if (expect == nullptr || !expect->is_object()) fail_at("expect_outcome", "required object");
  if (member(*expect, "kind") == nullptr) fail_at("expect_outcome.kind", "required");
  f.expect_outcome = expect->as_object();
  return f;
}

WebhookFixture webhook_fixture(const KitConfig& kit, const json::value& v,
                               const std::string& name) {
  only_keys(v, "", {"name", "description", "config", "webhook", "expect"});
  WebhookFixture f;
  f.name = name;
  f.config = merged(kit.config, object_member(v, "config", ""));
  const auto& w = *member(v, "webhook");
  only_keys(w, "webhook", {"headers", "body", "received_at", "sign"});
  if (const auto* h = member(w, "headers"))
    f.webhook.headers = headers_from_json(*h, "webhook.headers");
  if (const auto* b = member(w, "body")) {
    f.webhook.body = b->is_string() ? std::string(b->as_string()) : json::serialize(*b);
  }
  f.webhook.received_at = int_member(w, "received_at", "webhook.");
  if (const auto* sign = member(w, "sign")) {
    // "sign": true signs at received_at; {"timestamp": t} at t. Needs kit.json's signing.
    if (!kit.signing) fail_at("webhook.sign", "kit.json has no webhook.signing");
    std::int64_t t = f.webhook.received_at;
    if (sign->is_object()) {
      only_keys(*sign, "webhook.sign", {"timestamp"});
      t = int_member(*sign, "timestamp", "webhook.sign.");
    } else if (!sign->is_bool()) {
      fail_at("webhook.sign", "expected true or {\"timestamp\": t}");
    }
    if (!sign->is_bool() || sign->as_bool()) {
      f.webhook.headers.emplace_back(kit.signing->header,
                                     sign_webhook(kit.signing->secret, t, f.webhook.body));
    }
  }
  const auto* expect = member(v, "expect");
  if (expect == nullptr) fail_at("expect", "required object");
  only_keys(*expect, "expect", {"verified", "reply_status", "events"});
  const auto* verified = member(*expect, "verified");
  if (verified == nullptr || !verified->is_bool()) fail_at("expect.verified", "required boolean");
  f.expect_verified = verified->as_bool();
  if (member(*expect, "reply_status") != nullptr) {
    f.expect_reply_status = static_cast<int>(int_member(*expect, "reply_status", "expect."));
  }
  if (const auto* events = member(*expect, "events")) {
    if (!events->is_array()) fail_at("expect.events", "expected an array");
    f.expect_events = events->as_array();
  }
  return f;
}

}  // namespace

std::string sign_webhook(std::string_view secret, std::int64_t t, std::string_view body) {
  const auto ts = std::to_string(t);
  return "t=" + ts + ",v1=" + sdk::hmac_sha256_hex(secret, ts + "." + std::string(body));
}

KitConfig kit_from_json(const json::value& v) {
  only_keys(v, "", {"config", "mode", "connector_id", "webhook", "description"});
  KitConfig kit;
  kit.config = object_member(v, "config", "");
  const auto mode = string_member(v, "mode", "", "test");
  const auto parsed = sdk::parse_mode(mode);
  if (!parsed) fail_at("mode", "expected test or live");
  kit.mode = *parsed;
  kit.connector_id = string_member(v, "connector_id", "", kit.connector_id);
  if (const auto* w = member(v, "webhook")) {
    only_keys(*w, "webhook", {"signing"});
    if (const auto* s = member(*w, "signing")) {
      only_keys(*s, "webhook.signing", {"scheme", "header", "secret"});
      WebhookSigning signing;
      signing.scheme = string_member(*s, "scheme", "webhook.signing.", signing.scheme);
      if (signing.scheme != "stripe-like") {
        fail_at("webhook.signing.scheme", "only \"stripe-like\" is supported");
      }
      signing.header = string_member(*s, "header", "webhook.signing.");
      signing.secret = string_member(*s, "secret", "webhook.signing.");
      if (signing.header.empty() || signing.secret.empty()) {
        fail_at("webhook.signing", "needs header and secret");
      }
      kit.signing = std::move(signing);
    }
  }
  return kit;
}

void add_fixture_from_json(Fixtures& into, const json::value& v, const std::string& file) {
  if (!v.is_object()) fail_at("(root)", "expected an object");
  auto name = string_member(v, "name", "", std::filesystem::path(file).stem().string());
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  const bool is_op = member(v, "operation") != nullptr;
  const bool is_hook = member(v, "webhook") != nullptr;
  if (is_op == is_hook) fail_at("(root)", "needs exactly one of \"operation\" or \"webhook\"");
  for (const auto& o : into.operations) {
    if (o.name == name) fail_at("name", "\"" + name + "\" is also used by " + o.file);
  }
  for (const auto& w : into.webhooks) {
    if (w.name == name) fail_at("name", "\"" + name + "\" is also used by " + w.file);
  }
  if (is_op) {
    auto f = operation_fixture(into.kit, v, name);
    f.file = file;
    into.operations.push_back(std::move(f));
  } else {
    auto f = webhook_fixture(into.kit, v, name);
    f.file = file;
    into.webhooks.push_back(std::move(f));
  }
}

Fixtures load_fixtures(const std::filesystem::path& dir) {
  Fixtures out;
  const auto kit_file = dir / "kit.json";
  if (!std::filesystem::is_regular_file(kit_file)) {
    throw FixtureError(kit_file.string() + ": missing");
  }
  try {
    out.kit = kit_from_json(read_json_file(kit_file));
  } catch (const FixtureError& e) {
    throw FixtureError("kit.json: " + std::string(e.what()));
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json" &&
        entry.path().filename() != "kit.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const auto shown = file.filename().string();
    try {
      add_fixture_from_json(out, read_json_file(file), shown);
    } catch (const FixtureError& e) {
      throw FixtureError(shown + ": " + e.what());
    }
  }
  return out;
}

}  // namespace payd::testkit
