-- create_payment.sql -- pgbench script: the SQL payd runs for one POST /api/v1/payments
-- (sandbox connector, card 4242..., automatic capture, a new Idempotency-Key), in payd's
-- order and with payd's transaction boundaries. One pgbench "transaction" = one request.
-- Used by bench/run_api_bench.sh (issue #4) as the database ceiling for create-payment:
--
--   pgbench -n -M prepared -c POOL_SIZE -j 1 -T 20 -f bench/sql/create_payment.sql \
--           -D tenant_id=ten_... -D key_lookup=... (the script passes every -D)
--
-- Captured with log_statement=all from payd at commit time of this file (the script
-- re-captures payd's statements on every run and checks that this file still matches:
-- same statements, same order, same BEGIN/COMMIT; see "sql check" in its output).
-- Each payd parameter $n is a pgbench variable here (so the statement text is payd's,
-- up to the parameter numbers), except parameters payd sends as NULL, which are written
-- NULL. Strings come from -D, new ids from \set (18-19 digit numbers instead of payd's
-- 28-character "pay_..." ids: the columns are text either way).
-- One textual difference: pgbench takes every ":NAME" for a variable, even inside a string
-- literal, so payd's to_char format 'YYYY-MM-DD"T"HH24:MI:SS"Z"' is written
-- 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"' here (a quoted ":" in to_char: the same output).
--
-- Request 1: authentication (payd: api_key_by_lookup, no transaction)
SELECT k.id, k.tenant_id, t.name, k.mode, k.kind, k.lookup, k.secret_hash, k.last4, k.name, k.role, k.scopes, to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"'), to_char(k.last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"'), to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS"Z"') FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.lookup = :key_lookup;
\set pid random(1000000000000000000, 9223372036854775806)
\set ikey random(1000000000000000000, 9223372036854775806)
\set e1 random(1000000000000000000, 9223372036854775806)
\set e2 random(1000000000000000000, 9223372036854775806)
\set e3 random(1000000000000000000, 9223372036854775806)
-- payd's clock for created_at/updated_at: rises with each of this client's transactions
-- (pgbench variables live on across a client's transactions; -D seq=0 -D t0_us=<start>), so
-- that the payments_list index grows at one edge as with payd, not at random places.
\set seq :seq + 1
\set now_us :t0_us + :seq * 1000
-- Transaction 1: claim the Idempotency-Key (payd: idem_insert); RETURNING locked_at -> :idem_int8
BEGIN;
INSERT INTO idempotency_keys (tenant_id, mode, key, fingerprint, method, path, state) VALUES (:tenant_id, :mode, :ikey, decode(:fingerprint, 'hex'), :method, :path, 'in_progress') ON CONFLICT (tenant_id, mode, key) DO NOTHING RETURNING (extract(epoch from locked_at) * 1000000)::bigint \gset idem_
COMMIT;
-- Transaction 2: the payment, its attempt, payment.created, its audit row, the safety-net
-- sync job, and the resource recorded on the idempotency row (payd: payment_insert,
-- attempt_insert, event_insert, audit_lock_head, audit_insert, job_schedule,
-- idem_mark_resource)
BEGIN;
INSERT INTO payments (id, tenant_id, mode, status, amount, currency, capture_method, amount_capturable, amount_received, amount_refunded, payment_method_types, payment_method, connector_id, provider_ref, next_action, last_error, customer_email, customer_name, description, reference, metadata, return_url, cancel_url, line_items, plugin_state, expires_at, created_at, updated_at) VALUES (:pid, :tenant_id, :mode, :status_processing, :amount, :currency, :capture_method, :zero, :zero, :zero, :pm_types::text[], :pm_summary::jsonb, :connector, NULL, NULL::jsonb, NULL::jsonb, NULL, NULL, NULL, NULL, :metadata::jsonb, NULL, NULL, :line_items::jsonb, :plugin_state_new::jsonb, to_timestamp(:expires_s::bigint), ('epoch'::timestamptz + (:now_us)::bigint * interval '1 microsecond'), ('epoch'::timestamptz + (:now_us)::bigint * interval '1 microsecond'));
INSERT INTO payment_attempts (id, tenant_id, payment_id, refund_id, operation, connector_id, idempotency_key, amount, routing, started_at) VALUES (:pid, :tenant_id, :pid, NULL, :operation, :connector, :pid, :amount, :routing::jsonb, ('epoch'::timestamptz + (:now_us)::bigint * interval '1 microsecond'));
INSERT INTO events (id, tenant_id, mode, type, object_type, object_id, data) VALUES (:e1, :tenant_id, :mode, :event_created, :object_type, :pid, :event_created_data::jsonb);
-- The audit row (issue #5, payd: audit_lock_head, audit_insert): the tenant's chain head,
-- locked until COMMIT, then the row that extends it (the trigger checks seq and prev_hash).
-- The row's hash is a constant here: payd computes SHA-256 in C++, not in SQL.
SELECT last_seq, encode(head_hash, 'hex') FROM audit_lock_head(:tenant_id) \gset audit_
\set audit_next :audit_last_seq + 1
INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor, action, target, outcome, request_id, client_ip, user_agent, details, prev_hash, hash) VALUES (:tenant_id, :audit_next, :e3, 'epoch'::timestamptz + :now_us::bigint * interval '1 microsecond', :audit_actor, :event_created, :pid, :audit_outcome, :e3, :audit_ip, :audit_ua, :audit_details::jsonb, decode(:audit_encode, 'hex'), decode(:audit_hash, 'hex'));
INSERT INTO scheduled_jobs (tenant_id, kind, object_id, run_at) VALUES (:tenant_id, :job_kind, :pid, clock_timestamp() + :job_delay_s::bigint * interval '1 second') ON CONFLICT (kind, object_id) DO UPDATE SET run_at = LEAST(scheduled_jobs.run_at, EXCLUDED.run_at);
UPDATE idempotency_keys SET resource_type = :object_type, resource_id = :pid WHERE tenant_id = :tenant_id AND mode = :mode AND key = :ikey AND state = 'in_progress';
COMMIT;
-- (payd calls the sandbox connector here: no database work)
-- Transaction 3: the outcome (payd: attempt_finish, payment_update with the version check,
-- event_insert payment.succeeded, job_cancel)
BEGIN;
UPDATE payment_attempts SET outcome = :outcome, error = NULL::jsonb, http_exchanges = :zero, latency_us = :latency_us, finished_at = ('epoch'::timestamptz + (:now_us)::bigint * interval '1 microsecond'), connector_id = :connector, routing = :routing::jsonb WHERE tenant_id = :tenant_id AND id = :pid;
UPDATE payments SET status = :status_succeeded, amount_capturable = :zero, amount_received = :amount, amount_refunded = :zero, connector_id = :connector, provider_ref = :pid, next_action = NULL::jsonb, last_error = NULL::jsonb, plugin_state = :plugin_state_done::jsonb, payment_method = :pm_summary::jsonb, expires_at = to_timestamp(NULL::bigint), version = version + 1, updated_at = ('epoch'::timestamptz + (:now_us)::bigint * interval '1 microsecond') WHERE tenant_id = :tenant_id AND id = :pid AND version = :zero;
INSERT INTO events (id, tenant_id, mode, type, object_type, object_id, data) VALUES (:e2, :tenant_id, :mode, :event_succeeded, :object_type, :pid, :event_succeeded_data::jsonb);
DELETE FROM scheduled_jobs WHERE kind = :job_kind AND object_id = :pid;
COMMIT;
-- Transaction 4: store the response for replays (payd: idem_lock, idem_complete)
BEGIN;
SELECT resource_type, resource_id FROM idempotency_keys WHERE tenant_id = :tenant_id AND mode = :mode AND key = :ikey AND state = 'in_progress' AND (extract(epoch from locked_at) * 1000000)::bigint = :idem_int8 FOR UPDATE;
UPDATE idempotency_keys SET state = 'completed', response_status = :response_status, response_headers = :response_headers::jsonb, response_body = :response_body, completed_at = clock_timestamp() WHERE tenant_id = :tenant_id AND mode = :mode AND key = :ikey AND state = 'in_progress' AND (extract(epoch from locked_at) * 1000000)::bigint = :idem_int8;
COMMIT;
