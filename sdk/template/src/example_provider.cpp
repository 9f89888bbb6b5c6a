// Operations: one Example Pay call each (README.md describes the API).
//
//   authorize  POST /charges               {"amount", "currency", "source", "capture", "metadata"}
//   capture    POST /charges/{id}/capture  {"amount"}
//   refund     POST /charges/{id}/refunds  {"amount", "reason", "metadata"}
//   sync       GET  /charges/{id}, or GET /charges/lookup?payd_id=... when the answer to
//              authorize was lost and payd never learned the charge's id
//
// start() builds the request; resume() turns Example Pay's answer into an Outcome.
#include "example_provider.hpp"

#include <boost/json/serialize.hpp>
#include <charconv>

#include "payd/sdk/form.hpp"   // url_encode_component
#include "payd/sdk/names.hpp"  // is_refund_operation, to_string

namespace example {
namespace {

using sdk::OutcomeKind;
using sdk::PaymentStatus;
using sdk::RefundStatus;

sdk::Outcome failure(OutcomeKind kind, std::string code, std::string provider_code,
                     std::string message) {
  sdk::Outcome o;
  o.kind = kind;
  o.error = sdk::ErrorInfo{std::move(code), std::move(provider_code), "", std::move(message)};
  return o;
}

// We cannot tell whether Example Pay did it. payd keeps the payment `processing`, never fails
// over, and asks again with sync: never report a failure you are not sure of.
sdk::Outcome unknown(std::string message) {
  return failure(OutcomeKind::unknown, "provider_unavailable", "", std::move(message));
}

// Every Example Pay error code payd should know, in one table: what it means (the outcome
// kind) and payd's unified code. A code not listed falls back on the HTTP status.
struct ErrorRule {
  std::string_view provider_code;
  OutcomeKind kind;
  std::string_view code;
};
constexpr ErrorRule kErrorTable[] = {
    {"card_declined", OutcomeKind::declined, "card_declined"},
    {"expired_card", OutcomeKind::declined, "card_declined"},
    {"incorrect_cvc", OutcomeKind::declined, "card_declined"},
    {"amount_too_large", OutcomeKind::declined, "invalid_request"},
    {"charge_not_capturable", OutcomeKind::declined, "invalid_request"},
    {"charge_fully_refunded", OutcomeKind::declined, "invalid_request"},
    // Refused before anything happened: another connector may take the payment.
    {"currency_not_supported", OutcomeKind::not_attempted, "invalid_request"},
    {"authentication_failed", OutcomeKind::not_attempted, "provider_authentication_failed"},
    {"rate_limited", OutcomeKind::not_attempted, "provider_rate_limited"},
    // Example Pay documents that the charge may or may not exist after this one.
    {"processing_error", OutcomeKind::unknown, "provider_unavailable"},
};
constexpr ErrorRule kRefused{"", OutcomeKind::declined, "invalid_request"};

const ErrorRule* find_rule(std::string_view provider_code) {
  for (const auto& rule : kErrorTable) {
    if (rule.provider_code == provider_code) return &rule;
  }
  return nullptr;
}

const ErrorRule& rule_for(std::string_view provider_code, int http_status) {
  if (const auto* rule = find_rule(provider_code)) return *rule;
  if (http_status == 401 || http_status == 403) return *find_rule("authentication_failed");
  if (http_status == 429) return *find_rule("rate_limited");
  return kRefused;
}

// A 4xx answer: {"error": {"code", "decline_code", "message"}}, or a body we cannot read.
sdk::Outcome from_error(sdk::Operation op, const sdk::HttpResponse& response) {
  std::string provider_code;
  std::string decline_code;
  std::string message;
  if (auto doc = sdk::parse_json(response.body); doc.ok()) {
    if (auto error = sdk::JsonReader(doc.value()).object("error"); error.ok()) {
      provider_code = text_or_empty(error.value(), "code");
      decline_code = text_or_empty(error.value(), "decline_code");
      message = text_or_empty(error.value(), "message");  // written for merchants: safe to show
    }
  }
  if (message.empty()) {
    message = "Example Pay refused the request (HTTP " + std::to_string(response.status) + ").";
  }
  const auto& rule = rule_for(provider_code, response.status);
  // A refused status query tells nothing about the payment.
  if (op == sdk::Operation::sync && rule.kind == OutcomeKind::declined) {
    return failure(OutcomeKind::unknown, std::string(rule.code), provider_code, message);
  }
  auto o = failure(rule.kind, std::string(rule.code), provider_code, message);
  if (o.kind == OutcomeKind::declined) o.error->decline_code = decline_code;
  if (rule.code == "provider_authentication_failed") o.connector_unhealthy = true;
  if (const auto after = response.header("Retry-After")) {
    std::int64_t seconds = 0;
    const auto end = after->data() + after->size();
    if (std::from_chars(after->data(), end, seconds).ptr == end && seconds >= 0) {
      o.retry_after = std::chrono::seconds(seconds);
    }
  }
  return o;
}

// What a charge's status means for the operation that produced it.
OutcomeKind kind_of(sdk::Operation op, PaymentStatus status) {
  if (op == sdk::Operation::sync) return OutcomeKind::processed;  // sync reports the truth
  switch (status) {
    case PaymentStatus::succeeded:
    case PaymentStatus::requires_capture:
      return OutcomeKind::processed;
    case PaymentStatus::processing:
    case PaymentStatus::requires_action:
      return OutcomeKind::pending;  // the final state comes by webhook or sync
    default:
      return OutcomeKind::declined;  // failed, canceled, expired
  }
}

// A charge: {"id", "status", "amount", "amount_captured", "amount_refunded",
//            "next_action": {"redirect_url"}, "failure_code"} (amounts in minor units).
sdk::Outcome from_charge(sdk::Operation op, const sdk::JsonReader& charge) {
  auto id = charge.str("id");
  auto word = charge.str("status");
  auto amount = charge.int64("amount");
  auto captured = charge.int64("amount_captured");
  auto refunded = charge.opt_int64("amount_refunded");
  // A 2xx we cannot read: the operation may have happened.
  if (!id) return unknown("Unreadable charge: " + id.error());
  if (!word) return unknown("Unreadable charge: " + word.error());
  if (!amount) return unknown("Unreadable charge: " + amount.error());
  if (!captured) return unknown("Unreadable charge: " + captured.error());
  if (!refunded) return unknown("Unreadable charge: " + refunded.error());
  const auto status = charge_status(*word);
  if (!status) return unknown("Unknown charge status \"" + *word + "\".");

  sdk::Outcome o;
  o.kind = kind_of(op, *status);
  o.status = *status;
  o.provider_ref = *id;
  o.amounts.received = *captured;
  o.amounts.capturable = *status == PaymentStatus::requires_capture ? *amount - *captured : 0;
  if (refunded.value()) o.amounts.refunded = *refunded.value();
  if (*status == PaymentStatus::requires_action) {
    auto next = charge.object("next_action");
    if (!next) return unknown("Unreadable charge: " + next.error());
    auto url = next->str("redirect_url");
    if (!url) return unknown("Unreadable charge: " + url.error());
    o.next_action = sdk::NextAction{sdk::NextAction::Type::redirect, *url, "", std::nullopt};
  }
  if (o.kind == OutcomeKind::declined) {
    const bool card = op == sdk::Operation::authorize;
    o.error = sdk::ErrorInfo{card ? "card_declined" : "invalid_request",
                             text_or_empty(charge, "failure_code"), "",
                             "Example Pay reports the charge as " + *word + "."};
  }
  return o;
}

// A refund: {"id", "status", "amount"}.
sdk::Outcome from_refund(const sdk::OperationInput& in, const sdk::JsonReader& refund) {
  auto id = refund.str("id");
  auto word = refund.str("status");
  if (!id) return unknown("Unreadable refund: " + id.error());
  if (!word) return unknown("Unreadable refund: " + word.error());
  const auto status = refund_status(*word);
  if (!status) return unknown("Unknown refund status \"" + *word + "\".");

  sdk::Outcome o;
  o.refund_status = *status;
  o.provider_ref = *id;
  switch (*status) {
    case RefundStatus::succeeded:
      o.kind = OutcomeKind::processed;
      o.amounts.refunded = in.payment.amount_refunded + in.amount;
      break;
    case RefundStatus::pending:
      o.kind = OutcomeKind::pending;
      break;
    default:
      o.kind = OutcomeKind::declined;
      o.error = sdk::ErrorInfo{"refund_failed", text_or_empty(refund, "failure_code"), "",
                               "Example Pay reports the refund as " + *word + "."};
  }
  return o;
}

}  // namespace

std::optional<PaymentStatus> charge_status(std::string_view word) {
  if (word == "succeeded") return PaymentStatus::succeeded;
  if (word == "authorized") return PaymentStatus::requires_capture;
  if (word == "pending") return PaymentStatus::processing;
  if (word == "requires_action") return PaymentStatus::requires_action;
  if (word == "failed") return PaymentStatus::failed;
  if (word == "canceled") return PaymentStatus::canceled;
  return std::nullopt;
}

std::optional<RefundStatus> refund_status(std::string_view word) {
  if (word == "succeeded") return RefundStatus::succeeded;
  if (word == "pending") return RefundStatus::pending;
  if (word == "failed") return RefundStatus::failed;
  if (word == "canceled") return RefundStatus::canceled;
  return std::nullopt;
}

std::string text_or_empty(const sdk::JsonReader& object, std::string_view key) {
  auto v = object.opt_str(key);
  return v.ok() && v.value() ? *v.value() : std::string();
}

ExampleProvider::ExampleProvider(Settings settings, sdk::ConnectorContext context)
    : settings_(std::move(settings)), context_(std::move(context)) {}

// Declare only what is implemented: payd refuses everything else with a 400 before calling
// the plugin, and GET /api/v1/connectors shows this matrix.
sdk::Info ExampleProvider::info() const {
  sdk::Info info{kName, PAYD_EXAMPLE_VERSION, {}};
  auto& c = info.capabilities;
  c.operations = {sdk::Operation::authorize, sdk::Operation::capture, sdk::Operation::refund,
                  sdk::Operation::sync};
  c.manual_capture = true;   // authorize with "capture": false, then capture
  c.partial_capture = true;  // capture {"amount"} below the authorized amount
  c.partial_refunds = true;
  c.multiple_refunds = true;
  c.currencies = {"EUR", "GBP", "USD"};
  c.payment_method_types = {"card"};
  c.webhooks = !settings_.webhook_secret.empty();
  c.sync = true;
  return info;
}

sdk::HttpRequest ExampleProvider::call(std::string method, const std::string& path,
                                       const boost::json::object& body) const {
  sdk::HttpRequest r;
  r.url = settings_.base_url + path;
  r.headers = {{"Authorization", "Bearer " + settings_.api_key}, {"Accept", "application/json"}};
  if (method == "POST") {
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = boost::json::serialize(body);
    // payd adds the attempt's idempotency key under this header, so Example Pay never
    // charges twice when payd retries or reconciles.
    r.idempotency_header = "Idempotency-Key";
  }
  r.idempotent = true;  // GETs, and POSTs carrying the idempotency key, are safe to repeat
  r.method = std::move(method);
  return r;
}

sdk::Step ExampleProvider::start(sdk::Operation op, const sdk::OperationInput& in) {
  const auto& p = in.payment;
  const auto charge = "/charges/" + sdk::url_encode_component(p.provider_ref);
  if (p.provider_ref.empty() && op != sdk::Operation::authorize && op != sdk::Operation::sync) {
    return failure(OutcomeKind::not_attempted, "invalid_request", "",
                   "The payment has no Example Pay charge.");
  }
  switch (op) {
    case sdk::Operation::authorize: {
      boost::json::object body{
          {"amount", p.amount},
          {"currency", p.currency},
          {"source", p.payment_method},
          {"capture", p.capture_method == sdk::CaptureMethod::automatic},
      };
      if (!p.description.empty()) body["description"] = p.description;
      if (!p.return_url.empty()) body["return_url"] = p.return_url;
      body["metadata"] = {{"payd_id", p.id}};  // lets sync find a charge whose id we lost
      return call("POST", "/charges", body);
    }
    case sdk::Operation::capture:
      return call("POST", charge + "/capture", {{"amount", in.amount}});
    case sdk::Operation::refund: {
      if (!in.refund) break;
      boost::json::object body{{"amount", in.amount}};
      if (!in.refund->reason.empty()) body["reason"] = in.refund->reason;
      body["metadata"] = {{"payd_id", in.refund->id}};
      return call("POST", charge + "/refunds", body);
    }
    case sdk::Operation::sync: {
      if (!p.provider_ref.empty()) return call("GET", charge);
      // The answer to authorize was lost: find the charge by the id we sent in its metadata.
      // The step state tells resume() that a 404 here means "never created".
      auto r = call("GET", "/charges/lookup?payd_id=" + sdk::url_encode_component(p.id));
      r.step = sdk::StepState{{"lookup", true}};
      return r;
    }
    default:
      break;  // cancel, sync_refund: not declared, so payd never asks
  }
  return failure(OutcomeKind::not_attempted, "unsupported_operation", "",
                 "Example Pay does not support " + std::string(sdk::to_string(op)) + ".");
}

sdk::Step ExampleProvider::resume(sdk::Operation op, const sdk::OperationInput& in,
                                  const sdk::HttpResponse& response, const sdk::StepState& step) {
  if (response.transport_error == sdk::TransportError::connect) {
    // Nothing reached Example Pay: safe to fail over. (payd itself downgrades this to
    // `unknown` if the request may have been sent.)
    return failure(OutcomeKind::not_attempted, "provider_unavailable", "",
                   "Could not connect to Example Pay.");
  }
  if (response.transport_error != sdk::TransportError::none) {
    return unknown("No complete answer from Example Pay (" +
                   std::string(sdk::to_string(response.transport_error)) + ").");
  }
  if (response.status >= 500 || response.status < 200 || response.status / 100 == 3) {
    return unknown("Example Pay answered HTTP " + std::to_string(response.status) + ".");
  }
  if (response.status == 404 && step.contains("lookup")) {
    // No charge carries this payment's id: the lost authorize never created one.
    sdk::Outcome o = failure(OutcomeKind::processed, "charge_not_found", "resource_missing",
                             "Example Pay never received this payment.");
    o.status = PaymentStatus::failed;
    return o;
  }
  if (response.status >= 400) return from_error(op, response);

  auto doc = sdk::parse_json(response.body);
  if (!doc) return unknown("Unreadable answer from Example Pay: " + doc.error());
  const sdk::JsonReader body(*doc);
  return sdk::is_refund_operation(op) ? from_refund(in, body) : from_charge(op, body);
}

std::unique_ptr<sdk::Provider> make_provider(const boost::json::object& config,
                                             const sdk::ConnectorContext& context) {
  return std::make_unique<ExampleProvider>(parse_settings(config, context.mode), context);
}

}  // namespace example
