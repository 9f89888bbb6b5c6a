#include "payd/testkit/json_io.hpp"

#include <boost/json/serialize.hpp>
#include <initializer_list>
#include <string_view>

#include "payd/sdk/names.hpp"

namespace payd::testkit {
namespace json = boost::json;
namespace {

[[noreturn]] void fail_at(const std::string& path, const std::string& what) {
  throw FixtureError(path + ": " + what);
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// A fixture object: typed, path-named access that refuses unknown keys.
class Reader {
 public:
  Reader(const json::value& v, std::string path, std::initializer_list<std::string_view> known)
      : path_(std::move(path)) {
    if (!v.is_object()) fail_at(path_, "expected an object");
    obj_ = &v.as_object();
    for (const auto& [k, _] : *obj_) {
      bool ok = false;
      for (auto name : known) ok = ok || name == k;
      if (!ok) fail_at(join(path_, k), "unknown key");
    }
  }
  [[nodiscard]] const json::value* get(std::string_view key) const {
    const auto* v = obj_->if_contains(key);
    return (v == nullptr || v->is_null()) ? nullptr : v;
  }
  [[nodiscard]] std::string at(std::string_view key) const { return join(path_, key); }
  [[nodiscard]] std::string str(std::string_view key, std::string fallback = {}) const {
    const auto* v = get(key);
    if (v == nullptr) return fallback;
    if (!v->is_string()) fail_at(at(key), "expected a string");
    return std::string(v->as_string());
  }
  [[nodiscard]] std::int64_t int64(std::string_view key, std::int64_t fallback = 0) const {
    const auto* v = get(key);
    if (v == nullptr) return fallback;
    if (!v->is_int64()) fail_at(at(key), "expected an integer");
    return v->as_int64();
  }
  [[nodiscard]] bool boolean(std::string_view key, bool fallback = false) const {
    const auto* v = get(key);
    if (v == nullptr) return fallback;
    if (!v->is_bool()) fail_at(at(key), "expected a boolean");
    return v->as_bool();
  }
  [[nodiscard]] json::object object(std::string_view key) const {
    const auto* v = get(key);
    if (v == nullptr) return {};
    if (!v->is_object()) fail_at(at(key), "expected an object");
    return v->as_object();
  }
  [[nodiscard]] const json::array* array(std::string_view key) const {
    const auto* v = get(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) fail_at(at(key), "expected an array");
    return &v->as_array();
  }
  template <typename E, typename Parse>
  [[nodiscard]] E named(std::string_view key, E fallback, Parse parse) const {
    const auto s = str(key);
    if (s.empty()) return fallback;
    auto e = parse(s);
    if (!e) fail_at(at(key), "unknown value \"" + s + "\"");
    return *e;
  }

 private:
  const json::object* obj_ = nullptr;
  std::string path_;
};

void put(json::object& o, std::string_view key, const std::string& v) {
  if (!v.empty()) o[key] = v;
}

json::object amounts_json(const sdk::Amounts& a) {
  json::object o;
  if (a.capturable) o["capturable"] = *a.capturable;
  if (a.received) o["received"] = *a.received;
  if (a.refunded) o["refunded"] = *a.refunded;
  return o;
}

json::array headers_json(const sdk::Headers& h) {
  json::array a;
  for (const auto& [k, v] : h) a.push_back(json::array{json::string(k), json::string(v)});
  return a;
}

}  // namespace

sdk::Headers headers_from_json(const json::value& v, const std::string& path) {
  sdk::Headers h;
  if (v.is_null()) return h;
  if (v.is_object()) {
    for (const auto& [k, val] : v.as_object()) {
      if (!val.is_string()) fail_at(join(path, k), "expected a string");
      h.emplace_back(std::string(k), std::string(val.as_string()));
    }
    return h;
  }
  if (!v.is_array()) fail_at(path, "expected an object or an array of [name, value]");
  std::size_t i = 0;
  for (const auto& e : v.as_array()) {
    const auto at = path + "[" + std::to_string(i++) + "]";
    if (!e.is_array() || e.as_array().size() != 2 || !e.as_array()[0].is_string() ||
        !e.as_array()[1].is_string()) {
      fail_at(at, "expected [name, value]");
    }
    h.emplace_back(std::string(e.as_array()[0].as_string()),
                   std::string(e.as_array()[1].as_string()));
  }
  return h;
}

sdk::PaymentView payment_from_json(const json::value& v, const std::string& path) {
  const Reader r(v, path,
                 {"id",
                  "tenant_id",
                  "mode",
                  "amount",
                  "currency",
                  "capture_method",
                  "amount_capturable",
                  "amount_received",
                  "amount_refunded",
                  "payment_method_types",
                  "payment_method",
                  "customer_email",
                  "customer_name",
                  "description",
                  "reference",
                  "metadata",
                  "return_url",
                  "cancel_url",
                  "line_items",
                  "hosted_checkout",
                  "expires_at",
                  "provider_ref",
                  "state"});
  sdk::PaymentView p;
  p.id = r.str("id");
  p.tenant_id = r.str("tenant_id");
  p.mode = r.named("mode", sdk::Mode::test, sdk::parse_mode);
  p.amount = r.int64("amount");
  p.currency = r.str("currency");
  p.capture_method =
      r.named("capture_method", sdk::CaptureMethod::automatic, sdk::parse_capture_method);
  p.amount_capturable = r.int64("amount_capturable");
  p.amount_received = r.int64("amount_received");
  p.amount_refunded = r.int64("amount_refunded");
  if (const auto* a = r.array("payment_method_types")) {
    for (const auto& t : *a) {
      if (!t.is_string()) fail_at(r.at("payment_method_types"), "expected strings");
      p.payment_method_types.emplace_back(t.as_string());
    }
  }
  p.payment_method = r.str("payment_method");
  p.customer_email = r.str("customer_email");
  p.customer_name = r.str("customer_name");
  p.description = r.str("description");
  p.reference = r.str("reference");
  for (const auto& [k, val] : r.object("metadata")) {
    if (!val.is_string()) fail_at(r.at("metadata") + "." + std::string(k), "expected a string");
    p.metadata[std::string(k)] = std::string(val.as_string());
  }
  p.return_url = r.str("return_url");
  p.cancel_url = r.str("cancel_url");
  if (const auto* items = r.array("line_items")) {
    std::size_t i = 0;
    for (const auto& item : *items) {
      const Reader li(item, r.at("line_items") + "[" + std::to_string(i++) + "]",
                      {"name", "unit_amount", "quantity", "sku"});
      p.line_items.push_back(sdk::LineItem{li.str("name"), li.int64("unit_amount"),
                                           li.int64("quantity", 1), li.str("sku")});
    }
  }
  p.hosted_checkout = r.boolean("hosted_checkout");
  p.expires_at = r.int64("expires_at");
  p.provider_ref = r.str("provider_ref");
  p.state = r.object("state");
  return p;
}

sdk::RefundView refund_from_json(const json::value& v, const std::string& path) {
  const Reader r(v, path, {"id", "amount", "reason", "provider_ref"});
  return sdk::RefundView{r.str("id"), r.int64("amount"), r.str("reason"), r.str("provider_ref")};
}

sdk::OperationInput operation_input_from_json(const json::value& v, const std::string& path) {
  const Reader r(v, path, {"payment", "refund", "amount", "idempotency_key", "now"});
  sdk::OperationInput in;
  if (const auto* p = r.get("payment")) in.payment = payment_from_json(*p, r.at("payment"));
  if (const auto* rf = r.get("refund")) in.refund = refund_from_json(*rf, r.at("refund"));
  in.amount = r.int64("amount");
  in.idempotency_key = r.str("idempotency_key");
  in.now = r.int64("now");
  return in;
}

sdk::HttpResponse http_response_from_json(const json::value& v, const std::string& path) {
  const Reader r(v, path, {"status", "headers", "body", "transport_error"});
  sdk::HttpResponse resp;
  resp.transport_error =
      r.named("transport_error", sdk::TransportError::none, sdk::parse_transport_error);
  resp.status = static_cast<int>(r.int64("status"));
  if (const auto* h = r.get("headers")) resp.headers = headers_from_json(*h, r.at("headers"));
  if (const auto* b = r.get("body")) {
    // A JSON body may be written as JSON; it is fed to the provider serialised.
    resp.body = b->is_string() ? std::string(b->as_string()) : json::serialize(*b);
  }
  if (resp.transport_error == sdk::TransportError::none && resp.status == 0) {
    fail_at(path, "needs a status or a transport_error");
  }
  return resp;
}

json::object to_json(const sdk::OperationInput& in) {
  const auto& p = in.payment;
  json::object pay{{"id", p.id},
                   {"tenant_id", p.tenant_id},
                   {"mode", sdk::to_string(p.mode)},
                   {"amount", p.amount},
                   {"currency", p.currency},
                   {"capture_method", sdk::to_string(p.capture_method)},
                   {"amount_capturable", p.amount_capturable},
                   {"amount_received", p.amount_received},
                   {"amount_refunded", p.amount_refunded},
                   {"payment_method", p.payment_method},
                   {"provider_ref", p.provider_ref},
                   {"state", p.state}};
  json::object o{{"payment", std::move(pay)},
                 {"amount", in.amount},
                 {"idempotency_key", in.idempotency_key},
                 {"now", in.now}};
  if (in.refund) {
    o["refund"] = json::object{{"id", in.refund->id},
                               {"amount", in.refund->amount},
                               {"reason", in.refund->reason},
                               {"provider_ref", in.refund->provider_ref}};
  }
  return o;
}

json::object to_json(const sdk::HttpRequest& r) {
  return json::object{{"method", r.method},
                      {"url", r.url},
                      {"headers", headers_json(r.headers)},
                      {"body", r.body},
                      {"timeout_ms", r.timeout.count()},
                      {"idempotency_header", r.idempotency_header},
                      {"idempotent", r.idempotent},
                      {"step", r.step}};
}

json::object to_json(const sdk::Outcome& o) {
  json::object j{{"kind", sdk::to_string(o.kind)}};
  if (o.status) j["status"] = sdk::to_string(*o.status);
  if (o.refund_status) j["refund_status"] = sdk::to_string(*o.refund_status);
  put(j, "provider_ref", o.provider_ref);
  if (o.next_action) {
    json::object na{{"type", sdk::to_string(o.next_action->type)}};
    put(na, "url", o.next_action->url);
    put(na, "qr_data", o.next_action->qr_data);
    if (const auto& c = o.next_action->crypto) {
      na["crypto"] = json::object{{"address", c->address},
                                  {"crypto_currency", c->crypto_currency},
                                  {"crypto_amount", c->crypto_amount},
                                  {"qr_code_url", c->qr_code_url},
                                  {"customer_url", c->customer_url},
                                  {"exchange_rate", c->exchange_rate},
                                  {"expires_at", c->expires_at}};
    }
    j["next_action"] = std::move(na);
  }
  if (auto a = amounts_json(o.amounts); !a.empty()) j["amounts"] = std::move(a);
  if (o.error) {
    json::object e{{"code", o.error->code}};
    put(e, "provider_code", o.error->provider_code);
    put(e, "decline_code", o.error->decline_code);
    put(e, "message", o.error->message);
    j["error"] = std::move(e);
  }
  if (o.state) j["state"] = *o.state;
  if (o.connector_unhealthy) j["connector_unhealthy"] = true;
  if (o.retry_after) j["retry_after_seconds"] = o.retry_after->count();
  return j;
}

json::object to_json(const sdk::ProviderEvent& e) {
  json::object j{
      {"event_id", e.event_id}, {"raw_type", e.raw_type}, {"object", sdk::to_string(e.object)}};
  put(j, "provider_ref", e.provider_ref);
  put(j, "payd_id", e.payd_id);
  if (e.status) j["status"] = sdk::to_string(*e.status);
  if (e.refund_status) j["refund_status"] = sdk::to_string(*e.refund_status);
  if (auto a = amounts_json(e.amounts); !a.empty()) j["amounts"] = std::move(a);
  if (e.needs_confirmation) j["needs_confirmation"] = true;
  return j;
}

json::object to_json(const sdk::WebhookResult& r) {
  json::array events;
  for (const auto& e : r.events) events.push_back(to_json(e));
  return json::object{{"verified", r.verified},
                      {"reject_reason", r.reject_reason},
                      {"events", std::move(events)},
                      {"reply", json::object{{"status", r.reply.status},
                                             {"content_type", r.reply.content_type},
                                             {"body", r.reply.body}}}};
}

std::vector<std::string> subset_mismatches(const json::value& expected, const json::value& actual,
                                           const std::string& path) {
  std::vector<std::string> out;
  const auto where = path.empty() ? std::string("(root)") : path;
  if (expected.is_object()) {
    if (!actual.is_object()) {
      out.push_back(where + ": expected an object, got " + json::serialize(actual));
      return out;
    }
    for (const auto& [k, ev] : expected.as_object()) {
      const auto* av = actual.as_object().if_contains(k);
      const auto sub = join(path, k);
      if (ev.is_null()) {
        if (av != nullptr && !av->is_null()) {
          out.push_back(sub + ": expected absent, got " + json::serialize(*av));
        }
      } else if (av == nullptr) {
        out.push_back(sub + ": expected " + json::serialize(ev) + ", got nothing");
      } else {
        auto more = subset_mismatches(ev, *av, sub);
        out.insert(out.end(), more.begin(), more.end());
      }
    }
    return out;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.as_array().size() != expected.as_array().size()) {
      out.push_back(where + ": expected " + std::to_string(expected.as_array().size()) +
                    " elements, got " + json::serialize(actual));
      return out;
    }
    for (std::size_t i = 0; i < expected.as_array().size(); ++i) {
      auto more = subset_mismatches(expected.as_array()[i], actual.as_array()[i],
                                    path + "[" + std::to_string(i) + "]");
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
  if (expected != actual) {
    out.push_back(where + ": expected " + json::serialize(expected) + ", got " +
                  json::serialize(actual));
  }
  return out;
}

}  // namespace payd::testkit
