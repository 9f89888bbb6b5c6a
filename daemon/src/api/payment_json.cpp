#include "api/payment_json.hpp"

#include <boost/json/array.hpp>

#include "core/timestamps.hpp"
#include "payd/sdk/names.hpp"

namespace payd::api {

namespace json = boost::json;

namespace {

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::object attempt_json(const store::AttemptRecord& a) {
  json::object o;
  o["id"] = a.id;
  o["operation"] = sdk::to_string(a.operation);
  o["connector"] = a.connector_id;
  o["amount"] = a.amount ? json::value(*a.amount) : json::value(nullptr);
  o["outcome"] = a.outcome ? json::value(sdk::to_string(*a.outcome)) : json::value(nullptr);
  o["error"] = a.error;
  o["routing"] = a.routing;
  o["http_exchanges"] = a.http_exchanges;
  o["latency_ms"] = static_cast<double>(a.latency_us) / 1000.0;
  o["started_at"] = core::format_utc_millis(a.started_at_us);
  o["finished_at"] = a.finished_at_us ? json::value(core::format_utc_millis(*a.finished_at_us))
                                      : json::value(nullptr);
  return o;
}

}  // namespace

json::object payment_json(const store::PaymentRecord& p) {
  json::object o;
  o["id"] = p.id;
  o["object"] = "payment";
  o["livemode"] = p.mode == sdk::Mode::live;
  o["status"] = sdk::to_string(p.status);
  o["amount"] = p.amount;
  o["currency"] = p.currency;
  o["capture_method"] = sdk::to_string(p.capture_method);
  o["amount_capturable"] = p.amount_capturable;
  o["amount_received"] = p.amount_received;
  o["amount_refunded"] = p.amount_refunded;
  json::array types;
  for (const auto& t : p.payment_method_types) types.emplace_back(t);
  o["payment_method_types"] = std::move(types);
  o["payment_method"] = p.payment_method;
  o["connector"] = text_or_null(p.connector_id);
  o["provider_reference"] = text_or_null(p.provider_ref);
  o["next_action"] = p.next_action;
  o["last_error"] = p.last_error;
  json::object customer;
  customer["email"] = text_or_null(p.customer_email);
  customer["name"] = text_or_null(p.customer_name);
  o["customer"] = std::move(customer);
  o["description"] = text_or_null(p.description);
  o["reference"] = text_or_null(p.reference);
  o["metadata"] = p.metadata;
  o["return_url"] = text_or_null(p.return_url);
  o["cancel_url"] = text_or_null(p.cancel_url);
  o["line_items"] = p.line_items;
  o["expires_at"] = p.expires_at ? json::value(core::format_utc_seconds(*p.expires_at * 1'000'000))
                                 : json::value(nullptr);
  o["created_at"] = core::format_utc_millis(p.created_at_us);
  o["updated_at"] = core::format_utc_millis(p.updated_at_us);
  return o;
}

json::object payment_json(const store::PaymentRecord& p,
                          const std::vector<store::AttemptRecord>& attempts) {
  auto o = payment_json(p);
  json::array list;
  for (const auto& a : attempts) list.emplace_back(attempt_json(a));
  o["attempts"] = std::move(list);
  return o;
}

json::object refund_json(const store::RefundRecord& r) {
  json::object o;
  o["id"] = r.id;
  o["object"] = "refund";
  o["livemode"] = r.mode == sdk::Mode::live;
  o["payment_id"] = r.payment_id;
  o["status"] = sdk::to_string(r.status);
  o["amount"] = r.amount;
  o["currency"] = r.currency;
  o["reason"] = text_or_null(r.reason);
  o["connector"] = r.connector_id;
  o["provider_reference"] = text_or_null(r.provider_ref);
  o["last_error"] = r.last_error;
  o["metadata"] = r.metadata;
  o["created_at"] = core::format_utc_millis(r.created_at_us);
  o["updated_at"] = core::format_utc_millis(r.updated_at_us);
  return o;
}

}  // namespace payd::api
