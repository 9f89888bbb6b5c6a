#include "fake_providers.hpp"

#include <atomic>
#include <stdexcept>

#include "payd/sdk/form.hpp"
#include "payd/sdk/json.hpp"
#include "payd/sdk/plugin.hpp"

namespace payd::testkit::fake {
namespace {

constexpr const char* kBase = "https://api.fake.test/v1/charges";

sdk::Outcome unknown(std::string why) {
  sdk::Outcome o;
  o.kind = sdk::OutcomeKind::unknown;
  o.error = sdk::ErrorInfo{"provider_unavailable", "", "", std::move(why)};
  return o;
}

class TwoStep final : public sdk::Provider {
 public:
  explicit TwoStep(std::string key) : key_(std::move(key)) {}

  [[nodiscard]] sdk::Info info() const override {
    sdk::Info i{"fake-two-step", "0.1.0", {}};
    i.capabilities.operations = {sdk::Operation::authorize};
    return i;
  }

  sdk::Step start(sdk::Operation, const sdk::OperationInput& in) override {
    sdk::HttpRequest r;
    r.method = "POST";
    r.url = kBase;
    r.headers = {{"Authorization", "Bearer " + key_},
                 {"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = sdk::form_urlencode({{"amount", std::to_string(in.payment.amount)},
                                  {"currency", in.payment.currency},
                                  {"source", in.payment.payment_method},
                                  {"metadata[payd_id]", in.payment.id}});
    r.idempotency_header = "Idempotency-Key";
    r.idempotent = true;
    r.step = sdk::StepState{{"phase", "create"}};
    return r;
  }

  sdk::Step resume(sdk::Operation, const sdk::OperationInput&, const sdk::HttpResponse& resp,
                   const sdk::StepState& step) override {
    if (resp.transport_error != sdk::TransportError::none) return unknown("transport error");
    auto doc = sdk::parse_json(resp.body);
    if (!doc) return unknown("unreadable response: " + doc.error());
    const sdk::JsonReader root(*doc);
    if (resp.status == 402) {
      sdk::Outcome o;
      o.kind = sdk::OutcomeKind::declined;
      o.status = sdk::PaymentStatus::failed;
      auto error = root.object("error");
      o.error = sdk::ErrorInfo{"card_declined", "card_declined",
                               error ? error->str("decline_code").value_or("") : "", ""};
      return o;
    }
    if (resp.status != 200) return unknown("status " + std::to_string(resp.status));
    auto id = root.str("id");
    if (!id) return unknown(id.error());
    if (step.at("phase").as_string() == "create") {
      sdk::HttpRequest r;
      r.url = std::string(kBase) + "/" + *id;
      r.headers = {{"Authorization", "Bearer " + key_}};
      r.idempotent = true;
      r.step = sdk::StepState{{"phase", "fetch"}};
      return r;
    }
    sdk::Outcome o;
    o.kind = sdk::OutcomeKind::processed;
    o.status = sdk::PaymentStatus::succeeded;
    o.provider_ref = *id;
    o.amounts.received = root.int64("amount").value_or(0);
    return o;
  }

  sdk::WebhookResult on_webhook(const sdk::InboundWebhook&) override {
    sdk::WebhookResult r;
    r.reply.status = 404;
    r.reject_reason = "no webhooks";
    return r;
  }

 private:
  std::string key_;
};

class Flawed final : public sdk::Provider {
 public:
  explicit Flawed(Flaw flaw) : flaw_(flaw) {}

  [[nodiscard]] sdk::Info info() const override {
    sdk::Info i{"flawed", "0.0.1", {}};
    i.capabilities.operations = {sdk::Operation::authorize, sdk::Operation::refund};
    i.capabilities.webhooks = true;
    return i;
  }

  sdk::Step start(sdk::Operation, const sdk::OperationInput&) override {
    static std::atomic<int> instances{0};
    switch (flaw_) {
      case Flaw::invalid_outcome: {
        sdk::Outcome o;
        o.kind = sdk::OutcomeKind::processed;
        o.provider_ref = "ch_1";
        return o;
      }
      case Flaw::throws:
        throw std::runtime_error("boom");
      case Flaw::never_ends:
        return sdk::Pause{std::chrono::milliseconds(1), {}};
      case Flaw::nondeterministic: {
        sdk::HttpRequest r;
        r.method = "POST";
        r.url = kBase;
        r.body = "n=" + std::to_string(++instances);
        return r;
      }
      default:
        return unknown("not an operation test");
    }
  }

  sdk::Step resume(sdk::Operation, const sdk::OperationInput&, const sdk::HttpResponse&,
                   const sdk::StepState&) override {
    if (flaw_ == Flaw::never_ends) return sdk::Pause{std::chrono::milliseconds(1), {}};
    return unknown("done");
  }

  sdk::WebhookResult on_webhook(const sdk::InboundWebhook&) override {
    sdk::WebhookResult r;
    if (flaw_ == Flaw::rejects_with_200) {
      r.reject_reason = "bad signature";
      return r;  // reply defaults to 200
    }
    r.verified = true;
    sdk::ProviderEvent e;
    e.event_id = "evt_" + std::to_string(++deliveries_);
    e.raw_type = "charge.succeeded";
    e.provider_ref = "ch_1";
    e.status = sdk::PaymentStatus::succeeded;
    r.events.push_back(e);
    return r;
  }

 private:
  Flaw flaw_;
  int deliveries_ = 0;
};

}  // namespace

std::unique_ptr<sdk::Provider> make_two_step(const boost::json::object& config,
                                             const sdk::ConnectorContext&) {
  const auto* key = config.if_contains("api_key");
  if (key == nullptr || !key->is_string()) throw sdk::ConfigError("api_key", "required string");
  return std::make_unique<TwoStep>(std::string(key->as_string()));
}

std::unique_ptr<sdk::Provider> make_flawed(Flaw flaw) {
  return std::make_unique<Flawed>(flaw);
}

}  // namespace payd::testkit::fake
