#pragma once
// The payments core: creates payments, captures, cancels and refunds them through the
// routed connector, with every state change written to PostgreSQL around the provider
// call:
//
//   1. one transaction records the intent (payment/refund + attempt + event, and the
//      Idempotency-Key's recovery point) and marks the payment `processing`, so a
//      concurrent operation on it is refused with 409 and a crash leaves a row the
//      reconciler finds;
//   2. the connector's plugin runs through the executor (no transaction is open);
//   3. one transaction applies the outcome (status table, amounts, attempt, events, and a
//      sync job when the outcome is unknown or pending).
//
// Nothing here renders HTTP: results are records or ApiErrors.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "core/router.hpp"
#include "http/api_error.hpp"
#include "payd/sdk/types.hpp"
#include "store/payment_records.hpp"

namespace payd::store {
class ConnectionPool;
}
namespace payd::plugins {
class ConnectorRegistry;
class ExecutorPool;
}  // namespace payd::plugins

namespace payd::core {

// Who is asking, as the authentication middleware established it.
struct Caller {
  std::string tenant_id;
  std::string tenant_name;
  sdk::Mode mode = sdk::Mode::test;
  std::string idempotency_key;  // the request's Idempotency-Key, or empty
  std::string request_id;
  // For the audit rows a change writes in its own transaction (core/audit_entry.hpp).
  std::string actor;       // security::Principal::actor; empty: "system"
  std::string client_ip;   // the peer address as received (the audit log truncates it)
  std::string user_agent;  // the User-Agent header, or empty
};

struct CreatePayment {
  std::int64_t amount = 0;
  std::string currency;  // validated, upper case
  sdk::CaptureMethod capture_method = sdk::CaptureMethod::automatic;
  std::vector<std::string> payment_method_types{"card"};
  std::string payment_method;  // passed to the plugin, never stored (may be a test PAN)
  std::string connector;       // routing hint
  std::string customer_email;
  std::string customer_name;
  std::string country;  // the customer's ISO 3166-1 alpha-2 country, upper case; routing only
  std::string description;
  std::string reference;
  boost::json::object metadata;
  std::string return_url;
  std::string cancel_url;
  std::vector<sdk::LineItem> line_items;
  bool hosted_checkout = false;  // a checkout session: the customer pays on a hosted page
};

struct CreateRefund {
  std::string payment_id;
  std::optional<std::int64_t> amount;  // default: everything still refundable
  std::string reason;
  boost::json::object metadata;
};

struct PaymentSnapshot {
  store::PaymentRecord payment;
  std::vector<store::AttemptRecord> attempts;
};

struct PaymentPage {
  std::vector<store::PaymentRecord> items;
  bool has_more = false;
};

struct RefundPage {
  std::vector<store::RefundRecord> items;
  bool has_more = false;
};

struct PaymentsOptions {
  std::chrono::seconds action_ttl{3600};
  // A provider call still unanswered after this long is treated as lost (see
  // config PaymentsConfig::in_flight_timeout).
  std::chrono::seconds in_flight_timeout{120};
};

// What one reconciliation step achieved.
struct Reconciled {
  bool settled = false;  // nothing left to do for this job
  std::string note;      // what happened, for logs and the job's last_error
  // When not settled: run again no sooner than this (0 = the reconciler's backoff).
  std::chrono::seconds retry_after{0};
};

class PaymentService {
 public:
  PaymentService(store::ConnectionPool& pool, const plugins::ConnectorRegistry& connectors,
                 plugins::ExecutorPool& executors, const Router& router,
                 PaymentsOptions options = {});

  // Coroutine parameters are values (GCC 12 and temporaries in co_await expressions).
  boost::asio::awaitable<Result<PaymentSnapshot, http::ApiError>> create(Caller caller,
                                                                         CreatePayment request);
  boost::asio::awaitable<Result<PaymentSnapshot, http::ApiError>> get(Caller caller,
                                                                      std::string id);
  boost::asio::awaitable<Result<PaymentPage, http::ApiError>> list(
      Caller caller, store::PaymentFilter filter, std::optional<store::ListPosition> after,
      unsigned limit);
  boost::asio::awaitable<Result<PaymentSnapshot, http::ApiError>> capture(
      Caller caller, std::string id, std::optional<std::int64_t> amount);
  boost::asio::awaitable<Result<PaymentSnapshot, http::ApiError>> cancel(Caller caller,
                                                                         std::string id);

  boost::asio::awaitable<Result<store::RefundRecord, http::ApiError>> refund(Caller caller,
                                                                             CreateRefund request);
  boost::asio::awaitable<Result<store::RefundRecord, http::ApiError>> get_refund(Caller caller,
                                                                                 std::string id);
  boost::asio::awaitable<Result<RefundPage, http::ApiError>> list_refunds(
      Caller caller, std::string payment_id, std::optional<store::ListPosition> after,
      unsigned limit);

  // Reconciliation (payment_sync.cpp), run by the Reconciler for its jobs and before a
  // follow-up operation on a payment whose last outcome is uncertain. Each asks the
  // provider (sync / sync_refund / cancel) outside any transaction and applies the answer
  // with the optimistic version check: an answer that arrives meanwhile wins, never both.
  boost::asio::awaitable<Reconciled> sync_payment(std::string tenant_id, std::string id);
  boost::asio::awaitable<Reconciled> sync_refund(std::string tenant_id, std::string id);
  // A requires_action payment past expires_at: cancelled at the provider where it can be,
  // then `expired`.
  boost::asio::awaitable<Reconciled> expire_payment(std::string tenant_id, std::string id);

  [[nodiscard]] const PaymentsOptions& options() const noexcept { return options_; }

 private:
  boost::asio::awaitable<Result<PaymentSnapshot, http::ApiError>> follow_up(
      Caller caller, std::string id, sdk::Operation op, std::optional<std::int64_t> amount);

  store::ConnectionPool& pool_;
  const plugins::ConnectorRegistry& connectors_;
  plugins::ExecutorPool& executors_;
  const Router& router_;
  PaymentsOptions options_;
};

}  // namespace payd::core
