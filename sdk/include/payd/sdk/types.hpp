#pragma once
// The vocabulary of the plugin contract: what payd tells a plugin about a payment,
// the HTTP exchanges a plugin asks the core to perform, and the outcome it reports.
// Plain structs only; no I/O, no Beast, no daemon headers.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace payd::sdk {

enum class Operation { authorize, capture, cancel, refund, sync, sync_refund };
enum class Mode { test, live };
enum class CaptureMethod { automatic, manual };

// Unified payment statuses (see ARCHITECTURE.md, "Data model").
enum class PaymentStatus {
  requires_action,
  processing,
  requires_capture,
  succeeded,
  canceled,
  failed,
  expired
};
enum class RefundStatus { pending, succeeded, failed, canceled };

// What the core must do next with an outcome; the heart of failover and reconciliation.
enum class OutcomeKind {
  processed,      // the provider did it; status is final for this operation
  pending,        // accepted; the final state arrives by webhook or sync
  declined,       // the provider refused (decline code recorded); no retry elsewhere by default
  not_attempted,  // certainly never reached the provider: safe to fail over
  unknown,        // may or may not have happened: stay processing, reconcile, never fail over
};

using Headers = std::vector<std::pair<std::string, std::string>>;
// The plugin's own memory, persisted by the core with the payment and handed back.
using PluginState = boost::json::object;
// Carried from one step of an operation to the next (e.g. "fetched token, now create").
using StepState = boost::json::object;

struct LineItem {
  std::string name;
  std::int64_t unit_amount = 0;  // minor units of the payment currency
  std::int64_t quantity = 1;
  std::string sku;
};

struct PaymentView {
  std::string id;         // payd's payment id
  std::string tenant_id;
  Mode mode = Mode::test;
  std::int64_t amount = 0;  // minor units
  std::string currency;     // ISO 4217, upper case
  CaptureMethod capture_method = CaptureMethod::automatic;
  std::int64_t amount_capturable = 0;
  std::int64_t amount_received = 0;
  std::int64_t amount_refunded = 0;
  std::vector<std::string> payment_method_types;
  std::string payment_method;  // optional: a provider payment method id or a sandbox test card
  std::string customer_email;
  std::string customer_name;
  std::string description;
  std::string reference;  // the merchant's order reference
  std::map<std::string, std::string> metadata;
  std::string return_url;
  std::string cancel_url;
  std::vector<LineItem> line_items;
  bool hosted_checkout = false;    // the merchant asked for a hosted checkout session
  std::int64_t expires_at = 0;     // unix seconds; 0 = provider default
  std::string provider_ref;        // the provider's id for this payment, once known
  PluginState state;               // what this plugin stored on the payment last time
};

struct RefundView {
  std::string id;  // payd's refund id
  std::int64_t amount = 0;
  std::string reason;        // requested_by_customer | duplicate | fraudulent | other
  std::string provider_ref;  // once known (sync_refund)
};

struct OperationInput {
  PaymentView payment;
  std::optional<RefundView> refund;  // refund and sync_refund
  std::int64_t amount = 0;           // capture: amount to capture; refund: refund amount
  std::string idempotency_key;       // stable per attempt; see HttpRequest::idempotency_header
  std::int64_t now = 0;              // unix seconds, from the core's clock (plugins read no clock)
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute https URL (http only where the connector allows loopback)
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{0};  // 0: the connector's configured timeout
  // When set, the core adds this header with the attempt's idempotency key.
  std::string idempotency_header;
  // Safe to repeat after a transport failure (GET, or a POST carrying an idempotency key).
  bool idempotent = false;
  StepState step;  // returned to resume() with the response
};

enum class TransportError { none, timeout, connect, tls, reset, too_large, redirect, protocol };

struct HttpResponse {
  int status = 0;  // 0 when transport_error != none
  Headers headers;
  std::string body;
  TransportError transport_error = TransportError::none;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

struct CryptoTransfer {
  std::string address;
  std::string crypto_currency;  // e.g. USDT_TRC20
  std::string crypto_amount;    // exact decimal string in the token's units
  std::string qr_code_url;
  std::string customer_url;
  std::string exchange_rate;    // exact decimal string
  std::int64_t expires_at = 0;  // unix seconds
};

struct NextAction {
  enum class Type { redirect, qr_code, crypto_transfer };
  Type type = Type::redirect;
  std::string url;      // redirect / hosted page
  std::string qr_data;  // qr_code: the payload to render
  std::optional<CryptoTransfer> crypto;
};

struct Amounts {
  std::optional<std::int64_t> capturable;
  std::optional<std::int64_t> received;
  std::optional<std::int64_t> refunded;
};

struct ErrorInfo {
  std::string code;           // unified: card_declined, invalid_request, provider_unavailable ...
  std::string provider_code;  // the provider's own code
  std::string decline_code;   // insufficient_funds, expired_card ...
  std::string message;        // safe to show the merchant; never secrets or card data
};

struct Outcome {
  OutcomeKind kind = OutcomeKind::unknown;
  std::optional<PaymentStatus> status;        // payment operations
  std::optional<RefundStatus> refund_status;  // refund and sync_refund
  std::string provider_ref;                   // payment (or refund) id at the provider
  std::optional<NextAction> next_action;
  Amounts amounts;
  std::optional<ErrorInfo> error;
  std::optional<PluginState> state;  // replaces the stored plugin state when set
  bool connector_unhealthy = false;  // e.g. the provider rejected our credentials
  std::optional<std::chrono::seconds> retry_after;  // provider asked us to slow down
};

struct InboundWebhook {
  Headers headers;
  std::string body;  // raw bytes, exactly as received (signatures cover them)
  std::int64_t received_at = 0;  // unix seconds, from the core's clock
};

struct ProviderEvent {
  std::string event_id;  // the dedup key: unique per connector
  std::string raw_type;  // the provider's event type
  enum class Object { payment, refund } object = Object::payment;
  std::string provider_ref;  // the payment's (or refund's) id at the provider
  std::string payd_id;       // payd's id when the provider echoes our metadata
  std::optional<PaymentStatus> status;
  std::optional<RefundStatus> refund_status;
  Amounts amounts;
  // The event is only a hint (unsigned provider): confirm with sync before applying.
  bool needs_confirmation = false;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body = R"({"received":true})";
};

struct WebhookResult {
  bool verified = false;
  std::string reject_reason;  // when !verified; logged and audited, never sent back verbatim
  std::vector<ProviderEvent> events;  // empty for acknowledged-but-ignored event types
  HttpReply reply;
};

}  // namespace payd::sdk
