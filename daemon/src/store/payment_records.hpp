#pragma once
// Rows of the payments core as the store reads and writes them. Enumerations use the
// SDK's vocabulary; JSON columns are Boost.JSON values; times are unix microseconds
// (created/updated) or seconds (expiry). Empty strings stand for NULL text columns.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "payd/sdk/types.hpp"

namespace payd::store {

struct PaymentRecord {
  std::string id;
  std::string tenant_id;
  sdk::Mode mode = sdk::Mode::test;
  sdk::PaymentStatus status = sdk::PaymentStatus::processing;
  std::int64_t amount = 0;
  std::string currency;
  sdk::CaptureMethod capture_method = sdk::CaptureMethod::automatic;
  std::int64_t amount_capturable = 0;
  std::int64_t amount_received = 0;
  std::int64_t amount_refunded = 0;  // includes pending refunds
  std::vector<std::string> payment_method_types;
  boost::json::value payment_method;  // null or {type, brand, last4}
  std::string connector_id;
  std::string provider_ref;
  boost::json::value next_action;  // null or the rendered next action
  boost::json::value last_error;   // null or {code, provider_code, decline_code, message}
  std::string customer_email;
  std::string customer_name;
  std::string description;
  std::string reference;
  boost::json::object metadata;
  std::string return_url;
  std::string cancel_url;
  boost::json::array line_items;
  boost::json::object plugin_state;
  std::optional<std::int64_t> expires_at;  // unix seconds
  int version = 0;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
};

struct AttemptRecord {
  std::string id;
  std::string tenant_id;
  std::string payment_id;
  std::string refund_id;  // refund / sync_refund
  sdk::Operation operation = sdk::Operation::authorize;
  std::string connector_id;
  std::string idempotency_key;  // sent to the provider
  std::optional<std::int64_t> amount;
  boost::json::value routing;  // null or {rule, candidates, chosen, why}
  std::optional<sdk::OutcomeKind> outcome;  // empty while in flight
  boost::json::value error;
  int http_exchanges = 0;
  std::int64_t latency_us = 0;
  std::int64_t started_at_us = 0;
  std::optional<std::int64_t> finished_at_us;
};

struct RefundRecord {
  std::string id;
  std::string tenant_id;
  sdk::Mode mode = sdk::Mode::test;
  std::string payment_id;
  std::int64_t amount = 0;
  std::string currency;
  std::string reason;
  sdk::RefundStatus status = sdk::RefundStatus::pending;
  std::string connector_id;
  std::string provider_ref;
  boost::json::value last_error;
  boost::json::object metadata;
  int version = 0;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
};

struct EventRecord {
  std::string id;
  std::string tenant_id;
  sdk::Mode mode = sdk::Mode::test;
  std::string type;  // payment.succeeded, refund.created ...
  std::string object_type;
  std::string object_id;
  boost::json::object data;
};

// Keyset position in a newest-first list.
struct ListPosition {
  std::int64_t created_at_us = 0;
  std::string id;
};

struct PaymentFilter {
  std::optional<sdk::PaymentStatus> status;
  std::string connector_id;
  std::string currency;
  std::string reference;
  std::optional<std::int64_t> created_gte_us;
  std::optional<std::int64_t> created_lte_us;
  std::optional<std::int64_t> amount_gte;
  std::optional<std::int64_t> amount_lte;
};

}  // namespace payd::store
