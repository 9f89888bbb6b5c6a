// Sandbox webhooks: a JSON event signed like Stripe's (Sandbox-Signature: t=..,v1=..),
// so the whole intake path can be exercised without a network peer.
//
//   {"id":"evt_...","type":"payment.succeeded",
//    "data":{"payment_ref":"sbx_pi_pay_1","payd_id":"pay_1","status":"succeeded",
//            "amount_received":1000}}
//   {"id":"evt_...","type":"refund.succeeded",
//    "data":{"refund_ref":"sbx_re_re_1","payd_id":"re_1","status":"succeeded"}}

#include "payd/sdk/headers.hpp"
#include "payd/sdk/json.hpp"
#include "payd/sdk/names.hpp"
#include "payd/sdk/signature.hpp"
#include "sandbox_provider.hpp"

namespace payd::sandbox {
namespace {

sdk::WebhookResult rejected(std::string reason, int status = 400) {
  sdk::WebhookResult r;
  r.verified = false;
  r.reject_reason = std::move(reason);
  r.reply = sdk::HttpReply{status, "application/json", R"({"error":"rejected"})"};
  return r;
}

}  // namespace

sdk::WebhookResult SandboxProvider::on_webhook(const sdk::InboundWebhook& webhook) {
  if (settings_.webhook_secret.empty()) return rejected("webhooks are not configured", 404);
  const auto signature = sdk::find_header(webhook.headers, "Sandbox-Signature");
  if (!signature) return rejected("missing Sandbox-Signature header");
  const auto verdict =
      sdk::verify_timestamped_hmac_sha256(*signature, webhook.body, settings_.webhook_secret,
                                          webhook.received_at, settings_.webhook_tolerance_seconds);
  if (verdict != sdk::SignatureVerdict::valid) {
    return rejected("signature " + std::string(sdk::to_string(verdict)));
  }

  // Signed by us: from here on a malformed body is our own bug, still answered 400.
  auto parsed = sdk::parse_json(webhook.body);
  if (!parsed.ok() || !parsed.value().is_object()) return rejected("body is not a JSON object");
  const sdk::JsonReader event(parsed.value());
  auto id = event.str("id");
  auto type = event.str("type");
  auto data = event.object("data");
  if (!id.ok()) return rejected(id.error());
  if (!type.ok()) return rejected(type.error());
  if (!data.ok()) return rejected(data.error());

  sdk::WebhookResult result;
  result.verified = true;
  sdk::ProviderEvent e;
  e.event_id = id.value();
  e.raw_type = type.value();
  const auto& d = data.value();
  auto payd_id = d.opt_str("payd_id");
  if (payd_id.ok() && payd_id.value()) e.payd_id = *payd_id.value();
  auto status = d.str("status");
  if (e.raw_type.starts_with("payment.")) {
    auto ref = d.str("payment_ref");
    if (!ref.ok()) return rejected(ref.error());
    if (!status.ok()) return rejected(status.error());
    e.object = sdk::ProviderEvent::Object::payment;
    e.provider_ref = ref.value();
    e.status = sdk::parse_payment_status(status.value());
    if (!e.status) return rejected("data.status: unknown payment status");
    if (auto received = d.opt_int64("amount_received"); received.ok() && received.value()) {
      e.amounts.received = *received.value();
    }
    result.events.push_back(std::move(e));
  } else if (e.raw_type.starts_with("refund.")) {
    auto ref = d.str("refund_ref");
    if (!ref.ok()) return rejected(ref.error());
    if (!status.ok()) return rejected(status.error());
    e.object = sdk::ProviderEvent::Object::refund;
    e.provider_ref = ref.value();
    e.refund_status = sdk::parse_refund_status(status.value());
    if (!e.refund_status) return rejected("data.status: unknown refund status");
    result.events.push_back(std::move(e));
  }
  // Other types are acknowledged and ignored, as providers expect.
  return result;
}

}  // namespace payd::sandbox
