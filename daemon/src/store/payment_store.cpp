#include "store/payment_store.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <string>
#include <tuple>

#include "payd/sdk/names.hpp"
#include "store/column_values.hpp"
#include "store/pqxx_support.hpp"

namespace payd::store {

namespace json = boost::json;
using columns::mode_text;
using columns::now_us;
using columns::text_or_null;

namespace {

// ---- columns ----------------------------------------------------------------------------

#define PAYD_PAYMENT_COLUMNS                                                                   \
  "id, tenant_id, mode, status, amount, currency, capture_method, amount_capturable, "         \
  "amount_received, amount_refunded, array_to_json(payment_method_types)::text, "              \
  "payment_method::text, connector_id, provider_ref, next_action::text, last_error::text, "    \
  "customer_email, customer_name, description, reference, metadata::text, return_url, "        \
  "cancel_url, line_items::text, plugin_state::text, extract(epoch from expires_at)::bigint, " \
  "version, (extract(epoch from created_at) * 1000000)::bigint, "                              \
  "(extract(epoch from updated_at) * 1000000)::bigint"

#define PAYD_REFUND_COLUMNS                                                           \
  "id, tenant_id, mode, payment_id, amount, currency, reason, status, connector_id, " \
  "provider_ref, last_error::text, metadata::text, version, "                         \
  "(extract(epoch from created_at) * 1000000)::bigint, "                              \
  "(extract(epoch from updated_at) * 1000000)::bigint"

#define PAYD_ATTEMPT_COLUMNS                                                                 \
  "id, tenant_id, payment_id, refund_id, operation, connector_id, idempotency_key, amount, " \
  "routing::text, outcome, error::text, http_exchanges, latency_us, "                        \
  "(extract(epoch from started_at) * 1000000)::bigint, "                                     \
  "(extract(epoch from finished_at) * 1000000)::bigint"

// Exact microsecond arithmetic (to_timestamp takes a double).
#define PAYD_US(n) "('epoch'::timestamptz + (" n ")::bigint * interval '1 microsecond')"

constexpr Statement kStatements[] = {
    {"payment_insert",
     "INSERT INTO payments (id, tenant_id, mode, status, amount, currency, capture_method, "
     "amount_capturable, amount_received, amount_refunded, payment_method_types, payment_method, "
     "connector_id, provider_ref, next_action, last_error, customer_email, customer_name, "
     "description, reference, metadata, return_url, cancel_url, line_items, plugin_state, "
     "expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
     "$11::text[], $12::jsonb, $13, $14, $15::jsonb, $16::jsonb, $17, $18, $19, $20, $21::jsonb, "
     "$22, $23, $24::jsonb, $25::jsonb, to_timestamp($26::bigint), " PAYD_US("$27") ", " PAYD_US(
         "$27") ")"},
    {"payment_find", "SELECT " PAYD_PAYMENT_COLUMNS
                     " FROM payments WHERE tenant_id = $1 AND mode = $2 AND id = $3"},
    // The payment and its attempts in one statement, so a GET needs neither BEGIN/COMMIT
    // nor a second round trip: one statement reads one snapshot. Attempts come unordered
    // (find_payment_with_attempts sorts them); a payment without any gives one row of NULLs.
    {"payment_with_attempts",
     "SELECT p.*, a.* FROM (SELECT " PAYD_PAYMENT_COLUMNS
     " FROM payments WHERE tenant_id = $1 AND mode = $2 AND id = $3) p LEFT JOIN LATERAL "
     "(SELECT " PAYD_ATTEMPT_COLUMNS
     " FROM payment_attempts WHERE tenant_id = $1 AND payment_id = $3) a ON true"},
    {"payment_lock", "SELECT " PAYD_PAYMENT_COLUMNS
                     " FROM payments WHERE tenant_id = $1 AND mode = $2 AND id = $3 FOR UPDATE"},
    // The reconciler's jobs know the tenant but not the mode.
    {"payment_lock_any_mode",
     "SELECT " PAYD_PAYMENT_COLUMNS " FROM payments WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
    {"payment_update",
     "UPDATE payments SET status = $4, amount_capturable = $5, amount_received = $6, "
     "amount_refunded = $7, connector_id = $8, provider_ref = $9, next_action = $10::jsonb, "
     "last_error = $11::jsonb, plugin_state = $12::jsonb, payment_method = $13::jsonb, "
     "expires_at = to_timestamp($14::bigint), version = version + 1, "
     "updated_at = " PAYD_US("$15") " WHERE tenant_id = $1 AND id = $2 AND version = $3"},
    {"payment_list",
     "SELECT " PAYD_PAYMENT_COLUMNS " FROM payments WHERE tenant_id = $1 AND mode = $2"
     " AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR connector_id = $4)"
     " AND ($5::text IS NULL OR currency = $5) AND ($6::text IS NULL OR reference = $6)"
     " AND ($7::bigint IS NULL OR created_at >= " PAYD_US(
         "$7") ")"
               " AND ($8::bigint IS NULL OR created_at <= " PAYD_US(
                   "$8") ")"
                         " AND ($9::bigint IS NULL OR amount >= $9) AND ($10::bigint IS NULL OR "
                         "amount <= $10)"
                         " AND ($11::bigint IS NULL OR (created_at, id) < (" PAYD_US(
                             "$11") ", $12::text))"
                                    " ORDER BY created_at DESC, id DESC LIMIT $13"},
    {"payment_reserve_refund",
     "UPDATE payments SET amount_refunded = amount_refunded + $4, version = version + 1, "
     "updated_at = clock_timestamp() WHERE tenant_id = $1 AND mode = $2 AND id = $3 "
     "AND status = 'succeeded' AND amount_refunded + $4 <= amount_received "
     "RETURNING " PAYD_PAYMENT_COLUMNS},
    {"payment_release_refund",
     "UPDATE payments SET amount_refunded = amount_refunded - $3, version = version + 1, "
     "updated_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2"},
    {"attempt_insert",
     "INSERT INTO payment_attempts (id, tenant_id, payment_id, refund_id, operation, "
     "connector_id, idempotency_key, amount, routing, started_at) VALUES ($1, $2, $3, $4, $5, "
     "$6, $7, $8, $9::jsonb, " PAYD_US("$10") ")"},
    {"attempt_finish",
     "UPDATE payment_attempts SET outcome = $3, error = $4::jsonb, http_exchanges = $5, "
     "latency_us = $6, finished_at = " PAYD_US("$9") ", connector_id = $7, routing = $8::jsonb "
     "WHERE tenant_id = $1 AND id = $2"},
    // Attempts whose answer was never recorded (payd died mid-call), once a sync has asked
    // the provider what happened instead.
    {"attempt_abandon",
     "UPDATE payment_attempts SET outcome = 'unknown', finished_at = clock_timestamp(), "
     "error = '{\"code\": \"outcome_lost\", \"provider_code\": null, \"decline_code\": null, "
     "\"message\": \"payd stopped before recording the answer of the provider; a sync "
     "settled the payment.\"}'::jsonb "
     "WHERE tenant_id = $1 AND payment_id = $2 AND outcome IS NULL AND id <> $3 "
     "AND started_at < clock_timestamp() - $4::bigint * interval '1 second'"},
    {"attempt_list",
     "SELECT " PAYD_ATTEMPT_COLUMNS
     " FROM payment_attempts WHERE tenant_id = $1 AND payment_id = $2 ORDER BY started_at, id"},
    {"refund_insert",
     "INSERT INTO refunds (id, tenant_id, mode, payment_id, amount, currency, reason, status, "
     "connector_id, provider_ref, last_error, metadata, created_at, updated_at) VALUES ($1, $2, "
     "$3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, " PAYD_US("$13") ", " PAYD_US(
         "$13") ")"},
    {"refund_find",
     "SELECT " PAYD_REFUND_COLUMNS " FROM refunds WHERE tenant_id = $1 AND mode = $2 AND id = $3"},
    {"refund_lock_any_mode",
     "SELECT " PAYD_REFUND_COLUMNS " FROM refunds WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
    {"refund_update",
     "UPDATE refunds SET status = $4, provider_ref = $5, last_error = $6::jsonb, "
     "version = version + 1, updated_at = " PAYD_US(
         "$7") " WHERE tenant_id = $1 AND id = $2 AND version = $3"},
    {"refund_list",
     "SELECT " PAYD_REFUND_COLUMNS
     " FROM refunds WHERE tenant_id = $1 AND mode = $2 AND ($3::text IS NULL OR payment_id = $3)"
     " AND ($4::bigint IS NULL OR (created_at, id) < (" PAYD_US(
         "$4") ", $5::text))"
               " ORDER BY created_at DESC, id DESC LIMIT $6"},
    {"event_insert",
     "INSERT INTO events (id, tenant_id, mode, type, object_type, object_id, data) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)"},
};

#undef PAYD_US

// ---- conversions ------------------------------------------------------------------------

std::optional<std::string> json_or_null(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  return json::serialize(v);
}

std::string json_text(const json::object& o) {
  return json::serialize(o);
}
std::string json_text(const json::array& a) {
  return json::serialize(a);
}

std::int64_t i64(const pqxx::field& f) {
  return f.is_null() ? 0 : f.as<std::int64_t>();
}

json::value json_value(const pqxx::field& f) {
  if (f.is_null()) return nullptr;
  return json::parse(f.c_str());
}

json::object json_object(const pqxx::field& f) {
  auto v = json_value(f);
  return v.is_object() ? std::move(v.as_object()) : json::object();
}

json::array json_array(const pqxx::field& f) {
  auto v = json_value(f);
  return v.is_array() ? std::move(v.as_array()) : json::array();
}

template <typename T, typename Parse>
T parse_or_throw(const pqxx::field& f, Parse parse, const char* what) {
  auto v = parse(f.c_str());
  if (!v) throw std::runtime_error(std::string("unexpected ") + what + " in the database");
  return *v;
}

// Columns PAYD_PAYMENT_COLUMNS selects (read_payment reads 0 .. 28).
constexpr pqxx::row::size_type kPaymentColumnCount = 29;

PaymentRecord read_payment(const pqxx::row& r) {
  PaymentRecord p;
  p.id = r[0].as<std::string>();
  p.tenant_id = r[1].as<std::string>();
  p.mode = parse_or_throw<sdk::Mode>(r[2], sdk::parse_mode, "mode");
  p.status = parse_or_throw<sdk::PaymentStatus>(r[3], sdk::parse_payment_status, "status");
  p.amount = r[4].as<std::int64_t>();
  p.currency = r[5].as<std::string>();
  p.capture_method =
      parse_or_throw<sdk::CaptureMethod>(r[6], sdk::parse_capture_method, "capture method");
  p.amount_capturable = r[7].as<std::int64_t>();
  p.amount_received = r[8].as<std::int64_t>();
  p.amount_refunded = r[9].as<std::int64_t>();
  for (const auto& t : json_array(r[10])) {
    if (t.is_string()) p.payment_method_types.emplace_back(t.as_string());
  }
  p.payment_method = json_value(r[11]);
  p.connector_id = columns::text(r[12]);
  p.provider_ref = columns::text(r[13]);
  p.next_action = json_value(r[14]);
  p.last_error = json_value(r[15]);
  p.customer_email = columns::text(r[16]);
  p.customer_name = columns::text(r[17]);
  p.description = columns::text(r[18]);
  p.reference = columns::text(r[19]);
  p.metadata = json_object(r[20]);
  p.return_url = columns::text(r[21]);
  p.cancel_url = columns::text(r[22]);
  p.line_items = json_array(r[23]);
  p.plugin_state = json_object(r[24]);
  p.expires_at = columns::optional_int64(r[25]);
  p.version = r[26].as<int>();
  p.created_at_us = i64(r[27]);
  p.updated_at_us = i64(r[28]);
  return p;
}

RefundRecord read_refund(const pqxx::row& r) {
  RefundRecord x;
  x.id = r[0].as<std::string>();
  x.tenant_id = r[1].as<std::string>();
  x.mode = parse_or_throw<sdk::Mode>(r[2], sdk::parse_mode, "mode");
  x.payment_id = r[3].as<std::string>();
  x.amount = r[4].as<std::int64_t>();
  x.currency = r[5].as<std::string>();
  x.reason = columns::text(r[6]);
  x.status = parse_or_throw<sdk::RefundStatus>(r[7], sdk::parse_refund_status, "refund status");
  x.connector_id = columns::text(r[8]);
  x.provider_ref = columns::text(r[9]);
  x.last_error = json_value(r[10]);
  x.metadata = json_object(r[11]);
  x.version = r[12].as<int>();
  x.created_at_us = i64(r[13]);
  x.updated_at_us = i64(r[14]);
  return x;
}

AttemptRecord read_attempt(const pqxx::row& r) {
  AttemptRecord a;
  a.id = r[0].as<std::string>();
  a.tenant_id = r[1].as<std::string>();
  a.payment_id = r[2].as<std::string>();
  a.refund_id = columns::text(r[3]);
  a.operation = parse_or_throw<sdk::Operation>(r[4], sdk::parse_operation, "operation");
  a.connector_id = columns::text(r[5]);
  a.idempotency_key = columns::text(r[6]);
  a.amount = columns::optional_int64(r[7]);
  a.routing = json_value(r[8]);
  if (!r[9].is_null()) a.outcome = sdk::parse_outcome_kind(r[9].c_str());
  a.error = json_value(r[10]);
  a.http_exchanges = r[11].is_null() ? 0 : r[11].as<int>();
  a.latency_us = i64(r[12]);
  a.started_at_us = i64(r[13]);
  a.finished_at_us = columns::optional_int64(r[14]);
  return a;
}

std::optional<std::int64_t> position_us(const std::optional<ListPosition>& after) {
  if (!after) return std::nullopt;
  return after->created_at_us;
}

std::optional<std::string> position_id(const std::optional<ListPosition>& after) {
  if (!after) return std::nullopt;
  return after->id;
}

}  // namespace

Statements payment_statements() {
  return kStatements;
}

void insert_payment(Tx& tx, PaymentRecord& p) {
  if (p.created_at_us == 0) p.created_at_us = now_us();
  p.updated_at_us = p.created_at_us;
  tx.sql().exec_prepared(
      "payment_insert", p.id, p.tenant_id, mode_text(p.mode), std::string(sdk::to_string(p.status)),
      p.amount, p.currency, std::string(sdk::to_string(p.capture_method)), p.amount_capturable,
      p.amount_received, p.amount_refunded, columns::text_array(p.payment_method_types),
      json_or_null(p.payment_method), text_or_null(p.connector_id), text_or_null(p.provider_ref),
      json_or_null(p.next_action), json_or_null(p.last_error), text_or_null(p.customer_email),
      text_or_null(p.customer_name), text_or_null(p.description), text_or_null(p.reference),
      json_text(p.metadata), text_or_null(p.return_url), text_or_null(p.cancel_url),
      json_text(p.line_items), json_text(p.plugin_state), p.expires_at, p.created_at_us);
}

std::optional<PaymentRecord> find_payment(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                                          std::string_view id) {
  auto r = tx.sql().exec_prepared("payment_find", std::string(tenant_id), mode_text(mode),
                                  std::string(id));
  if (r.empty()) return std::nullopt;
  return read_payment(r[0]);
}

std::optional<PaymentWithAttempts> find_payment_with_attempts(Tx& tx,
                                                              std::string_view tenant_id,
                                                              sdk::Mode mode, std::string_view id) {
  auto r = tx.sql().exec_prepared("payment_with_attempts", std::string(tenant_id),
                                  mode_text(mode), std::string(id));
  if (r.empty()) return std::nullopt;
  PaymentWithAttempts out{read_payment(r[0]), {}};
  out.attempts.reserve(r.size());
  for (const auto& row : r) {
    if (row[kPaymentColumnCount].is_null()) continue;  // no attempts: the LEFT JOIN's NULLs
    out.attempts.push_back(read_attempt(row.slice(kPaymentColumnCount, row.size())));
  }
  std::sort(out.attempts.begin(), out.attempts.end(), [](const auto& x, const auto& y) {
    return std::tie(x.started_at_us, x.id) < std::tie(y.started_at_us, y.id);
  });
  return out;
}

std::optional<PaymentRecord> lock_payment(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                                          std::string_view id) {
  auto r = tx.sql().exec_prepared("payment_lock", std::string(tenant_id), mode_text(mode),
                                  std::string(id));
  if (r.empty()) return std::nullopt;
  return read_payment(r[0]);
}

std::optional<PaymentRecord> lock_payment_any_mode(Tx& tx, std::string_view tenant_id,
                                                   std::string_view id) {
  auto r = tx.sql().exec_prepared("payment_lock_any_mode", std::string(tenant_id), std::string(id));
  if (r.empty()) return std::nullopt;
  return read_payment(r[0]);
}

bool update_payment(Tx& tx, PaymentRecord& p) {
  p.updated_at_us = std::max(now_us(), p.created_at_us);
  auto r = tx.sql().exec_prepared(
      "payment_update", p.tenant_id, p.id, p.version, std::string(sdk::to_string(p.status)),
      p.amount_capturable, p.amount_received, p.amount_refunded, text_or_null(p.connector_id),
      text_or_null(p.provider_ref), json_or_null(p.next_action), json_or_null(p.last_error),
      json_text(p.plugin_state), json_or_null(p.payment_method), p.expires_at, p.updated_at_us);
  if (r.affected_rows() != 1) return false;
  ++p.version;
  return true;
}

std::vector<PaymentRecord> list_payments(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                                         const PaymentFilter& f,
                                         const std::optional<ListPosition>& after, unsigned limit) {
  std::optional<std::string> status;
  if (f.status) status = std::string(sdk::to_string(*f.status));
  auto r = tx.sql().exec_prepared("payment_list", std::string(tenant_id), mode_text(mode), status,
                                  text_or_null(f.connector_id), text_or_null(f.currency),
                                  text_or_null(f.reference), f.created_gte_us, f.created_lte_us,
                                  f.amount_gte, f.amount_lte, position_us(after),
                                  position_id(after), static_cast<long long>(limit));
  std::vector<PaymentRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_payment(row));
  return out;
}

std::optional<PaymentRecord> reserve_refund(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                                            std::string_view payment_id, std::int64_t amount) {
  auto r = tx.sql().exec_prepared("payment_reserve_refund", std::string(tenant_id), mode_text(mode),
                                  std::string(payment_id), amount);
  if (r.empty()) return std::nullopt;
  return read_payment(r[0]);
}

void release_refund(Tx& tx, std::string_view tenant_id, std::string_view payment_id,
                    std::int64_t amount) {
  tx.sql().exec_prepared("payment_release_refund", std::string(tenant_id), std::string(payment_id),
                         amount);
}

void insert_attempt(Tx& tx, AttemptRecord& a) {
  if (a.started_at_us == 0) a.started_at_us = now_us();
  tx.sql().exec_prepared("attempt_insert", a.id, a.tenant_id, a.payment_id,
                         text_or_null(a.refund_id), std::string(sdk::to_string(a.operation)),
                         a.connector_id, a.idempotency_key, a.amount, json_or_null(a.routing),
                         a.started_at_us);
}

void finish_attempt(Tx& tx, AttemptRecord& a) {
  if (!a.finished_at_us) a.finished_at_us = std::max(now_us(), a.started_at_us);
  std::optional<std::string> outcome;
  if (a.outcome) outcome = std::string(sdk::to_string(*a.outcome));
  tx.sql().exec_prepared("attempt_finish", a.tenant_id, a.id, outcome, json_or_null(a.error),
                         a.http_exchanges, a.latency_us, a.connector_id, json_or_null(a.routing),
                         *a.finished_at_us);
}

void abandon_attempts(Tx& tx, std::string_view tenant_id, std::string_view payment_id,
                      std::string_view except_id, std::chrono::seconds older_than) {
  tx.sql().exec_prepared("attempt_abandon", std::string(tenant_id), std::string(payment_id),
                         std::string(except_id), static_cast<long long>(older_than.count()));
}

std::vector<AttemptRecord> list_attempts(Tx& tx, std::string_view tenant_id,
                                         std::string_view payment_id) {
  auto r = tx.sql().exec_prepared("attempt_list", std::string(tenant_id), std::string(payment_id));
  std::vector<AttemptRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_attempt(row));
  return out;
}

void insert_refund(Tx& tx, RefundRecord& x) {
  if (x.created_at_us == 0) x.created_at_us = now_us();
  x.updated_at_us = x.created_at_us;
  tx.sql().exec_prepared("refund_insert", x.id, x.tenant_id, mode_text(x.mode), x.payment_id,
                         x.amount, x.currency, text_or_null(x.reason),
                         std::string(sdk::to_string(x.status)), x.connector_id,
                         text_or_null(x.provider_ref), json_or_null(x.last_error),
                         json_text(x.metadata), x.created_at_us);
}

std::optional<RefundRecord> find_refund(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                                        std::string_view id) {
  auto r = tx.sql().exec_prepared("refund_find", std::string(tenant_id), mode_text(mode),
                                  std::string(id));
  if (r.empty()) return std::nullopt;
  return read_refund(r[0]);
}

std::optional<RefundRecord> lock_refund_any_mode(Tx& tx, std::string_view tenant_id,
                                                 std::string_view id) {
  auto r = tx.sql().exec_prepared("refund_lock_any_mode", std::string(tenant_id), std::string(id));
  if (r.empty()) return std::nullopt;
  return read_refund(r[0]);
}

bool update_refund(Tx& tx, RefundRecord& x) {
  x.updated_at_us = std::max(now_us(), x.created_at_us);
  auto r = tx.sql().exec_prepared(
      "refund_update", x.tenant_id, x.id, x.version, std::string(sdk::to_string(x.status)),
      text_or_null(x.provider_ref), json_or_null(x.last_error), x.updated_at_us);
  if (r.affected_rows() != 1) return false;
  ++x.version;
  return true;
}

std::vector<RefundRecord> list_refunds(Tx& tx, std::string_view tenant_id, sdk::Mode mode,
                                       std::string_view payment_id,
                                       const std::optional<ListPosition>& after, unsigned limit) {
  auto r = tx.sql().exec_prepared("refund_list", std::string(tenant_id), mode_text(mode),
                                  text_or_null(std::string(payment_id)), position_us(after),
                                  position_id(after), static_cast<long long>(limit));
  std::vector<RefundRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_refund(row));
  return out;
}

void insert_event(Tx& tx, const EventRecord& e) {
  tx.sql().exec_prepared("event_insert", e.id, e.tenant_id, mode_text(e.mode), e.type,
                         e.object_type, e.object_id, json_text(e.data));
}

}  // namespace payd::store
