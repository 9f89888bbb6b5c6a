// PaymentService: reconciliation. A payment is `processing` when payd does not know what
// the provider did: the answer was `unknown` or `pending`, or payd died between the
// provider call and the commit. These steps ask the provider and apply its answer with
// the same state table and events as a live operation; an attempt records each question.
#include <boost/asio/this_coro.hpp>

#include "core/outcome_rules.hpp"
#include "core/payment_service.hpp"
#include "core/payment_service_support.hpp"
#include "core/provider_call.hpp"
#include "observability/log.hpp"
#include "payd/sdk/names.hpp"
#include "plugins/connector_registry.hpp"
#include "store/connection_pool.hpp"
#include "store/job_store.hpp"
#include "store/payment_store.hpp"

namespace payd::core {

namespace asio = boost::asio;
using namespace detail;
using sdk::PaymentStatus;

namespace {

// A payment that is re-offered to the customer gets its expiry checked again no sooner
// than this, so a provider that refuses to cancel is not asked every second.
constexpr std::chrono::seconds kExpiryRecheck{60};

Reconciled settled(std::string note) {
  return Reconciled{true, std::move(note), {}};
}
Reconciled retry(std::string note, std::chrono::seconds after = {}) {
  return Reconciled{false, std::move(note), after};
}

std::string store_note(const store::StoreError& e) {
  return "store: " + std::string(store::to_string(e.kind)) + ": " + e.detail;
}

bool can(const plugins::ConnectorRegistry& connectors, const std::string& id, sdk::Operation op) {
  const auto* c = connectors.find(id);
  return c != nullptr && c->provider() != nullptr && c->info().capabilities.supports(op);
}

}  // namespace

asio::awaitable<Reconciled> PaymentService::sync_payment(std::string tenant_id, std::string id) {
  store::PaymentRecord payment;
  store::AttemptRecord attempt;
  std::optional<Reconciled> done;
  auto begun = co_await pool_.transact([&](store::Tx& tx) {
    auto p = store::lock_payment_any_mode(tx, tenant_id, id);
    if (!p) {
      done = settled("payment not found");
      return;
    }
    if (p->status != PaymentStatus::processing) {
      done = settled("already " + std::string(sdk::to_string(p->status)));
      return;
    }
    if (!can(connectors_, p->connector_id, sdk::Operation::sync)) {
      done = retry("connector '" + p->connector_id + "' cannot sync payments");
      return;
    }
    payment = std::move(*p);
    attempt = new_attempt(payment, sdk::Operation::sync, std::nullopt);
    store::insert_attempt(tx, attempt);
  });
  if (!begun) co_return retry(store_note(begun.error()));
  if (done) co_return std::move(*done);

  sdk::OperationInput input;
  input.payment = payment_view(payment);
  auto outcome = co_await call_provider(connectors_, executors_, sdk::Operation::sync,
                                        std::move(input), attempt);

  auto update =
      apply_payment_outcome(payment, PaymentStatus::processing, sdk::Operation::sync, outcome, 0);
  auto after = update.payment;
  bool overtaken = false;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    store::finish_attempt(tx, attempt);
    auto current = store::lock_payment_any_mode(tx, tenant_id, id);
    // The original operation's answer (or another daemon's sync) landed first: it wins.
    if (!current || current->version != payment.version) {
      overtaken = true;
      after = current ? std::move(*current) : payment;
      return;
    }
    if (!store::update_payment(tx, after)) throw std::runtime_error("payment changed under lock");
    if (after.status != PaymentStatus::processing) {
      store::abandon_attempts(tx, tenant_id, id, attempt.id, options_.in_flight_timeout);
      store::cancel_job(tx, store::JobKind::sync_payment, id);
    }
    if (update.status_changed) store::insert_event(tx, payment_event(after));
    if (after.status == PaymentStatus::requires_action) {
      // Back with the customer (an expiry's cancel was refused, or 3-D Secure came late):
      // check the expiry again, but not at once if it has already passed.
      const auto wait = after.expires_at ? std::max<std::int64_t>(*after.expires_at - unix_now(),
                                                                  kExpiryRecheck.count())
                                         : options_.action_ttl.count();
      store::schedule_job(tx, after.tenant_id, store::JobKind::expire_payment, after.id,
                          std::chrono::seconds(wait));
    }
  });
  if (!applied) co_return retry(store_note(applied.error()));
  const std::string status(sdk::to_string(after.status));
  if (overtaken) co_return settled("answered meanwhile: " + status);
  if (after.status == PaymentStatus::processing) {
    co_return retry("provider answered " + std::string(sdk::to_string(outcome.kind)) +
                    "; still processing");
  }
  obs::log_info("payment reconciled")
      .str("payment", after.id)
      .str("connector", after.connector_id)
      .str("status", status);
  co_return settled("synced: " + status);
}

asio::awaitable<Reconciled> PaymentService::sync_refund(std::string tenant_id, std::string id) {
  store::PaymentRecord payment;
  store::RefundRecord refund;
  store::AttemptRecord attempt;
  std::optional<Reconciled> done;
  auto begun = co_await pool_.transact([&](store::Tx& tx) {
    auto r = store::lock_refund_any_mode(tx, tenant_id, id);
    if (!r) {
      done = settled("refund not found");
      return;
    }
    if (r->status != sdk::RefundStatus::pending) {
      done = settled("already " + std::string(sdk::to_string(r->status)));
      return;
    }
    auto p = store::lock_payment_any_mode(tx, tenant_id, r->payment_id);
    if (!p) throw std::runtime_error("refund without its payment");
    if (!can(connectors_, r->connector_id, sdk::Operation::sync_refund)) {
      done = retry("connector '" + r->connector_id + "' cannot sync refunds");
      return;
    }
    refund = std::move(*r);
    payment = std::move(*p);
    attempt = new_attempt(payment, sdk::Operation::sync_refund, refund.amount);
    attempt.connector_id = refund.connector_id;
    attempt.refund_id = refund.id;
    store::insert_attempt(tx, attempt);
  });
  if (!begun) co_return retry(store_note(begun.error()));
  if (done) co_return std::move(*done);

  sdk::OperationInput input;
  input.payment = payment_view(payment);
  input.payment.amount_refunded -= refund.amount;  // as the refund itself saw it
  input.refund = sdk::RefundView{refund.id, refund.amount, refund.reason, refund.provider_ref};
  input.amount = refund.amount;
  auto outcome = co_await call_provider(connectors_, executors_, sdk::Operation::sync_refund,
                                        std::move(input), attempt);

  auto update = apply_refund_outcome(refund, outcome);
  auto after = update.refund;
  bool overtaken = false;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    store::finish_attempt(tx, attempt);
    auto current = store::lock_refund_any_mode(tx, tenant_id, id);
    if (!current || current->version != refund.version) {
      overtaken = true;
      after = current ? std::move(*current) : refund;
      return;
    }
    if (!store::update_refund(tx, after)) throw std::runtime_error("refund changed under lock");
    if (update.release_reservation) {
      store::release_refund(tx, after.tenant_id, after.payment_id, after.amount);
    }
    if (after.status != refund.status) store::insert_event(tx, refund_event(after));
  });
  if (!applied) co_return retry(store_note(applied.error()));
  const std::string status(sdk::to_string(after.status));
  if (overtaken) co_return settled("answered meanwhile: " + status);
  if (after.status == sdk::RefundStatus::pending) co_return retry("refund still pending");
  obs::log_info("refund reconciled").str("refund", after.id).str("status", status);
  co_return settled("synced: " + status);
}

asio::awaitable<Reconciled> PaymentService::expire_payment(std::string tenant_id, std::string id) {
  store::PaymentRecord payment;
  store::AttemptRecord attempt;
  bool cancel_at_provider = false;
  std::optional<Reconciled> done;
  auto begun = co_await pool_.transact([&](store::Tx& tx) {
    auto p = store::lock_payment_any_mode(tx, tenant_id, id);
    if (!p || p->status != PaymentStatus::requires_action) {
      done = settled(p ? "already " + std::string(sdk::to_string(p->status)) : "payment not found");
      return;
    }
    const auto now = unix_now();
    if (p->expires_at && *p->expires_at > now) {
      done = retry("not yet expired", std::chrono::seconds(*p->expires_at - now));
      return;
    }
    payment = std::move(*p);
    cancel_at_provider = can(connectors_, payment.connector_id, sdk::Operation::cancel);
    if (!cancel_at_provider) {
      // The provider got expires_at with the payment and lets its own session lapse.
      payment.status = PaymentStatus::expired;
      payment.next_action = nullptr;
      payment.expires_at.reset();
      if (!store::update_payment(tx, payment)) throw std::runtime_error("payment changed");
      store::insert_event(tx, payment_event(payment));
      done = settled("expired");
      return;
    }
    // Cancel first, so a customer cannot pay an expired payment; processing while the
    // cancel is in flight, with a sync job in case payd dies before the answer.
    payment.status = PaymentStatus::processing;
    if (!store::update_payment(tx, payment)) throw std::runtime_error("payment changed");
    attempt = new_attempt(payment, sdk::Operation::cancel, std::nullopt);
    store::insert_attempt(tx, attempt);
    store::schedule_job(tx, payment.tenant_id, store::JobKind::sync_payment, payment.id,
                        options_.in_flight_timeout);
  });
  if (!begun) co_return retry(store_note(begun.error()));
  if (done) co_return std::move(*done);

  sdk::OperationInput input;
  input.payment = payment_view(payment);
  auto outcome = co_await call_provider(connectors_, executors_, sdk::Operation::cancel,
                                        std::move(input), attempt);

  // A cancelled action is an expired payment; any other answer leaves the payment
  // `processing` for a sync to find out what the customer did.
  auto after = payment;
  const bool canceled = outcome.kind == sdk::OutcomeKind::processed;
  if (canceled) {
    after.status = PaymentStatus::expired;
    after.next_action = nullptr;
    after.expires_at.reset();
    after.amount_capturable = 0;
    if (outcome.state) after.plugin_state = *outcome.state;
  }
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    store::finish_attempt(tx, attempt);
    if (!canceled) {
      store::schedule_job(tx, payment.tenant_id, store::JobKind::sync_payment, payment.id,
                          std::chrono::seconds(0));
      return;
    }
    if (!store::update_payment(tx, after)) return;  // a sync got there first
    store::cancel_job(tx, store::JobKind::sync_payment, after.id);
    store::insert_event(tx, payment_event(after));
  });
  if (!applied) co_return retry(store_note(applied.error()));
  if (!canceled) {
    co_return settled("provider did not cancel (" + std::string(sdk::to_string(outcome.kind)) +
                      "); syncing");
  }
  obs::log_info("payment expired").str("payment", after.id).str("connector", after.connector_id);
  co_return settled("expired");
}

}  // namespace payd::core
