#include "core/payment_service_support.hpp"

#include <boost/json/object.hpp>

#include "core/ids.hpp"
#include "payd/sdk/names.hpp"
#include "store/idempotency_store.hpp"
#include "store/payment_store.hpp"

namespace payd::core::detail {

namespace json = boost::json;

http::ApiError payment_not_found(std::string_view id) {
  return http::ApiError::not_found("No payment '" + std::string(id) + "' exists.");
}

http::ApiError refund_not_found(std::string_view id) {
  return http::ApiError::not_found("No refund '" + std::string(id) + "' exists.");
}

http::ApiError capability_missing(std::string_view connector_id, std::string_view cannot,
                                  std::optional<std::string> param) {
  http::ApiError e;
  e.status = 400;
  e.type = http::ErrorType::invalid_request;
  e.code = "CAPABILITY_NOT_SUPPORTED";
  e.message = "Connector '" + std::string(connector_id) + "' " + std::string(cannot) + ".";
  e.param = std::move(param);
  return e;
}

json::value payment_method_summary(std::string_view payment_method,
                                   const std::vector<std::string>& types) {
  if (payment_method.empty()) return nullptr;
  json::object o;
  const bool all_digits = payment_method.find_first_not_of("0123456789") == std::string_view::npos;
  if (all_digits && payment_method.size() >= 12) {
    o["type"] = "card";
    o["last4"] = payment_method.substr(payment_method.size() - 4);
  } else {
    o["type"] = types.empty() ? "card" : types.front();
    o["id"] = payment_method;
  }
  return o;
}

sdk::PaymentView payment_view(const store::PaymentRecord& p) {
  sdk::PaymentView v;
  v.id = p.id;
  v.tenant_id = p.tenant_id;
  v.mode = p.mode;
  v.amount = p.amount;
  v.currency = p.currency;
  v.capture_method = p.capture_method;
  v.amount_capturable = p.amount_capturable;
  v.amount_received = p.amount_received;
  v.amount_refunded = p.amount_refunded;
  v.payment_method_types = p.payment_method_types;
  v.customer_email = p.customer_email;
  v.customer_name = p.customer_name;
  v.description = p.description;
  v.reference = p.reference;
  for (const auto& [k, val] : p.metadata) {
    if (val.is_string()) v.metadata.emplace(std::string(k), std::string(val.as_string()));
  }
  v.return_url = p.return_url;
  v.cancel_url = p.cancel_url;
  for (const auto& li : p.line_items) {
    if (!li.is_object()) continue;
    const auto& o = li.as_object();
    sdk::LineItem item;
    if (auto* n = o.if_contains("name"); n && n->is_string()) item.name = n->as_string();
    if (auto* a = o.if_contains("unit_amount"); a && a->is_int64()) {
      item.unit_amount = a->as_int64();
    }
    if (auto* q = o.if_contains("quantity"); q && q->is_int64()) item.quantity = q->as_int64();
    if (auto* s = o.if_contains("sku"); s && s->is_string()) item.sku = s->as_string();
    v.line_items.push_back(std::move(item));
  }
  v.expires_at = p.expires_at.value_or(0);
  v.provider_ref = p.provider_ref;
  v.state = p.plugin_state;
  return v;
}

store::EventRecord payment_event(const store::PaymentRecord& p, std::string type) {
  store::EventRecord e;
  e.id = new_id("evt");
  e.tenant_id = p.tenant_id;
  e.mode = p.mode;
  e.type = type.empty() ? "payment." + std::string(sdk::to_string(p.status)) : std::move(type);
  e.object_type = "payment";
  e.object_id = p.id;
  e.data["status"] = sdk::to_string(p.status);
  e.data["amount"] = p.amount;
  e.data["currency"] = p.currency;
  e.data["amount_received"] = p.amount_received;
  e.data["amount_refunded"] = p.amount_refunded;
  e.data["connector"] = p.connector_id;
  return e;
}

store::EventRecord refund_event(const store::RefundRecord& r, std::string type) {
  store::EventRecord e;
  e.id = new_id("evt");
  e.tenant_id = r.tenant_id;
  e.mode = r.mode;
  e.type = type.empty() ? "refund." + std::string(sdk::to_string(r.status)) : std::move(type);
  e.object_type = "refund";
  e.object_id = r.id;
  e.data["status"] = sdk::to_string(r.status);
  e.data["amount"] = r.amount;
  e.data["currency"] = r.currency;
  e.data["payment_id"] = r.payment_id;
  return e;
}

store::AttemptRecord new_attempt(const store::PaymentRecord& p, sdk::Operation op,
                                 std::optional<std::int64_t> amount) {
  store::AttemptRecord a;
  a.id = new_id("att");
  a.tenant_id = p.tenant_id;
  a.payment_id = p.id;
  a.operation = op;
  a.connector_id = p.connector_id;
  a.idempotency_key = "payd_" + a.id;
  a.amount = amount;
  return a;
}

core::AuditEntry audit_of(const Caller& caller, std::string action, std::string target,
                          AuditOutcome outcome) {
  core::AuditEntry e;
  e.tenant_id = caller.tenant_id;
  e.actor = caller.actor;
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = outcome;
  e.request_id = caller.request_id;
  e.client_ip = caller.client_ip;
  e.user_agent = caller.user_agent;
  e.details["mode"] = sdk::to_string(caller.mode);
  return e;
}

void mark_idempotent_resource(store::Tx& tx, const Caller& caller, std::string_view type,
                              std::string_view id) {
  if (caller.idempotency_key.empty()) return;
  store::mark_idempotency_resource(tx, caller.tenant_id, caller.mode, caller.idempotency_key, type,
                                   id);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool outcome_uncertain(const std::vector<store::AttemptRecord>& attempts, std::int64_t now_unix_us,
                       std::chrono::seconds in_flight_timeout) {
  for (auto it = attempts.rbegin(); it != attempts.rend(); ++it) {
    if (!it->refund_id.empty()) continue;
    if (it->outcome) {
      return *it->outcome == sdk::OutcomeKind::unknown || *it->outcome == sdk::OutcomeKind::pending;
    }
    const auto age_us = now_unix_us - it->started_at_us;
    return age_us >
           std::chrono::duration_cast<std::chrono::microseconds>(in_flight_timeout).count();
  }
  return false;
}

bool payment_uncertain(store::Tx& tx, const store::PaymentRecord& p,
                       std::chrono::seconds in_flight_timeout) {
  if (p.status != sdk::PaymentStatus::processing) return false;
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return outcome_uncertain(store::list_attempts(tx, p.tenant_id, p.id), now_us, in_flight_timeout);
}

}  // namespace payd::core::detail
