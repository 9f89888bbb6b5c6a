// PaymentService: refunds. The amount is reserved on the payment under its row lock, so
// concurrent refunds queue there and can never together exceed what was received; a
// refund that fails gives its reservation back.
#include "core/fault_point.hpp"
#include "core/ids.hpp"
#include "core/outcome_rules.hpp"
#include "core/payment_service.hpp"
#include "core/payment_service_support.hpp"
#include "core/payment_states.hpp"
#include "core/provider_call.hpp"
#include "core/store_failure.hpp"
#include "plugins/connector_registry.hpp"
#include "store/audit_store.hpp"
#include "store/connection_pool.hpp"
#include "store/job_store.hpp"
#include "store/payment_store.hpp"

namespace payd::core {

namespace asio = boost::asio;
using namespace detail;

namespace {

// Why the payment's connector cannot take this refund, if it cannot.
std::optional<http::ApiError> refund_capability(const plugins::Connector* connector,
                                                const store::PaymentRecord& p,
                                                std::int64_t amount) {
  if (connector == nullptr || connector->provider() == nullptr ||
      !connector->info().capabilities.supports(sdk::Operation::refund)) {
    return capability_missing(p.connector_id, "cannot refund payments");
  }
  const auto& caps = connector->info().capabilities;
  if (amount < p.amount_received && !caps.partial_refunds) {
    return capability_missing(p.connector_id, "cannot refund part of a payment",
                              std::string("amount"));
  }
  if (p.amount_refunded > 0 && !caps.multiple_refunds) {
    return capability_missing(p.connector_id, "allows one refund per payment");
  }
  return std::nullopt;
}

core::AuditEntry refund_audit(const Caller& caller, std::string action,
                              const store::RefundRecord& r,
                              AuditOutcome outcome = AuditOutcome::success) {
  auto e = audit_of(caller, std::move(action), "refund:" + r.id, outcome);
  e.details["payment_id"] = r.payment_id;
  e.details["amount"] = r.amount;
  e.details["currency"] = r.currency;
  return e;
}

}  // namespace

asio::awaitable<Result<store::RefundRecord, http::ApiError>> PaymentService::refund(
    Caller caller, CreateRefund request) {
  auto not_found = [&] {
    auto e = payment_not_found(request.payment_id);
    e.param = "payment_id";
    return e;
  };
  if (!looks_like_id(request.payment_id, "pay")) co_return fail(not_found());
  std::optional<http::ApiError> refused;
  store::PaymentRecord payment;
  store::RefundRecord refund;
  store::AttemptRecord attempt;
  bool sync_first = false;
  auto begin = [&](store::Tx& tx) {
    auto p = store::lock_payment(tx, caller.tenant_id, caller.mode, request.payment_id);
    if (!p) {
      refused = not_found();
      return;
    }
    if (!sync_first && payment_uncertain(tx, *p, options_.in_flight_timeout)) {
      sync_first = true;  // a capture may have happened: ask before refusing or refunding
      return;
    }
    const std::int64_t amount = request.amount.value_or(p->amount_received - p->amount_refunded);
    if (auto ok = check_refund(p->status, p->amount_received, p->amount_refunded, amount); !ok) {
      refused = ok.error();
      return;
    }
    if ((refused = refund_capability(connectors_.find(p->connector_id), *p, amount))) return;
    auto reserved = store::reserve_refund(tx, caller.tenant_id, caller.mode, p->id, amount);
    if (!reserved) throw std::runtime_error("refund reservation refused under lock");
    payment = std::move(*reserved);
    refund.id = new_id("re");
    refund.tenant_id = caller.tenant_id;
    refund.mode = caller.mode;
    refund.payment_id = payment.id;
    refund.amount = amount;
    refund.currency = payment.currency;
    refund.reason = request.reason;
    refund.status = sdk::RefundStatus::pending;
    refund.connector_id = payment.connector_id;
    refund.metadata = request.metadata;
    store::insert_refund(tx, refund);
    attempt = new_attempt(payment, sdk::Operation::refund, amount);
    attempt.refund_id = refund.id;
    store::insert_attempt(tx, attempt);
    store::insert_event(tx, refund_event(refund, "refund.created"));
    // Before the provider call: no refund is sent unless its audit row is committed.
    (void)store::append_audit(tx, refund_audit(caller, "refund.created", refund));
    // Should payd die before the outcome is committed, this job asks the provider.
    store::schedule_job(tx, refund.tenant_id, store::JobKind::sync_refund, refund.id,
                        options_.in_flight_timeout);
    mark_idempotent_resource(tx, caller, "refund", refund.id);
  };
  auto begun = co_await pool_.transact(begin);
  if (begun && sync_first && !refused) {
    (void)co_await sync_payment(caller.tenant_id, request.payment_id);
    begun = co_await pool_.transact(begin);
  }
  if (!begun) co_return fail(store_failure(begun.error(), caller.request_id));
  if (refused) co_return fail(std::move(*refused));

  sdk::OperationInput input;
  input.payment = payment_view(payment);
  // What was refunded before this refund: the reservation is payd's bookkeeping.
  input.payment.amount_refunded -= refund.amount;
  input.refund = sdk::RefundView{refund.id, refund.amount, refund.reason, {}};
  input.amount = refund.amount;
  auto outcome = co_await call_provider(connectors_, executors_, sdk::Operation::refund,
                                        std::move(input), attempt);
  co_await fault_point("after_provider_call");

  auto update = apply_refund_outcome(refund, outcome);
  auto after = update.refund;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    store::finish_attempt(tx, attempt);
    if (!store::update_refund(tx, after)) {
      // The reconciler decided first (this call outlived in_flight_timeout): it wins.
      auto current = store::find_refund(tx, after.tenant_id, after.mode, after.id);
      if (!current) throw std::runtime_error("refund vanished");
      after = std::move(*current);
      return;
    }
    if (update.release_reservation) {
      store::release_refund(tx, after.tenant_id, after.payment_id, after.amount);
    }
    if (after.status != refund.status) store::insert_event(tx, refund_event(after));
    if (after.status == sdk::RefundStatus::failed) {
      (void)store::append_audit(tx,
                                refund_audit(caller, "refund.failed", after, AuditOutcome::failure));
    }
    if (update.needs_sync) {
      store::schedule_job(tx, after.tenant_id, store::JobKind::sync_refund, after.id,
                          kFirstSyncDelay);
    } else {
      store::cancel_job(tx, store::JobKind::sync_refund, after.id);
    }
  });
  if (!applied) {
    co_return fail(store_failure_after_call(applied.error(), caller.request_id,
                                            "/api/v1/refunds/" + after.id));
  }
  co_return after;
}

asio::awaitable<Result<store::RefundRecord, http::ApiError>> PaymentService::get_refund(
    Caller caller, std::string id) {
  if (!looks_like_id(id, "re")) co_return fail(refund_not_found(id));
  std::optional<store::RefundRecord> found;
  auto r = co_await pool_.transact(
      [&](store::Tx& tx) { found = store::find_refund(tx, caller.tenant_id, caller.mode, id); });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  if (!found) co_return fail(refund_not_found(id));
  co_return std::move(*found);
}

asio::awaitable<Result<RefundPage, http::ApiError>> PaymentService::list_refunds(
    Caller caller, std::string payment_id, std::optional<store::ListPosition> after,
    unsigned limit) {
  limit = page_limit(limit);
  RefundPage page;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    page.items =
        store::list_refunds(tx, caller.tenant_id, caller.mode, payment_id, after, limit + 1);
  });
  if (!r) co_return fail(store_failure(r.error(), caller.request_id));
  page.has_more = trim_page(page.items, limit);
  co_return page;
}

}  // namespace payd::core
