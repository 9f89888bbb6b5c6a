#include "core/checkout_service.hpp"

#include <algorithm>

#include "core/checkout_rules.hpp"
#include "core/ids.hpp"
#include "core/payment_service_support.hpp"
#include "core/store_failure.hpp"
#include "payd/sdk/names.hpp"
#include "store/audit_store.hpp"
#include "store/connection_pool.hpp"
#include "store/idempotency_store.hpp"
#include "store/payment_store.hpp"

namespace payd::core {

namespace asio = boost::asio;

namespace {

http::ApiError session_not_found(std::string_view id) {
  return http::ApiError::not_found("No checkout session '" + std::string(id) + "' exists.");
}

bool reached_provider(const std::vector<store::AttemptRecord>& attempts) {
  return std::any_of(attempts.begin(), attempts.end(), [](const store::AttemptRecord& a) {
    return a.outcome != sdk::OutcomeKind::not_attempted;
  });
}

store::EventRecord session_event(const store::CheckoutSessionRecord& s,
                                 const store::PaymentRecord& p) {
  store::EventRecord e;
  e.id = new_id("evt");
  e.tenant_id = s.tenant_id;
  e.mode = s.mode;
  e.type = "checkout.session.created";
  e.object_type = "checkout_session";
  e.object_id = s.id;
  e.data["payment_id"] = p.id;
  e.data["payment_status"] = sdk::to_string(p.status);
  e.data["amount"] = p.amount;
  e.data["currency"] = p.currency;
  if (!s.payment_link_id.empty()) e.data["payment_link_id"] = s.payment_link_id;
  return e;
}

}  // namespace

CheckoutService::CheckoutService(store::ConnectionPool& pool, PaymentService& payments,
                                 CheckoutOptions options)
    : pool_(pool), payments_(payments), options_(options) {}

asio::awaitable<Result<CheckoutSession, http::ApiError>> CheckoutService::create(
    Caller caller, CreateCheckoutSession request) {
  auto payment_request = std::move(request.payment);
  payment_request.hosted_checkout = true;
  payment_request.return_url = request.success_url;
  payment_request.cancel_url = request.cancel_url;
  auto payment_caller = caller;
  auto created = co_await payments_.create(std::move(payment_caller), std::move(payment_request));
  if (!created) co_return fail(std::move(created).error());

  CheckoutSession out;
  out.payment = std::move(created->payment);
  out.provider_reached = reached_provider(created->attempts);
  auto& s = out.session;
  s.id = new_id("cs");
  s.tenant_id = caller.tenant_id;
  s.mode = caller.mode;
  s.payment_id = out.payment.id;
  s.payment_link_id = std::move(request.payment_link_id);
  s.success_url = std::move(request.success_url);
  s.cancel_url = std::move(request.cancel_url);
  // The payment's own expiry while it waits for the customer; a payment that no longer
  // waits has none, and the session keeps the same lifetime from now.
  s.expires_at = out.payment.expires_at.value_or(detail::unix_now() + options_.action_ttl.count());

  auto written = co_await pool_.transact([&](store::Tx& tx) {
    store::insert_checkout_session(tx, s);
    store::insert_event(tx, session_event(s, out.payment));
    auto audit = detail::audit_of(caller, "checkout.session.created", "checkout_session:" + s.id);
    audit.details["payment_id"] = s.payment_id;
    if (!s.payment_link_id.empty()) audit.details["payment_link_id"] = s.payment_link_id;
    (void)store::append_audit(tx, audit);
    store::mark_idempotency_resource(tx, caller.tenant_id, caller.mode, caller.idempotency_key,
                                     "checkout_session", s.id);
  });
  if (!written) co_return fail(store_failure(written.error(), caller.request_id));
  co_return out;
}

asio::awaitable<Result<CheckoutSession, http::ApiError>> CheckoutService::get(Caller caller,
                                                                              std::string id) {
  if (!looks_like_id(id, "cs")) co_return fail(session_not_found(id));
  std::optional<CheckoutSession> found;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    auto s = store::find_checkout_session(tx, caller.tenant_id, caller.mode, id);
    if (!s) return;
    auto p = store::find_payment(tx, caller.tenant_id, caller.mode, s->payment_id);
    if (!p) throw std::runtime_error("checkout session without its payment");
    found = CheckoutSession{std::move(*s), std::move(*p), true};
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  if (!found) co_return fail(session_not_found(id));
  co_return std::move(*found);
}

}  // namespace payd::core
