-- get_payment.sql -- pgbench script: the SQL payd runs for one GET /api/v1/payments/{id},
-- in payd's order and with payd's transaction boundaries. One pgbench "transaction" = one
-- request. Used by bench/run_api_bench.sh (issue #4) as the database ceiling for get-payment.
--
-- The rows read are copies of the payments (and their attempts) that payd created for the
-- wrk scenario, under the ids 1000000000000000001 .. 1000000000000000000 + :nids, so that
-- pgbench can pick one at random with \set and send it as a parameter like payd does.
-- Each payd parameter $n is a pgbench variable here; the script passes every -D and checks
-- on each run that this file still matches what payd sends (see create_payment.sql,
-- also for the one textual difference, HH24":"MI":"SS in the to_char formats).
--
-- Authentication (payd: api_key_by_lookup, no transaction)
SELECT k.id, k.tenant_id, t.name, k.mode, k.kind, k.lookup, k.secret_hash, k.last4, k.name, k.role, k.scopes, to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"'), to_char(k.last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"'), to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"') FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.lookup = :key_lookup;
\set pid 1000000000000000000 + random(1, :nids)
-- The payment and its attempts in one statement, outside any transaction (payd:
-- payment_with_attempts, no transaction)
SELECT p.*, a.* FROM (SELECT id, tenant_id, mode, status, amount, currency, capture_method, amount_capturable, amount_received, amount_refunded, array_to_json(payment_method_types)::text, payment_method::text, connector_id, provider_ref, next_action::text, last_error::text, customer_email, customer_name, description, reference, metadata::text, return_url, cancel_url, line_items::text, plugin_state::text, extract(epoch from expires_at)::bigint, version, (extract(epoch from created_at) * 1000000)::bigint, (extract(epoch from updated_at) * 1000000)::bigint FROM payments WHERE tenant_id = :tenant_id AND mode = :mode AND id = :pid) p LEFT JOIN LATERAL (SELECT id, tenant_id, payment_id, refund_id, operation, connector_id, idempotency_key, amount, routing::text, outcome, error::text, http_exchanges, latency_us, (extract(epoch from started_at) * 1000000)::bigint, (extract(epoch from finished_at) * 1000000)::bigint FROM payment_attempts WHERE tenant_id = :tenant_id AND payment_id = :pid) a ON true;
