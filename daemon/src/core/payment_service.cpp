#include "core/payment_service.hpp"

#include "core/fault_point.hpp"
#include "core/ids.hpp"
#include "core/outcome_rules.hpp"
#include "core/payment_service_support.hpp"
#include "core/payment_states.hpp"
#include "core/provider_call.hpp"
#include "core/store_failure.hpp"
#include "observability/log.hpp"
#include "payd/sdk/names.hpp"
#include "plugins/connector_registry.hpp"
#include "store/audit_store.hpp"
#include "store/connection_pool.hpp"
#include "store/job_store.hpp"
#include "store/payment_store.hpp"

namespace payd::core {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace detail;
using sdk::PaymentStatus;

namespace {

store::PaymentRecord new_payment(const Caller& caller, const CreatePayment& request,
                                 std::string connector_id, std::chrono::seconds action_ttl) {
  store::PaymentRecord p;
  p.id = new_id("pay");
  p.tenant_id = caller.tenant_id;
  p.mode = caller.mode;
  p.status = PaymentStatus::processing;  // in flight until the outcome is applied
  p.amount = request.amount;
  p.currency = request.currency;
  p.capture_method = request.capture_method;
  p.payment_method_types = request.payment_method_types;
  p.payment_method = payment_method_summary(request.payment_method, request.payment_method_types);
  p.connector_id = std::move(connector_id);
  p.customer_email = request.customer_email;
  p.customer_name = request.customer_name;
  p.description = request.description;
  p.reference = request.reference;
  p.metadata = request.metadata;
  p.return_url = request.return_url;
  p.cancel_url = request.cancel_url;
  for (const auto& li : request.line_items) {
    json::object o;
    o["name"] = li.name;
    o["unit_amount"] = li.unit_amount;
    o["quantity"] = li.quantity;
    if (!li.sku.empty()) o["sku"] = li.sku;
    p.line_items.push_back(std::move(o));
  }
  // Kept only while the payment waits for the customer (see outcome_rules).
  p.expires_at = unix_now() + action_ttl.count();
  return p;
}

store::AttemptRecord routed_attempt(const store::PaymentRecord& p, const RoutingDecision& d,
                                    std::string_view why) {
  auto a = new_attempt(p, sdk::Operation::authorize, p.amount);
  auto routing = d.to_json();
  routing["chosen"] = p.connector_id;
  routing["why"] = why;
  a.routing = std::move(routing);
  return a;
}

// The payment as another writer left it, when the optimistic version check lost.
store::PaymentRecord reload_payment(store::Tx& tx, const store::PaymentRecord& mine) {
  auto current = store::lock_payment(tx, mine.tenant_id, mine.mode, mine.id);
  if (!current) throw std::runtime_error("payment vanished");
  return std::move(*current);
}

// With the outcome committed, the in-flight job written before the call is either
// brought forward (the answer was uncertain) or no longer needed.
void settle_sync_job(store::Tx& tx, const store::PaymentRecord& p, bool needs_sync) {
  if (needs_sync) {
    store::schedule_job(tx, p.tenant_id, store::JobKind::sync_payment, p.id, kFirstSyncDelay);
  } else {
    store::cancel_job(tx, store::JobKind::sync_payment, p.id);
  }
}

// The audit row of an operation on a payment: what was asked, never the payment method.
core::AuditEntry payment_audit(const Caller& caller, std::string action,
                               const store::PaymentRecord& p, std::int64_t amount,
                               AuditOutcome outcome = AuditOutcome::success) {
  auto e = audit_of(caller, std::move(action), "payment:" + p.id, outcome);
  e.details["amount"] = amount;
  e.details["currency"] = p.currency;
  e.details["connector"] = p.connector_id;
  return e;
}

void log_refused_status(const PaymentUpdate& update) {
  if (!update.refused_status) return;
  obs::log_warn("plugin reported a status the state machine forbids")
      .str("payment", update.payment.id)
      .str("connector", update.payment.connector_id)
      .str("status", sdk::to_string(*update.refused_status));
}

}  // namespace

PaymentService::PaymentService(store::ConnectionPool& pool,
                               const plugins::ConnectorRegistry& connectors,
                               plugins::ExecutorPool& executors, const Router& router,
                               PaymentsOptions options)
    : pool_(pool),
      connectors_(connectors),
      executors_(executors),
      router_(router),
      options_(options) {}

asio::awaitable<Result<PaymentSnapshot, http::ApiError>> PaymentService::create(
    Caller caller, CreatePayment request) {
  RouteQuery query;
  query.mode = caller.mode;
  query.tenant_name = caller.tenant_name;
  query.amount = request.amount;
  query.currency = request.currency;
  query.payment_method_types = request.payment_method_types;
  query.capture_method = request.capture_method;
  query.connector_hint = request.connector;
  query.country = request.country;
  query.metadata = request.metadata;
  auto decision = router_.decide(query);
  if (!decision) co_return fail(decision.error());

  auto payment = new_payment(caller, request, decision->candidates.front(), options_.action_ttl);
  std::vector<store::AttemptRecord> attempts;
  attempts.push_back(
      routed_attempt(payment, *decision, "first candidate of rule " + decision->rule));

  // 1. The intent, before any provider call.
  auto written = co_await pool_.transact([&](store::Tx& tx) {
    store::insert_payment(tx, payment);
    store::insert_attempt(tx, attempts.back());
    store::insert_event(tx, payment_event(payment, "payment.created"));
    // Before any provider call: no money moves unless the audit row is committed.
    (void)store::append_audit(tx, payment_audit(caller, "payment.created", payment, payment.amount));
    // Should payd die before the outcome is committed, this job asks the provider.
    store::schedule_job(tx, payment.tenant_id, store::JobKind::sync_payment, payment.id,
                        options_.in_flight_timeout);
    mark_idempotent_resource(tx, caller, "payment", payment.id);
  });
  if (!written) co_return fail(store_failure(written.error(), caller.request_id));

  // 2. Each candidate in turn, while the provider was certainly never reached.
  sdk::Outcome outcome;
  for (std::size_t candidate = 0;; ++candidate) {
    sdk::OperationInput input;
    input.payment = payment_view(payment);
    input.payment.payment_method = request.payment_method;  // in memory only
    input.payment.hosted_checkout = request.hosted_checkout;
    input.amount = payment.amount;
    outcome = co_await call_provider(connectors_, executors_, sdk::Operation::authorize,
                                     std::move(input), attempts.back());
    co_await fault_point("after_provider_call");
    const bool can_fail_over =
        candidate + 1 < decision->candidates.size() &&
        (outcome.kind == sdk::OutcomeKind::not_attempted ||
         (outcome.kind == sdk::OutcomeKind::declined && decision->failover_on_decline));
    if (!can_fail_over) break;
    const std::string from = payment.connector_id;
    payment.connector_id = decision->candidates[candidate + 1];
    auto next = routed_attempt(
        payment, *decision,
        "failover after " + std::string(sdk::to_string(outcome.kind)) + " on " + from);
    auto step = co_await pool_.transact([&](store::Tx& tx) {
      store::finish_attempt(tx, attempts.back());
      store::insert_attempt(tx, next);
      if (!store::update_payment(tx, payment)) {
        throw std::runtime_error("payment changed during failover");
      }
    });
    if (!step) co_return fail(store_failure(step.error(), caller.request_id));
    attempts.push_back(std::move(next));
  }

  // 3. The outcome, in one transaction with its events and the reconciliation jobs.
  auto update = apply_payment_outcome(payment, PaymentStatus::processing, sdk::Operation::authorize,
                                      outcome, payment.amount);
  log_refused_status(update);
  auto after = update.payment;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    store::finish_attempt(tx, attempts.back());
    if (!store::update_payment(tx, after)) {
      // The reconciler decided first (this call outlived in_flight_timeout): it wins.
      after = reload_payment(tx, after);
      return;
    }
    if (update.status_changed || after.status == PaymentStatus::processing) {
      store::insert_event(tx, payment_event(after));
    }
    if (after.status == PaymentStatus::failed) {
      (void)store::append_audit(tx, payment_audit(caller, "payment.failed", after, after.amount,
                                                  AuditOutcome::failure));
    }
    settle_sync_job(tx, after, update.needs_sync);
    if (after.status == PaymentStatus::requires_action) {
      store::schedule_job(tx, after.tenant_id, store::JobKind::expire_payment, after.id,
                          options_.action_ttl);
    }
  });
  if (!applied) {
    co_return fail(store_failure_after_call(applied.error(), caller.request_id,
                                            "/api/v1/payments/" + after.id));
  }
  co_return PaymentSnapshot{std::move(after), std::move(attempts)};
}

asio::awaitable<Result<PaymentSnapshot, http::ApiError>> PaymentService::get(Caller caller,
                                                                             std::string id) {
  if (!looks_like_id(id, "pay")) co_return fail(payment_not_found(id));
  std::optional<PaymentSnapshot> found;
  auto r = co_await pool_.read_once([&](store::Tx& tx) {
    auto p = store::find_payment_with_attempts(tx, caller.tenant_id, caller.mode, id);
    if (p) found = PaymentSnapshot{std::move(p->payment), std::move(p->attempts)};
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  if (!found) co_return fail(payment_not_found(id));
  co_return std::move(*found);
}

asio::awaitable<Result<PaymentPage, http::ApiError>> PaymentService::list(
    Caller caller, store::PaymentFilter filter, std::optional<store::ListPosition> after,
    unsigned limit) {
  limit = page_limit(limit);
  PaymentPage page;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    page.items = store::list_payments(tx, caller.tenant_id, caller.mode, filter, after, limit + 1);
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  page.has_more = trim_page(page.items, limit);
  co_return page;
}

asio::awaitable<Result<PaymentSnapshot, http::ApiError>> PaymentService::capture(
    Caller caller, std::string id, std::optional<std::int64_t> amount) {
  co_return co_await follow_up(std::move(caller), std::move(id), sdk::Operation::capture, amount);
}

asio::awaitable<Result<PaymentSnapshot, http::ApiError>> PaymentService::cancel(Caller caller,
                                                                                std::string id) {
  co_return co_await follow_up(std::move(caller), std::move(id), sdk::Operation::cancel,
                               std::nullopt);
}

// Capture and cancel: check and mark in flight under the row lock, call, apply.
asio::awaitable<Result<PaymentSnapshot, http::ApiError>> PaymentService::follow_up(
    Caller caller, std::string id, sdk::Operation op, std::optional<std::int64_t> amount) {
  if (!looks_like_id(id, "pay")) co_return fail(payment_not_found(id));
  std::optional<http::ApiError> refused;
  store::PaymentRecord payment;
  PaymentStatus prior = PaymentStatus::processing;
  std::int64_t op_amount = 0;
  store::AttemptRecord attempt;
  bool sync_first = false;
  auto begin = [&](store::Tx& tx) {
    auto p = store::lock_payment(tx, caller.tenant_id, caller.mode, id);
    if (!p) {
      refused = payment_not_found(id);
      return;
    }
    if (!sync_first && payment_uncertain(tx, *p, options_.in_flight_timeout)) {
      sync_first = true;  // ask the provider before acting on a guess
      return;
    }
    const auto* connector = connectors_.find(p->connector_id);
    if (op == sdk::Operation::capture) {
      op_amount = amount.value_or(p->amount_capturable);
      if (auto ok = check_capture(p->status, p->amount_capturable, op_amount); !ok) {
        refused = ok.error();
        return;
      }
      if (connector != nullptr && op_amount < p->amount_capturable &&
          !connector->info().capabilities.partial_capture) {
        refused = capability_missing(p->connector_id,
                                     "cannot capture part of a payment; capture all of it",
                                     std::string("amount"));
        return;
      }
    } else if (auto ok = check_cancel(p->status); !ok) {
      refused = ok.error();
      return;
    }
    if (connector == nullptr || connector->provider() == nullptr ||
        !connector->info().capabilities.supports(op)) {
      refused = capability_missing(p->connector_id,
                                   "cannot " + std::string(sdk::to_string(op)) + " payments");
      return;
    }
    prior = p->status;
    payment = std::move(*p);
    payment.status = PaymentStatus::processing;  // in flight: a concurrent operation gets 409
    if (!store::update_payment(tx, payment)) throw std::runtime_error("payment changed under lock");
    attempt = new_attempt(payment, op,
                          op == sdk::Operation::capture ? std::optional(op_amount) : std::nullopt);
    store::insert_attempt(tx, attempt);
    store::schedule_job(tx, payment.tenant_id, store::JobKind::sync_payment, payment.id,
                        options_.in_flight_timeout);
    (void)store::append_audit(
        tx, payment_audit(caller,
                          op == sdk::Operation::capture ? "payment.captured" : "payment.canceled",
                          payment, op == sdk::Operation::capture ? op_amount : payment.amount));
    mark_idempotent_resource(tx, caller, "payment", payment.id);
  };
  auto begun = co_await pool_.transact(begin);
  if (begun && sync_first && !refused) {
    auto synced = co_await sync_payment(caller.tenant_id, id);
    obs::log_info("synced an uncertain payment before a follow-up")
        .str("payment", id)
        .str("operation", sdk::to_string(op))
        .str("result", synced.note);
    begun = co_await pool_.transact(begin);
  }
  if (!begun) co_return fail(store_failure(begun.error(), caller.request_id));
  if (refused) co_return fail(std::move(*refused));

  sdk::OperationInput input;
  input.payment = payment_view(payment);
  input.amount = op_amount;
  auto outcome = co_await call_provider(connectors_, executors_, op, std::move(input), attempt);
  co_await fault_point("after_provider_call");

  auto update = apply_payment_outcome(payment, prior, op, outcome, op_amount);
  log_refused_status(update);
  auto after = update.payment;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    store::finish_attempt(tx, attempt);
    if (!store::update_payment(tx, after)) {
      after = reload_payment(tx, after);  // the reconciler decided first
      return;
    }
    if (update.status_changed || after.status != prior) {
      store::insert_event(tx, payment_event(after));
    }
    settle_sync_job(tx, after, update.needs_sync);
  });
  if (!applied) {
    co_return fail(store_failure_after_call(applied.error(), caller.request_id,
                                            "/api/v1/payments/" + after.id));
  }
  co_return co_await get(std::move(caller), after.id);
}

}  // namespace payd::core
