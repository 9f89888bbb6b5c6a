#include "store/payment_link_store.hpp"

#include "store/column_values.hpp"

namespace payd::store {

namespace {

using namespace columns;

// Every statement names the table `l` so the same column list serves the join with tenants.
#define PAYD_LINK_COLUMNS                                                                          \
  "l.id, l.tenant_id, l.mode, l.slug, l.amount, l.currency, l.reference, "                         \
  "array_to_json(l.payment_method_types)::text, extract(epoch from l.expires_at)::bigint, "        \
  "l.usage_limit, l.usage_count, l.active, (extract(epoch from l.created_at) * 1000000)::bigint, " \
  "(extract(epoch from l.updated_at) * 1000000)::bigint"

// Exact microsecond arithmetic (to_timestamp takes a double).
#define PAYD_US(n) "('epoch'::timestamptz + (" n ")::bigint * interval '1 microsecond')"

constexpr Statement kStatements[] = {
    {"payment_link_insert",
     "INSERT INTO payment_links AS l (id, tenant_id, mode, slug, amount, currency, reference, "
     "payment_method_types, expires_at, usage_limit, usage_count, active, created_at, "
     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], to_timestamp($9::bigint), "
     "$10::integer, 0, true, " PAYD_US("$11") ", " PAYD_US(
         "$11") ") ON CONFLICT (slug) DO NOTHING RETURNING l.id"},
    {"payment_link_find",
     "SELECT " PAYD_LINK_COLUMNS
     " FROM payment_links l WHERE l.tenant_id = $1 AND l.mode = $2 AND l.id = $3"},
    {"payment_link_find_by_slug",
     "SELECT " PAYD_LINK_COLUMNS " FROM payment_links l WHERE l.slug = $1"},
    {"payment_link_list",
     "SELECT " PAYD_LINK_COLUMNS " FROM payment_links l WHERE l.tenant_id = $1 AND l.mode = $2"
     " AND ($3::bigint IS NULL OR (l.created_at, l.id) < (" PAYD_US(
         "$3") ", $4::text))"
               " ORDER BY l.created_at DESC, l.id DESC LIMIT $5"},
    {"payment_link_deactivate",
     "UPDATE payment_links l SET active = false, updated_at = CASE WHEN l.active THEN "
     "clock_timestamp() ELSE l.updated_at END WHERE l.tenant_id = $1 AND l.mode = $2 AND "
     "l.id = $3 RETURNING " PAYD_LINK_COLUMNS},
    // Under READ COMMITTED a second UPDATE of the row waits for the first to commit and then
    // evaluates the WHERE clause again on the row as the first left it: the usage check
    // cannot be passed by two callers on the same count.
    {"payment_link_reserve",
     "UPDATE payment_links l SET usage_count = l.usage_count + 1, updated_at = clock_timestamp() "
     "FROM tenants t WHERE l.slug = $1 AND t.id = l.tenant_id AND l.active"
     " AND (l.expires_at IS NULL OR l.expires_at > clock_timestamp())"
     " AND (l.usage_limit IS NULL OR l.usage_count < l.usage_limit)"
     " RETURNING " PAYD_LINK_COLUMNS ", t.name"},
    {"payment_link_release",
     "UPDATE payment_links SET usage_count = usage_count - 1, updated_at = clock_timestamp() "
     "WHERE tenant_id = $1 AND id = $2 AND usage_count > 0"},
};

#undef PAYD_US
#undef PAYD_LINK_COLUMNS

PaymentLinkRecord read_link(const pqxx::row& r) {
  PaymentLinkRecord l;
  l.id = r[0].as<std::string>();
  l.tenant_id = r[1].as<std::string>();
  l.mode = read_mode(r[2]);
  l.slug = r[3].as<std::string>();
  l.amount = r[4].as<std::int64_t>();
  l.currency = r[5].as<std::string>();
  l.reference = text(r[6]);
  l.payment_method_types = read_text_array(r[7]);
  l.expires_at = optional_int64(r[8]);
  l.usage_limit = optional_int64(r[9]);
  l.usage_count = r[10].as<std::int64_t>();
  l.active = r[11].as<bool>();
  l.created_at_us = r[12].as<std::int64_t>();
  l.updated_at_us = r[13].as<std::int64_t>();
  return l;
}

std::optional<PaymentLinkRecord> first_link(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return read_link(r[0]);
}

}  // namespace

Statements payment_link_statements() {
  return kStatements;
}

bool insert_payment_link(Tx& tx, PaymentLinkRecord& link) {
  if (link.created_at_us == 0) link.created_at_us = now_us();
  link.updated_at_us = link.created_at_us;
  auto r = tx.sql().exec_prepared(
      "payment_link_insert", link.id, link.tenant_id, mode_text(link.mode), link.slug, link.amount,
      link.currency, text_or_null(link.reference), text_array(link.payment_method_types),
      link.expires_at, link.usage_limit, link.created_at_us);
  return !r.empty();
}

std::optional<PaymentLinkRecord> find_payment_link(Tx& tx, std::string_view tenant_id,
                                                   sdk::Mode mode, std::string_view id) {
  return first_link(tx.sql().exec_prepared("payment_link_find", std::string(tenant_id),
                                           mode_text(mode), std::string(id)));
}

std::optional<PaymentLinkRecord> find_payment_link_by_slug(Tx& tx, std::string_view slug) {
  return first_link(tx.sql().exec_prepared("payment_link_find_by_slug", std::string(slug)));
}

std::vector<PaymentLinkRecord> list_payment_links(Tx& tx, std::string_view tenant_id,
                                                  sdk::Mode mode,
                                                  const std::optional<ListPosition>& after,
                                                  unsigned limit) {
  std::optional<std::int64_t> after_us;
  std::optional<std::string> after_id;
  if (after) {
    after_us = after->created_at_us;
    after_id = after->id;
  }
  auto r = tx.sql().exec_prepared("payment_link_list", std::string(tenant_id), mode_text(mode),
                                  after_us, after_id, static_cast<long long>(limit));
  std::vector<PaymentLinkRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_link(row));
  return out;
}

std::optional<PaymentLinkRecord> deactivate_payment_link(Tx& tx, std::string_view tenant_id,
                                                         sdk::Mode mode, std::string_view id) {
  return first_link(tx.sql().exec_prepared("payment_link_deactivate", std::string(tenant_id),
                                           mode_text(mode), std::string(id)));
}

std::optional<PaymentLinkUse> reserve_payment_link_use(Tx& tx, std::string_view slug) {
  auto r = tx.sql().exec_prepared("payment_link_reserve", std::string(slug));
  if (r.empty()) return std::nullopt;
  return PaymentLinkUse{read_link(r[0]), r[0][14].as<std::string>()};
}

void release_payment_link_use(Tx& tx, std::string_view tenant_id, std::string_view link_id) {
  tx.sql().exec_prepared("payment_link_release", std::string(tenant_id), std::string(link_id));
}

}  // namespace payd::store
