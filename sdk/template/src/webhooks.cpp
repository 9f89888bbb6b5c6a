// Example Pay's webhooks. Each delivery is signed the way Stripe signs:
//
//   Example-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhook_secret, "<t>.<raw body>")>
//
//   {"id": "evt_1", "type": "charge.succeeded",
//    "data": {"id": "ch_1", "status": "succeeded", "amount_captured": 2000,
//             "metadata": {"payd_id": "pay_1"}}}
//   {"id": "evt_2", "type": "refund.succeeded",
//    "data": {"id": "re_1", "status": "succeeded", "metadata": {"payd_id": "re_1"}}}
//
// Other event types are acknowledged (200, no events) and ignored, as Example Pay expects.
// payd deduplicates on the event id and applies the events; a rejected delivery is answered
// 4xx and Example Pay retries it later.
#include "example_provider.hpp"
#include "payd/sdk/headers.hpp"    // find_header
#include "payd/sdk/signature.hpp"  // verify_timestamped_hmac_sha256

namespace example {
namespace {

sdk::WebhookResult rejected(std::string reason, int status = 400) {
  sdk::WebhookResult r;
  r.verified = false;
  r.reject_reason = std::move(reason);  // logged by payd, never sent back
  r.reply = sdk::HttpReply{status, "application/json", R"({"error":"rejected"})"};
  return r;
}

}  // namespace

sdk::WebhookResult ExampleProvider::on_webhook(const sdk::InboundWebhook& webhook) {
  if (settings_.webhook_secret.empty()) return rejected("webhooks are not configured", 404);
  const auto signature = sdk::find_header(webhook.headers, "Example-Signature");
  if (!signature) return rejected("missing Example-Signature header");
  // Constant-time comparison, and a timestamp within the tolerance of payd's clock (replays).
  const auto verdict =
      sdk::verify_timestamped_hmac_sha256(*signature, webhook.body, settings_.webhook_secret,
                                          webhook.received_at, settings_.webhook_tolerance_seconds);
  if (verdict != sdk::SignatureVerdict::valid) {
    return rejected("signature " + std::string(sdk::to_string(verdict)));
  }

  // Only a verified body is parsed.
  auto doc = sdk::parse_json(webhook.body);
  if (!doc) return rejected("body: " + doc.error());
  const sdk::JsonReader event(*doc);
  auto id = event.str("id");
  auto type = event.str("type");
  if (!id) return rejected(id.error());
  if (!type) return rejected(type.error());

  sdk::WebhookResult result;
  result.verified = true;
  const bool charge = type->starts_with("charge.");
  if (!charge && !type->starts_with("refund.")) {
    context_.log(sdk::LogLevel::debug, "ignored Example Pay event type " + *type);
    return result;
  }
  auto data = event.object("data");
  if (!data) return rejected(data.error());
  auto ref = data->str("id");
  auto word = data->str("status");
  if (!ref) return rejected(ref.error());
  if (!word) return rejected(word.error());

  sdk::ProviderEvent e;
  e.event_id = *id;
  e.raw_type = *type;
  e.provider_ref = *ref;
  if (auto metadata = data->object("metadata")) e.payd_id = text_or_empty(*metadata, "payd_id");
  if (charge) {
    e.object = sdk::ProviderEvent::Object::payment;
    e.status = charge_status(*word);
    if (!e.status) return rejected("data.status: unknown charge status");
    auto captured = data->opt_int64("amount_captured");
    if (!captured) return rejected(captured.error());
    if (captured.value()) e.amounts.received = *captured.value();
  } else {
    e.object = sdk::ProviderEvent::Object::refund;
    e.refund_status = refund_status(*word);
    if (!e.refund_status) return rejected("data.status: unknown refund status");
  }
  result.events.push_back(std::move(e));
  return result;
}

}  // namespace example
