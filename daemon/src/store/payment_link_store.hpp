#pragma once
// Payment links (table payment_links): a public slug that opens checkout sessions for a
// fixed amount, until the merchant deactivates it, it expires or its usage limit is used
// up. Every query filters on tenant_id and mode, except the two public ones that start
// from the slug (find_payment_link_by_slug, reserve_payment_link_use): a slug is unique
// across tenants and is the link's public name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "payd/sdk/types.hpp"
#include "store/payment_records.hpp"
#include "store/statement.hpp"
#include "store/tx.hpp"

namespace payd::store {

struct PaymentLinkRecord {
  std::string id;  // "plink_..."
  std::string tenant_id;
  sdk::Mode mode = sdk::Mode::test;
  std::string slug;
  std::int64_t amount = 0;
  std::string currency;
  std::string reference;  // empty: none
  std::vector<std::string> payment_method_types{"card"};
  std::optional<std::int64_t> expires_at;   // unix seconds; none: never
  std::optional<std::int64_t> usage_limit;  // none: unlimited
  std::int64_t usage_count = 0;             // checkout sessions opened so far
  bool active = true;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
};

// A use of a link taken by reserve_payment_link_use, with what creating its payment needs.
struct PaymentLinkUse {
  PaymentLinkRecord link;   // usage_count includes this use
  std::string tenant_name;  // routing: connectors pinned to a tenant name it
};

Statements payment_link_statements();

// Inserts the link unless its slug is taken (by any tenant): then nothing is inserted, the
// transaction stays usable and the result is false. Sets created_at/updated_at when not set.
[[nodiscard]] bool insert_payment_link(Tx& tx, PaymentLinkRecord& link);
[[nodiscard]] std::optional<PaymentLinkRecord> find_payment_link(Tx& tx, std::string_view tenant_id,
                                                                 sdk::Mode mode,
                                                                 std::string_view id);
// Public: any tenant's link. Callers must not show the tenant.
[[nodiscard]] std::optional<PaymentLinkRecord> find_payment_link_by_slug(Tx& tx,
                                                                         std::string_view slug);
// Newest first, after `after` when given; at most `limit` rows.
[[nodiscard]] std::vector<PaymentLinkRecord> list_payment_links(
    Tx& tx, std::string_view tenant_id, sdk::Mode mode, const std::optional<ListPosition>& after,
    unsigned limit);
// Marks the link inactive (already inactive: unchanged) and returns it; nothing when the
// tenant and mode have no such link.
[[nodiscard]] std::optional<PaymentLinkRecord> deactivate_payment_link(Tx& tx,
                                                                       std::string_view tenant_id,
                                                                       sdk::Mode mode,
                                                                       std::string_view id);

// Takes one use of the link in a single UPDATE that checks it is active, unexpired and
// below its usage limit. Concurrent callers queue on the row lock and each re-checks the
// count it finds, so k uses are granted for a limit of k, whatever the concurrency. Nothing
// when the link is missing or cannot be used (find_payment_link_by_slug tells why).
[[nodiscard]] std::optional<PaymentLinkUse> reserve_payment_link_use(Tx& tx, std::string_view slug);
// Gives back a use whose checkout never reached a provider.
void release_payment_link_use(Tx& tx, std::string_view tenant_id, std::string_view link_id);

}  // namespace payd::store
