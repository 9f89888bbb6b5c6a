// The kit's checks, each returning the problems it found (empty = conforms).
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>

#include "payd/sdk/form.hpp"
#include "payd/sdk/headers.hpp"
#include "payd/sdk/names.hpp"
#include "payd/sdk/outcome_check.hpp"
#include "payd/testkit/kit.hpp"

namespace payd::testkit {
namespace json = boost::json;
namespace {

using Problems = std::vector<std::string>;

void append(Problems& into, const Problems& more, const std::string& prefix = {}) {
  for (const auto& p : more) into.push_back(prefix + p);
}

std::string describe(const sdk::HttpRequest& r) {
  return r.method + " " + r.url;
}

std::optional<json::value> parse_body(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

// The problems with a body that is expected to contain some fields.
void check_form(const json::object& expect, const std::string& body, Problems& out) {
  auto fields = sdk::form_urldecode(body);
  if (!fields) {
    out.push_back("body is not form-urlencoded: " + fields.error());
    return;
  }
  std::map<std::string, std::string> first;
  for (const auto& [k, v] : *fields) first.emplace(k, v);
  for (const auto& [k, ev] : expect) {
    const auto it = first.find(std::string(k));
    if (ev.is_null()) {
      if (it != first.end()) out.push_back("form field " + std::string(k) + " should be absent");
    } else if (!ev.is_string()) {
      out.push_back("expect_request.form." + std::string(k) + " must be a string");
    } else if (it == first.end()) {
      out.push_back("form field " + std::string(k) + " is missing");
    } else if (it->second != ev.as_string()) {
      out.push_back("form field " + std::string(k) + ": expected \"" + std::string(ev.as_string()) +
                    "\", got \"" + it->second + "\"");
    }
  }
}

std::string serialise(const Run& run) {
  json::array requests;
  for (const auto& r : run.requests) requests.push_back(to_json(r));
  json::object o{{"requests", std::move(requests)}, {"pauses", run.pauses}};
  if (run.outcome) o["outcome"] = to_json(*run.outcome);
  return json::serialize(o);
}

std::optional<sdk::WebhookResult> deliver(sdk::Provider& provider,
                                          const sdk::InboundWebhook& webhook,
                                          const std::string& label, Problems& out) {
  try {
    return provider.on_webhook(webhook);
  } catch (const std::exception& e) {
    out.push_back(label + ": exception escaped on_webhook: " + e.what());
  } catch (...) {
    out.push_back(label + ": a non-std exception escaped on_webhook");
  }
  return std::nullopt;
}

// Rules for every webhook result: accepted -> 2xx and valid events; rejected -> 4xx, no events.
void check_result(const sdk::WebhookResult& r, const std::string& label, Problems& out) {
  if (r.verified) {
    if (r.reply.status < 200 || r.reply.status > 299) {
      out.push_back(label + ": verified but replies " + std::to_string(r.reply.status));
    }
    for (const auto& e : r.events) {
      if (auto p = sdk::validate_event(e)) out.push_back(label + ": " + *p);
    }
  } else {
    if (r.reply.status < 400 || r.reply.status > 499) {
      out.push_back(label + ": rejected but replies " + std::to_string(r.reply.status) +
                    " (a rejection must be 4xx)");
    }
    if (!r.events.empty()) out.push_back(label + ": rejected but reports events");
  }
}

void expect_rejected(sdk::Provider& provider, const sdk::InboundWebhook& webhook,
                     const std::string& label, Problems& out) {
  auto r = deliver(provider, webhook, label, out);
  if (!r) return;
  if (r->verified) {
    out.push_back(label + ": was accepted (verified), must be rejected");
    return;
  }
  check_result(*r, label, out);
}

sdk::InboundWebhook resigned(const sdk::InboundWebhook& w, const WebhookSigning& s,
                             std::string_view secret, std::int64_t t) {
  auto copy = w;
  std::erase_if(copy.headers, [&](const auto& h) { return sdk::iequals(h.first, s.header); });
  copy.headers.emplace_back(s.header, sign_webhook(secret, t, copy.body));
  return copy;
}

}  // namespace

std::unique_ptr<sdk::Provider> make_provider(const ProviderMaker& maker, const KitConfig& kit,
                                             const json::object& config, Problems& problems) {
  sdk::ConnectorContext context;
  context.connector_id = kit.connector_id;
  context.mode = kit.mode;
  context.log = [](sdk::LogLevel, std::string_view) {};
  try {
    auto p = maker(config, context);
    if (!p) problems.push_back("the factory returned no provider");
    return p;
  } catch (const std::exception& e) {
    problems.push_back(std::string("the factory threw: ") + e.what());
  } catch (...) {
    problems.push_back("the factory threw a non-std exception");
  }
  return nullptr;
}

Problems check_request(const json::object& expect, const sdk::HttpRequest& r) {
  Problems out;
  if (!r.url.starts_with("https://") && !r.url.starts_with("http://")) {
    out.push_back("url \"" + r.url + "\" is not an absolute http(s) URL");
  }
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    const auto* v = expect.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  if (auto m = text("method"); m && *m != r.method) {
    out.push_back("method: expected " + *m + ", got " + r.method);
  }
  if (auto u = text("url"); u && *u != r.url) {
    out.push_back("url: expected " + *u + ", got " + r.url);
  }
  if (auto u = text("url_prefix"); u && !r.url.starts_with(*u)) {
    out.push_back("url: expected to start with " + *u + ", got " + r.url);
  }
  if (const auto* h = expect.if_contains("headers"); h != nullptr && h->is_object()) {
    for (const auto& [name, value] : h->as_object()) {
      const auto actual = sdk::find_header(r.headers, name);
      if (value.is_null()) {
        if (actual) out.push_back("header " + std::string(name) + " should be absent");
      } else if (!actual) {
        out.push_back("header " + std::string(name) + " is missing");
      } else if (!value.is_string() || *actual != value.as_string()) {
        out.push_back("header " + std::string(name) + ": expected " + json::serialize(value) +
                      ", got \"" + *actual + "\"");
      }
    }
  }
  if (const auto* b = expect.if_contains("body")) {
    if (b->is_string()) {
      if (r.body != b->as_string()) {
        out.push_back("body: expected " + json::serialize(*b) + ", got " +
                      json::serialize(json::string(r.body)));
      }
    } else {
      const auto actual = parse_body(r.body);
      if (!actual || *actual != *b) {
        out.push_back("body: expected JSON " + json::serialize(*b) + ", got " + r.body);
      }
    }
  }
  if (const auto* c = expect.if_contains("body_contains")) {
    json::array parts = c->is_array() ? c->as_array() : json::array{*c};
    for (const auto& part : parts) {
      if (!part.is_string() ||
          r.body.find(std::string_view(part.as_string())) == std::string::npos) {
        out.push_back("body does not contain " + json::serialize(part));
      }
    }
  }
  if (const auto* f = expect.if_contains("form"); f != nullptr && f->is_object()) {
    check_form(f->as_object(), r.body, out);
  }
  if (const auto* j = expect.if_contains("json")) {
    const auto actual = parse_body(r.body);
    if (!actual) {
      out.push_back("body is not JSON: " + r.body);
    } else {
      append(out, subset_mismatches(*j, *actual, "body"));
    }
  }
  if (auto ih = text("idempotency_header"); ih && *ih != r.idempotency_header) {
    out.push_back("idempotency_header: expected \"" + *ih + "\", got \"" + r.idempotency_header +
                  "\"");
  }
  if (const auto* i = expect.if_contains("idempotent"); i != nullptr && i->is_bool()) {
    if (i->as_bool() != r.idempotent) {
      out.push_back(std::string("idempotent: expected ") + (i->as_bool() ? "true" : "false"));
    }
  }
  return out;
}

Problems check_outcome(sdk::Operation, const sdk::Outcome& outcome, const json::object& expect) {
  return subset_mismatches(expect, to_json(outcome), "outcome");
}

Run run_operation(sdk::Provider& provider, const OperationFixture& f) {
  Run run;
  auto problem = [&](std::string s) { run.problems.push_back(std::move(s)); };
  std::size_t next = 0;
  try {
    sdk::Step step = provider.start(f.operation, f.input);
    for (int n = 1;; ++n) {
      if (const auto* o = std::get_if<sdk::Outcome>(&step)) {
        run.outcome = *o;
        break;
      }
      if (n >= kStepLimit) {
        problem("no Outcome within " + std::to_string(kStepLimit) + " steps");
        break;
      }
      if (const auto* pause = std::get_if<sdk::Pause>(&step)) {
        ++run.pauses;
        if (pause->duration.count() < 0) problem("a Pause has a negative duration");
        const auto state = pause->step;
        step = provider.resume(f.operation, f.input, sdk::HttpResponse{}, state);
        continue;
      }
      run.requests.push_back(std::get<sdk::HttpRequest>(step));
      const auto& request = run.requests.back();
      const auto label =
          "request " + std::to_string(run.requests.size()) + " (" + describe(request) + ")";
      if (next >= f.exchanges.size()) {
        problem(label + " is not expected: the fixture has " + std::to_string(f.exchanges.size()) +
                " exchanges");
        break;
      }
      append(run.problems, check_request(f.exchanges[next].expect_request, request), label + ": ");
      step = provider.resume(f.operation, f.input, f.exchanges[next++].response, request.step);
    }
  } catch (const std::exception& e) {
    problem(std::string("exception escaped the provider: ") + e.what());
  } catch (...) {
    problem("a non-std exception escaped the provider");
  }
  if (run.outcome) {
    if (next < f.exchanges.size()) {
      problem("the Outcome came after " + std::to_string(next) + " of " +
              std::to_string(f.exchanges.size()) + " expected requests");
    }
    if (auto p = sdk::validate_outcome(f.operation, *run.outcome)) {
      problem("invalid Outcome: " + *p);
    }
  }
  if (f.pauses && *f.pauses != run.pauses) {
    problem("expected " + std::to_string(*f.pauses) + " pauses, got " + std::to_string(run.pauses));
  }
  return run;
}

Problems check_operation_fixture(const ProviderMaker& maker, const KitConfig& kit,
                                 const OperationFixture& f) {
  Problems out;
  auto first = make_provider(maker, kit, f.config, out);
  auto second = make_provider(maker, kit, f.config, out);
  if (!first || !second) return out;
  const auto run1 = run_operation(*first, f);
  const auto run2 = run_operation(*second, f);
  append(out, run1.problems);
  if (run1.outcome) {
    append(out, check_outcome(f.operation, *run1.outcome, f.expect_outcome));
  } else if (run1.problems.empty()) {
    out.push_back("no Outcome");
  }
  const auto s1 = serialise(run1);
  const auto s2 = serialise(run2);
  if (s1 != s2) {
    out.push_back("not deterministic: the same fixture gave\n  run 1: " + s1 + "\n  run 2: " + s2);
  }
  return out;
}

Problems check_coverage(const sdk::Info& info, const Fixtures& fixtures) {
  Problems out;
  std::set<sdk::Operation> seen;
  for (const auto& f : fixtures.operations) seen.insert(f.operation);
  std::string missing;
  for (const auto op : info.capabilities.operations) {
    if (!seen.contains(op))
      missing += (missing.empty() ? "" : ", ") + std::string(sdk::to_string(op));
  }
  if (!missing.empty()) out.push_back("declared operations without a fixture: " + missing);
  if (info.capabilities.webhooks) {
    const bool any = std::any_of(
        fixtures.webhooks.begin(), fixtures.webhooks.end(), [](const WebhookFixture& w) {
          return w.expect_verified && w.expect_events && !w.expect_events->empty();
        });
    if (!any) {
      out.push_back(
          "capabilities.webhooks is declared but no webhook fixture expects a verified webhook "
          "with events");
    }
  }
  return out;
}

Problems check_webhook_fixture(const ProviderMaker& maker, const KitConfig& kit,
                               const WebhookFixture& f) {
  Problems out;
  auto provider = make_provider(maker, kit, f.config, out);
  if (!provider) return out;
  auto r = deliver(*provider, f.webhook, "webhook", out);
  if (!r) return out;
  check_result(*r, "webhook", out);
  if (r->verified != f.expect_verified) {
    out.push_back(std::string("expected the webhook ") +
                  (f.expect_verified ? "verified" : "rejected") + ", it was " +
                  (r->verified ? "verified" : "rejected: " + r->reject_reason));
  }
  if (f.expect_reply_status && *f.expect_reply_status != r->reply.status) {
    out.push_back("reply status: expected " + std::to_string(*f.expect_reply_status) + ", got " +
                  std::to_string(r->reply.status));
  }
  if (f.expect_events) {
    json::array actual;
    for (const auto& e : r->events) actual.push_back(to_json(e));
    append(out, subset_mismatches(*f.expect_events, actual, "events"));
  }
  return out;
}

Problems check_webhook_attacks(const ProviderMaker& maker, const KitConfig& kit,
                               const WebhookFixture& f) {
  Problems out;
  if (!f.expect_verified) return out;
  auto provider = make_provider(maker, kit, f.config, out);
  if (!provider) return out;
  auto& p = *provider;

  if (f.webhook.body.empty()) {
    out.push_back("tampered body: the fixture's body is empty, nothing to tamper with");
  } else {
    auto tampered = f.webhook;
    tampered.body[tampered.body.size() / 2] ^= 0x01;
    expect_rejected(p, tampered, "tampered body", out);
  }

  if (const auto& s = kit.signing) {
    auto unsigned_copy = f.webhook;
    std::erase_if(unsigned_copy.headers,
                  [&](const auto& h) { return sdk::iequals(h.first, s->header); });
    expect_rejected(p, unsigned_copy, "missing signature header", out);

    const auto t = f.webhook.received_at;
    auto fresh = deliver(p, resigned(f.webhook, *s, s->secret, t), "re-signed by the kit", out);
    if (fresh && !fresh->verified) {
      out.push_back("re-signed by the kit: rejected (" + fresh->reject_reason +
                    "): kit.json webhook.signing does not match the provider");
    }
    expect_rejected(p, resigned(f.webhook, *s, s->secret + "-wrong", t), "wrong secret", out);
    expect_rejected(p, resigned(f.webhook, *s, s->secret, t - kWebhookSkewSeconds),
                    "stale timestamp", out);
    expect_rejected(p, resigned(f.webhook, *s, s->secret, t + kWebhookSkewSeconds),
                    "future timestamp", out);
  }

  // Replay: the same delivery twice must name the same events (the core dedups on event_id).
  auto once = deliver(p, f.webhook, "replay 1", out);
  auto twice = deliver(p, f.webhook, "replay 2", out);
  if (once && twice) {
    check_result(*once, "replay 1", out);
    check_result(*twice, "replay 2", out);
    if (!once->verified || !twice->verified) {
      out.push_back("replay: the same valid webhook was not verified both times");
    }
    std::vector<std::string> ids1;
    std::vector<std::string> ids2;
    for (const auto& e : once->events) ids1.push_back(e.event_id);
    for (const auto& e : twice->events) ids2.push_back(e.event_id);
    if (ids1 != ids2) out.push_back("replay: the event ids differ between two deliveries");
  }
  return out;
}

}  // namespace payd::testkit
