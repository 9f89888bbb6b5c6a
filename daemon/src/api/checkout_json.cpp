#include "api/checkout_json.hpp"

#include <boost/json/array.hpp>

#include "core/checkout_rules.hpp"
#include "core/timestamps.hpp"

namespace payd::api {

namespace json = boost::json;

namespace {

constexpr std::int64_t kMicros = 1'000'000;

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// A string member of an object, or nullptr.
const json::string* string_at(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  const auto* m = v.as_object().if_contains(key);
  return m != nullptr && m->is_string() ? &m->as_string() : nullptr;
}

// Where to send the customer: the next action's redirect, or a crypto transfer's hosted
// page. Null once the payment no longer waits for the customer (next_action is cleared).
json::value redirect_url(const store::PaymentRecord& p) {
  if (const auto* url = string_at(p.next_action, "redirect_url")) return *url;
  if (p.next_action.is_object()) {
    if (const auto* t = p.next_action.as_object().if_contains("crypto_transfer")) {
      if (const auto* url = string_at(*t, "customer_url")) return *url;
    }
  }
  return nullptr;
}

json::value qr_image_url(const store::PaymentRecord& p) {
  if (p.next_action.is_object()) {
    if (const auto* t = p.next_action.as_object().if_contains("crypto_transfer")) {
      if (const auto* url = string_at(*t, "qr_code_url")) return *url;
    }
  }
  return nullptr;
}

// Only a pending session sends the customer anywhere: an expired one's page is closed even
// while its payment still shows the action.
bool waiting(core::CheckoutStatus status) {
  return status == core::CheckoutStatus::pending;
}

json::value expiry(const std::optional<std::int64_t>& unix_seconds) {
  return unix_seconds ? json::value(core::format_utc_seconds(*unix_seconds * kMicros))
                      : json::value(nullptr);
}

core::LinkAvailability availability(const store::PaymentLinkRecord& link, std::int64_t now) {
  return core::link_availability(
      core::LinkState{link.active, link.expires_at, link.usage_limit, link.usage_count}, now);
}

}  // namespace

json::object checkout_session_json(const core::CheckoutSession& cs, std::int64_t now) {
  const auto& s = cs.session;
  const auto& p = cs.payment;
  const auto status = core::checkout_status(p.status, s.expires_at, now);
  json::object o;
  o["id"] = s.id;
  o["object"] = "checkout.session";
  o["livemode"] = s.mode == sdk::Mode::live;
  o["status"] = core::to_string(status);
  o["amount"] = p.amount;
  o["currency"] = p.currency;
  o["reference"] = text_or_null(p.reference);
  o["payment_method_types"] = strings(p.payment_method_types);
  o["payment_id"] = p.id;
  o["payment_link_id"] = text_or_null(s.payment_link_id);
  o["redirect_url"] = waiting(status) ? redirect_url(p) : json::value(nullptr);
  o["qr_image_url"] = waiting(status) ? qr_image_url(p) : json::value(nullptr);
  o["success_url"] = text_or_null(s.success_url);
  o["cancel_url"] = text_or_null(s.cancel_url);
  o["expires_at"] = core::format_utc_seconds(s.expires_at * kMicros);
  o["created_at"] = core::format_utc_millis(s.created_at_us);
  o["remaining_seconds"] = core::remaining_seconds(status, s.expires_at, now);
  return o;
}

json::object link_checkout_json(const core::CheckoutSession& cs, std::int64_t now) {
  const auto status = core::checkout_status(cs.payment.status, cs.session.expires_at, now);
  json::object o;
  o["session_id"] = cs.session.id;
  o["status"] = core::to_string(status);
  o["redirect_url"] = waiting(status) ? redirect_url(cs.payment) : json::value(nullptr);
  o["qr_image_url"] = waiting(status) ? qr_image_url(cs.payment) : json::value(nullptr);
  o["expires_at"] = core::format_utc_seconds(cs.session.expires_at * kMicros);
  return o;
}

json::object payment_link_json(const store::PaymentLinkRecord& link, std::int64_t now) {
  const auto a = availability(link, now);
  json::object o;
  o["id"] = link.id;
  o["object"] = "payment_link";
  o["livemode"] = link.mode == sdk::Mode::live;
  o["slug"] = link.slug;
  o["status"] = link.active ? "active" : "inactive";
  o["amount"] = link.amount;
  o["currency"] = link.currency;
  o["reference"] = text_or_null(link.reference);
  o["payment_method_types"] = strings(link.payment_method_types);
  o["expires_at"] = expiry(link.expires_at);
  o["usage_limit"] = link.usage_limit ? json::value(*link.usage_limit) : json::value(nullptr);
  o["usage_count"] = link.usage_count;
  o["is_expired"] = a.is_expired;
  o["usage_limit_reached"] = a.usage_limit_reached;
  o["can_pay"] = a.can_pay;
  o["created_at"] = core::format_utc_millis(link.created_at_us);
  o["updated_at"] = core::format_utc_millis(link.updated_at_us);
  return o;
}

json::object public_payment_link_json(const store::PaymentLinkRecord& link, std::int64_t now) {
  const auto a = availability(link, now);
  json::object o;
  o["slug"] = link.slug;
  o["amount"] = link.amount;
  o["currency"] = link.currency;
  o["reference"] = text_or_null(link.reference);
  o["payment_method_types"] = strings(link.payment_method_types);
  o["status"] = link.active ? "active" : "inactive";
  o["expires_at"] = expiry(link.expires_at);
  o["is_expired"] = a.is_expired;
  o["usage_limit_reached"] = a.usage_limit_reached;
  o["can_pay"] = a.can_pay;
  return o;
}

}  // namespace payd::api
