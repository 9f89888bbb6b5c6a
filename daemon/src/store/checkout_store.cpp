#include "store/checkout_store.hpp"

#include "store/column_values.hpp"

namespace payd::store {

namespace {

using namespace columns;

#define PAYD_SESSION_COLUMNS                                                    \
  "id, tenant_id, mode, payment_id, payment_link_id, success_url, cancel_url, " \
  "extract(epoch from expires_at)::bigint, "                                    \
  "(extract(epoch from created_at) * 1000000)::bigint"

constexpr Statement kStatements[] = {
    {"checkout_session_insert",
     "INSERT INTO checkout_sessions (id, tenant_id, mode, payment_id, payment_link_id, "
     "success_url, cancel_url, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
     "to_timestamp($8::bigint), ('epoch'::timestamptz + $9::bigint * interval '1 microsecond'))"},
    {"checkout_session_find",
     "SELECT " PAYD_SESSION_COLUMNS
     " FROM checkout_sessions WHERE tenant_id = $1 AND mode = $2 AND id = $3"},
};

#undef PAYD_SESSION_COLUMNS

CheckoutSessionRecord read_session(const pqxx::row& r) {
  CheckoutSessionRecord s;
  s.id = r[0].as<std::string>();
  s.tenant_id = r[1].as<std::string>();
  s.mode = read_mode(r[2]);
  s.payment_id = r[3].as<std::string>();
  s.payment_link_id = text(r[4]);
  s.success_url = text(r[5]);
  s.cancel_url = text(r[6]);
  s.expires_at = r[7].as<std::int64_t>();
  s.created_at_us = r[8].as<std::int64_t>();
  return s;
}

}  // namespace

Statements checkout_session_statements() {
  return kStatements;
}

void insert_checkout_session(Tx& tx, CheckoutSessionRecord& s) {
  if (s.created_at_us == 0) s.created_at_us = now_us();
  tx.sql().exec_prepared("checkout_session_insert", s.id, s.tenant_id, mode_text(s.mode),
                         s.payment_id, text_or_null(s.payment_link_id), text_or_null(s.success_url),
                         text_or_null(s.cancel_url), s.expires_at, s.created_at_us);
}

std::optional<CheckoutSessionRecord> find_checkout_session(Tx& tx, std::string_view tenant_id,
                                                           sdk::Mode mode, std::string_view id) {
  auto r = tx.sql().exec_prepared("checkout_session_find", std::string(tenant_id), mode_text(mode),
                                  std::string(id));
  if (r.empty()) return std::nullopt;
  return read_session(r[0]);
}

}  // namespace payd::store
