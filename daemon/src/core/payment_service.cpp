#include "core/payment_service.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/value_from.hpp>

#include "core/ids.hpp"
#include "core/outcome_rules.hpp"
#include "core/payment_states.hpp"
#include "observability/log.hpp"
#include "payd/sdk/names.hpp"
#include "plugins/connector_registry.hpp"
#include "plugins/executor_pool.hpp"
#include "store/connection_pool.hpp"
#include "store/idempotency_store.hpp"
#include "store/job_store.hpp"
#include "store/payment_store.hpp"

namespace payd::core {

namespace asio = boost::asio;
namespace json = boost::json;
using sdk::PaymentStatus;

namespace {

constexpr std::chrono::seconds kFirstSync{10};
constexpr unsigned kMaxListPage = 100;

http::ApiError payment_not_found(std::string_view id) {
  return http::ApiError::not_found("No payment '" + std::string(id) + "' exists.");
}

http::ApiError refund_not_found(std::string_view id) {
  return http::ApiError::not_found("No refund '" + std::string(id) + "' exists.");
}

http::ApiError store_failed(const store::StoreError& e, std::string_view request_id) {
  obs::log_error("store call failed")
      .str("request_id", request_id)
      .str("kind", store::to_string(e.kind))
      .str("detail", e.detail);
  if (e.kind == store::StoreError::Kind::unavailable) {
    return http::ApiError::unavailable(
        "The database is unavailable; nothing was changed. Retry after the indicated delay.", 2);
  }
  if (e.kind == store::StoreError::Kind::overloaded) {
    return http::ApiError::unavailable("payd is overloaded; retry after the indicated delay.", 1);
  }
  if (e.kind == store::StoreError::Kind::in_doubt) {
    return {503,
            http::ErrorType::api,
            "SERVICE_UNAVAILABLE",
            "The database connection was lost while committing; retry with the same "
            "Idempotency-Key to learn the result.",
            {},
            2U};
  }
  return http::ApiError::internal();
}

// The card summary kept on the payment: never the number itself.
json::value payment_method_summary(const CreatePayment& r) {
  if (r.payment_method.empty()) return nullptr;
  json::object o;
  std::string digits;
  for (char c : r.payment_method) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.size() >= 12 && digits.size() == r.payment_method.size()) {
    o["type"] = "card";
    o["last4"] = digits.substr(digits.size() - 4);
  } else {
    o["type"] = r.payment_method_types.empty() ? "card" : r.payment_method_types.front();
    o["id"] = r.payment_method;
  }
  return o;
}

sdk::PaymentView view_of(const store::PaymentRecord& p) {
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
    if (auto* a = o.if_contains("unit_amount"); a && a->is_int64())
      item.unit_amount = a->as_int64();
    if (auto* q = o.if_contains("quantity"); q && q->is_int64()) item.quantity = q->as_int64();
    if (auto* s = o.if_contains("sku"); s && s->is_string()) item.sku = s->as_string();
    v.line_items.push_back(std::move(item));
  }
  v.expires_at = p.expires_at.value_or(0);
  v.provider_ref = p.provider_ref;
  v.state = p.plugin_state;
  return v;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

store::EventRecord payment_event(const store::PaymentRecord& p, std::string type) {
  store::EventRecord e;
  e.id = new_id("evt");
  e.tenant_id = p.tenant_id;
  e.mode = p.mode;
  e.type = std::move(type);
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
  e.type = std::move(type);
  e.object_type = "refund";
  e.object_id = r.id;
  e.data["status"] = sdk::to_string(r.status);
  e.data["amount"] = r.amount;
  e.data["currency"] = r.currency;
  e.data["payment_id"] = r.payment_id;
  return e;
}

void mark_resource(store::Tx& tx, const Caller& caller, std::string_view type,
                   std::string_view id) {
  if (caller.idempotency_key.empty()) return;
  store::mark_idempotency_resource(tx, caller.tenant_id, sdk::to_string(caller.mode),
                                   caller.idempotency_key, type, id);
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
  auto decision = router_.decide(query);
  if (!decision) co_return fail(decision.error());

  store::PaymentRecord payment;
  payment.id = new_id("pay");
  payment.tenant_id = caller.tenant_id;
  payment.mode = caller.mode;
  payment.status = PaymentStatus::processing;
  payment.amount = request.amount;
  payment.currency = request.currency;
  payment.capture_method = request.capture_method;
  payment.payment_method_types = request.payment_method_types;
  payment.payment_method = payment_method_summary(request);
  payment.connector_id = decision->candidates.front();
  payment.customer_email = request.customer_email;
  payment.customer_name = request.customer_name;
  payment.description = request.description;
  payment.reference = request.reference;
  payment.metadata = request.metadata;
  payment.return_url = request.return_url;
  payment.cancel_url = request.cancel_url;
  for (const auto& li : request.line_items) {
    json::object o;
    o["name"] = li.name;
    o["unit_amount"] = li.unit_amount;
    o["quantity"] = li.quantity;
    if (!li.sku.empty()) o["sku"] = li.sku;
    payment.line_items.push_back(std::move(o));
  }
  payment.expires_at = unix_now() + options_.action_ttl.count();

  std::vector<store::AttemptRecord> attempts;
  auto new_attempt = [&](const std::string& connector_id, std::string why) {
    store::AttemptRecord a;
    a.id = new_id("att");
    a.tenant_id = caller.tenant_id;
    a.payment_id = payment.id;
    a.operation = sdk::Operation::authorize;
    a.connector_id = connector_id;
    // The outbound key: stable for this attempt, so a sync after a crash and a retry of
    // the same exchange are recognised by the provider.
    a.idempotency_key = "payd_" + a.id;
    a.amount = payment.amount;
    auto routing = decision->to_json();
    routing["chosen"] = connector_id;
    routing["why"] = std::move(why);
    a.routing = std::move(routing);
    return a;
  };
  attempts.push_back(
      new_attempt(payment.connector_id, "first candidate of rule " + decision->rule));

  // 1. The intent, before any provider call.
  auto written = co_await pool_.transact([&](store::Tx& tx) {
    store::insert_payment(tx, payment);
    store::insert_attempt(tx, attempts.back());
    store::insert_event(tx, payment_event(payment, "payment.created"));
    mark_resource(tx, caller, "payment", payment.id);
  });
  if (!written) co_return fail(store_failed(written.error(), caller.request_id));

  // 2. Run the plugin on each candidate while it certainly never reached the provider.
  auto& executor = executors_.executor_for(co_await asio::this_coro::executor);
  sdk::Outcome outcome;
  std::size_t candidate = 0;
  for (;;) {
    auto& attempt = attempts.back();
    const auto* connector = connectors_.find(attempt.connector_id);
    const auto* runtime = executors_.runtime(attempt.connector_id);
    if (connector == nullptr || connector->provider() == nullptr || runtime == nullptr) {
      outcome = sdk::Outcome{};
      outcome.kind = sdk::OutcomeKind::not_attempted;
      outcome.error =
          sdk::ErrorInfo{"connector_unavailable", {}, {}, "The connector is not available."};
    } else {
      sdk::OperationInput input;
      input.payment = view_of(payment);
      input.payment.payment_method = request.payment_method;
      input.amount = payment.amount;
      input.idempotency_key = attempt.idempotency_key;
      input.now = unix_now();
      auto run = co_await executor.run(*connector->provider(), sdk::Operation::authorize,
                                       std::move(input), *runtime);
      outcome = std::move(run.outcome);
      attempt.http_exchanges = static_cast<int>(run.http_exchanges);
      attempt.latency_us = run.latency.count();
    }
    attempt.outcome = outcome.kind;
    attempt.error = error_json(outcome.error);

    const bool can_fail_over =
        candidate + 1 < decision->candidates.size() &&
        (outcome.kind == sdk::OutcomeKind::not_attempted ||
         (outcome.kind == sdk::OutcomeKind::declined && decision->failover_on_decline));
    if (!can_fail_over) break;
    ++candidate;
    const std::string next = decision->candidates[candidate];
    auto failed_over =
        new_attempt(next, "failover after " + std::string(sdk::to_string(outcome.kind)) + " on " +
                              attempt.connector_id);
    payment.connector_id = next;
    auto step = co_await pool_.transact([&](store::Tx& tx) {
      store::finish_attempt(tx, attempts.back());
      store::insert_attempt(tx, failed_over);
      if (!store::update_payment(tx, payment))
        throw std::runtime_error("payment changed during failover");
    });
    if (!step) co_return fail(store_failed(step.error(), caller.request_id));
    attempts.push_back(std::move(failed_over));
  }

  // 3. The outcome, in one transaction with its events and the reconciliation job.
  auto update = apply_payment_outcome(payment, PaymentStatus::processing, sdk::Operation::authorize,
                                      outcome, payment.amount);
  if (update.refused_status) {
    obs::log_warn("plugin reported a status the state machine forbids")
        .str("payment", payment.id)
        .str("connector", payment.connector_id)
        .str("status", sdk::to_string(*update.refused_status));
  }
  auto after = update.payment;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    if (!store::update_payment(tx, after)) throw std::runtime_error("payment changed concurrently");
    store::finish_attempt(tx, attempts.back());
    if (update.status_changed || after.status == PaymentStatus::processing) {
      store::insert_event(
          tx, payment_event(after, "payment." + std::string(sdk::to_string(after.status))));
    }
    if (update.needs_sync) {
      store::schedule_job(tx, after.tenant_id, store::JobKind::sync_payment, after.id, kFirstSync);
    }
    if (after.status == PaymentStatus::requires_action) {
      store::schedule_job(tx, after.tenant_id, store::JobKind::expire_payment, after.id,
                          options_.action_ttl);
    }
  });
  if (!applied) co_return fail(store_failed(applied.error(), caller.request_id));
  co_return PaymentSnapshot{std::move(after), std::move(attempts)};
}

asio::awaitable<Result<PaymentSnapshot, http::ApiError>> PaymentService::get(Caller caller,
                                                                             std::string id) {
  if (!looks_like_id(id, "pay")) co_return fail(payment_not_found(id));
  std::optional<PaymentSnapshot> found;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    auto p = store::find_payment(tx, caller.tenant_id, caller.mode, id);
    if (!p) return;
    found = PaymentSnapshot{std::move(*p), store::list_attempts(tx, caller.tenant_id, id)};
  });
  if (!r) co_return fail(store_failed(r.error(), caller.request_id));
  if (!found) co_return fail(payment_not_found(id));
  co_return std::move(*found);
}

asio::awaitable<Result<PaymentPage, http::ApiError>> PaymentService::list(
    Caller caller, store::PaymentFilter filter, std::optional<store::ListPosition> after,
    unsigned limit) {
  limit = std::clamp(limit, 1U, kMaxListPage);
  PaymentPage page;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    page.items = store::list_payments(tx, caller.tenant_id, caller.mode, filter, after, limit + 1);
  });
  if (!r) co_return fail(store_failed(r.error(), caller.request_id));
  if (page.items.size() > limit) {
    page.has_more = true;
    page.items.resize(limit);
  }
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
  auto begun = co_await pool_.transact([&](store::Tx& tx) {
    auto p = store::lock_payment(tx, caller.tenant_id, caller.mode, id);
    if (!p) {
      refused = payment_not_found(id);
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
        refused = http::ApiError{400, http::ErrorType::invalid_request, "CAPABILITY_NOT_SUPPORTED",
                                 "Connector '" + p->connector_id +
                                     "' cannot capture part of a payment; capture all of it.",
                                 std::string("amount")};
        return;
      }
    } else if (auto ok = check_cancel(p->status); !ok) {
      refused = ok.error();
      return;
    }
    if (connector == nullptr || connector->provider() == nullptr ||
        !connector->info().capabilities.supports(op)) {
      refused = http::ApiError{400,
                               http::ErrorType::invalid_request,
                               "CAPABILITY_NOT_SUPPORTED",
                               "Connector '" + p->connector_id + "' cannot " +
                                   std::string(sdk::to_string(op)) + " payments.",
                               {}};
      return;
    }
    prior = p->status;
    payment = std::move(*p);
    payment.status = PaymentStatus::processing;  // in flight: a concurrent operation gets 409
    if (!store::update_payment(tx, payment)) throw std::runtime_error("payment changed under lock");
    attempt.id = new_id("att");
    attempt.tenant_id = caller.tenant_id;
    attempt.payment_id = payment.id;
    attempt.operation = op;
    attempt.connector_id = payment.connector_id;
    attempt.idempotency_key = "payd_" + attempt.id;
    if (op == sdk::Operation::capture) attempt.amount = op_amount;
    store::insert_attempt(tx, attempt);
    mark_resource(tx, caller, "payment", payment.id);
  });
  if (!begun) co_return fail(store_failed(begun.error(), caller.request_id));
  if (refused) co_return fail(std::move(*refused));

  const auto* connector = connectors_.find(payment.connector_id);
  const auto* runtime = executors_.runtime(payment.connector_id);
  sdk::Outcome outcome;
  if (runtime == nullptr) {
    outcome.kind = sdk::OutcomeKind::not_attempted;
    outcome.error =
        sdk::ErrorInfo{"connector_unavailable", {}, {}, "The connector is not available."};
  } else {
    sdk::OperationInput input;
    input.payment = view_of(payment);
    input.amount = op_amount;
    input.idempotency_key = attempt.idempotency_key;
    input.now = unix_now();
    auto& executor = executors_.executor_for(co_await asio::this_coro::executor);
    auto run = co_await executor.run(*connector->provider(), op, std::move(input), *runtime);
    outcome = std::move(run.outcome);
    attempt.http_exchanges = static_cast<int>(run.http_exchanges);
    attempt.latency_us = run.latency.count();
  }
  attempt.outcome = outcome.kind;
  attempt.error = error_json(outcome.error);

  auto update = apply_payment_outcome(payment, prior, op, outcome, op_amount);
  auto after = update.payment;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    if (!store::update_payment(tx, after)) throw std::runtime_error("payment changed concurrently");
    store::finish_attempt(tx, attempt);
    if (update.status_changed || after.status != prior) {
      store::insert_event(
          tx, payment_event(after, "payment." + std::string(sdk::to_string(after.status))));
    }
    if (update.needs_sync) {
      store::schedule_job(tx, after.tenant_id, store::JobKind::sync_payment, after.id, kFirstSync);
    }
  });
  if (!applied) co_return fail(store_failed(applied.error(), caller.request_id));
  co_return co_await get(std::move(caller), after.id);
}

asio::awaitable<Result<store::RefundRecord, http::ApiError>> PaymentService::refund(
    Caller caller, CreateRefund request) {
  if (!looks_like_id(request.payment_id, "pay")) {
    auto e = payment_not_found(request.payment_id);
    e.param = "payment_id";
    co_return fail(std::move(e));
  }
  std::optional<http::ApiError> refused;
  store::PaymentRecord payment;
  store::RefundRecord refund;
  store::AttemptRecord attempt;
  auto begun = co_await pool_.transact([&](store::Tx& tx) {
    // The row lock queues concurrent refunds of one payment; each sees the amounts the
    // previous one reserved.
    auto p = store::lock_payment(tx, caller.tenant_id, caller.mode, request.payment_id);
    if (!p) {
      refused = payment_not_found(request.payment_id);
      refused->param = "payment_id";
      return;
    }
    const std::int64_t amount = request.amount.value_or(p->amount_received - p->amount_refunded);
    if (auto ok = check_refund(p->status, p->amount_received, p->amount_refunded, amount); !ok) {
      refused = ok.error();
      return;
    }
    const auto* connector = connectors_.find(p->connector_id);
    if (connector == nullptr || connector->provider() == nullptr ||
        !connector->info().capabilities.supports(sdk::Operation::refund)) {
      refused = http::ApiError{400,
                               http::ErrorType::invalid_request,
                               "CAPABILITY_NOT_SUPPORTED",
                               "Connector '" + p->connector_id + "' cannot refund payments.",
                               {}};
      return;
    }
    const auto& caps = connector->info().capabilities;
    if (amount < p->amount_received && !caps.partial_refunds) {
      refused =
          http::ApiError{400, http::ErrorType::invalid_request, "CAPABILITY_NOT_SUPPORTED",
                         "Connector '" + p->connector_id + "' cannot refund part of a payment.",
                         std::string("amount")};
      return;
    }
    if (p->amount_refunded > 0 && !caps.multiple_refunds) {
      refused = http::ApiError{400,
                               http::ErrorType::invalid_request,
                               "CAPABILITY_NOT_SUPPORTED",
                               "Connector '" + p->connector_id + "' allows one refund per payment.",
                               {}};
      return;
    }
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
    attempt.id = new_id("att");
    attempt.tenant_id = caller.tenant_id;
    attempt.payment_id = payment.id;
    attempt.refund_id = refund.id;
    attempt.operation = sdk::Operation::refund;
    attempt.connector_id = payment.connector_id;
    attempt.idempotency_key = "payd_" + attempt.id;
    attempt.amount = amount;
    store::insert_attempt(tx, attempt);
    store::insert_event(tx, refund_event(refund, "refund.created"));
    mark_resource(tx, caller, "refund", refund.id);
  });
  if (!begun) co_return fail(store_failed(begun.error(), caller.request_id));
  if (refused) co_return fail(std::move(*refused));

  const auto* connector = connectors_.find(payment.connector_id);
  const auto* runtime = executors_.runtime(payment.connector_id);
  sdk::Outcome outcome;
  if (runtime == nullptr) {
    outcome.kind = sdk::OutcomeKind::not_attempted;
    outcome.error =
        sdk::ErrorInfo{"connector_unavailable", {}, {}, "The connector is not available."};
  } else {
    sdk::OperationInput input;
    input.payment = view_of(payment);
    // What was refunded before this refund: the reservation is payd's bookkeeping.
    input.payment.amount_refunded -= refund.amount;
    input.refund = sdk::RefundView{refund.id, refund.amount, refund.reason, {}};
    input.amount = refund.amount;
    input.idempotency_key = attempt.idempotency_key;
    input.now = unix_now();
    auto& executor = executors_.executor_for(co_await asio::this_coro::executor);
    auto run = co_await executor.run(*connector->provider(), sdk::Operation::refund,
                                     std::move(input), *runtime);
    outcome = std::move(run.outcome);
    attempt.http_exchanges = static_cast<int>(run.http_exchanges);
    attempt.latency_us = run.latency.count();
  }
  attempt.outcome = outcome.kind;
  attempt.error = error_json(outcome.error);

  auto update = apply_refund_outcome(refund, outcome);
  auto after = update.refund;
  auto applied = co_await pool_.transact([&](store::Tx& tx) {
    if (!store::update_refund(tx, after)) throw std::runtime_error("refund changed concurrently");
    store::finish_attempt(tx, attempt);
    if (update.release_reservation)
      store::release_refund(tx, after.tenant_id, after.payment_id, after.amount);
    if (after.status != refund.status) {
      store::insert_event(
          tx, refund_event(after, "refund." + std::string(sdk::to_string(after.status))));
    }
    if (update.needs_sync) {
      store::schedule_job(tx, after.tenant_id, store::JobKind::sync_refund, after.id, kFirstSync);
    }
  });
  if (!applied) co_return fail(store_failed(applied.error(), caller.request_id));
  co_return after;
}

asio::awaitable<Result<store::RefundRecord, http::ApiError>> PaymentService::get_refund(
    Caller caller, std::string id) {
  if (!looks_like_id(id, "re")) co_return fail(refund_not_found(id));
  std::optional<store::RefundRecord> found;
  auto r = co_await pool_.transact(
      [&](store::Tx& tx) { found = store::find_refund(tx, caller.tenant_id, caller.mode, id); });
  if (!r) co_return fail(store_failed(r.error(), caller.request_id));
  if (!found) co_return fail(refund_not_found(id));
  co_return std::move(*found);
}

asio::awaitable<Result<RefundPage, http::ApiError>> PaymentService::list_refunds(
    Caller caller, std::string payment_id, std::optional<store::ListPosition> after,
    unsigned limit) {
  limit = std::clamp(limit, 1U, kMaxListPage);
  RefundPage page;
  auto r = co_await pool_.transact([&](store::Tx& tx) {
    page.items =
        store::list_refunds(tx, caller.tenant_id, caller.mode, payment_id, after, limit + 1);
  });
  if (!r) co_return fail(store_failed(r.error(), caller.request_id));
  if (page.items.size() > limit) {
    page.has_more = true;
    page.items.resize(limit);
  }
  co_return page;
}

}  // namespace payd::core
