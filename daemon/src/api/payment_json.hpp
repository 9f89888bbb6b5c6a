#pragma once
// The API's JSON shapes of payments, attempts and refunds (snake_case, minor units,
// ISO 8601 UTC timestamps).

#include <boost/json/object.hpp>
#include <vector>

#include "store/payment_records.hpp"

namespace payd::api {

[[nodiscard]] boost::json::object payment_json(const store::PaymentRecord& p);
// With `attempts` (GET /payments/{id} and the answers of create/capture/cancel).
[[nodiscard]] boost::json::object payment_json(const store::PaymentRecord& p,
                                               const std::vector<store::AttemptRecord>& attempts);
[[nodiscard]] boost::json::object refund_json(const store::RefundRecord& r);

}  // namespace payd::api
