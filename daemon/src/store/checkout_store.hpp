#pragma once
// Checkout sessions (table checkout_sessions): a hosted page in front of one payment. The
// session row holds only what the payment does not: where the customer goes afterwards,
// when the page stops taking the customer, and the payment link it came from. Every query
// filters on tenant_id and mode.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "payd/sdk/types.hpp"
#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

struct CheckoutSessionRecord {
  std::string id;  // "cs_..."
  std::string tenant_id;
  sdk::Mode mode = sdk::Mode::test;
  std::string payment_id;
  std::string payment_link_id;  // empty unless created through a payment link
  std::string success_url;      // empty: none
  std::string cancel_url;
  std::int64_t expires_at = 0;  // unix seconds
  std::int64_t created_at_us = 0;
};

Statements checkout_session_statements();

// Sets created_at (unix microseconds, from payd's clock) when not set.
void insert_checkout_session(Tx& tx, CheckoutSessionRecord& s);
[[nodiscard]] std::optional<CheckoutSessionRecord> find_checkout_session(Tx& tx,
                                                                         std::string_view tenant_id,
                                                                         sdk::Mode mode,
                                                                         std::string_view id);

}  // namespace payd::store
