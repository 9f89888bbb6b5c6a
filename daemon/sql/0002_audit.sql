-- The tamper-evident audit log (docs/audit.md): one SHA-256 hash chain per tenant, plus a
-- platform chain ('_platform') for security events that belong to no tenant.
--
-- Three layers, each catching what the one before cannot:
--   1. privileges: PUBLIC (so any role not granted more, the daemon's included) may not
--      UPDATE, DELETE or TRUNCATE the audit tables; the daemon is granted SELECT and INSERT
--      only (docs/audit.md shows the production grants);
--   2. triggers that raise on UPDATE, DELETE and TRUNCATE, so even the tables' owner (the
--      daemon's role in development) cannot rewrite history by accident or by a bug;
--   3. the hash chain and exported checkpoints, which detect what a superuser does after
--      disabling the triggers (session_replication_role = replica, ALTER TABLE ... DISABLE
--      TRIGGER): edited, deleted, swapped, inserted or truncated rows.

-- One row per chain: the last sequence number and the hash of that row. The appender locks
-- it (audit_lock_head), so concurrent appends in one tenant queue here and stay gapless.
-- No foreign key to tenants: the platform chain has no tenant, and a chain must outlive any
-- tenant it records.
CREATE TABLE audit_chain_heads (
  tenant_id  text PRIMARY KEY,
  last_seq   bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  head_hash  bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'
               CHECK (length(head_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE audit_log (
  tenant_id   text NOT NULL REFERENCES audit_chain_heads (tenant_id),
  seq         bigint NOT NULL CHECK (seq >= 1),
  id          text NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,  -- microseconds, UTC; hashed as unix microseconds
  actor       text NOT NULL,         -- api_key:sk_live_…abcd | user:usr_… | system | anonymous
  action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  target      text NOT NULL DEFAULT '',
  outcome     text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  request_id  text NOT NULL DEFAULT '',
  client_ip   text NOT NULL DEFAULT '',  -- truncated: IPv4 /24, IPv6 /48
  user_agent  text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 256),
  details     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  prev_hash   bytea NOT NULL CHECK (length(prev_hash) = 32),
  hash        bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, seq DESC);
CREATE INDEX audit_log_target ON audit_log (tenant_id, target, seq DESC);

INSERT INTO audit_chain_heads (tenant_id) VALUES ('_platform');
INSERT INTO audit_chain_heads (tenant_id) SELECT id FROM tenants;

-- Every tenant gets its chain head when it is created, so the appender always finds one
-- to lock (two first appends of a new tenant cannot both insert it).
CREATE FUNCTION audit_head_for_new_tenant() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO audit_chain_heads (tenant_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER tenants_audit_head AFTER INSERT ON tenants
  FOR EACH ROW EXECUTE FUNCTION audit_head_for_new_tenant();

-- The appender's lock: the chain's head, locked until the transaction ends. A function
-- (owned by the migration's role) so that the daemon needs no UPDATE privilege on the heads.
CREATE FUNCTION audit_lock_head(p_tenant text, OUT last_seq bigint, OUT head_hash bytea)
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
  SELECT h.last_seq, h.head_hash FROM audit_chain_heads h WHERE h.tenant_id = p_tenant FOR UPDATE
$$;

-- Each inserted row must extend its chain by exactly one link: the next sequence number
-- and the head's hash as prev_hash. The head then moves to the new row. Runs as the owner,
-- so the daemon needs no UPDATE privilege on the heads.
CREATE FUNCTION audit_log_extend_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  h audit_chain_heads%ROWTYPE;
BEGIN
  SELECT * INTO h FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_log: no chain head for tenant %', NEW.tenant_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NEW.seq <> h.last_seq + 1 OR NEW.prev_hash <> h.head_hash THEN
    RAISE EXCEPTION 'audit_log: row % does not extend the chain of tenant % (head at %)',
      NEW.seq, NEW.tenant_id, h.last_seq USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  UPDATE audit_chain_heads SET last_seq = NEW.seq, head_hash = NEW.hash
    WHERE tenant_id = NEW.tenant_id;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_log_extend AFTER INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_extend_chain();

-- Append-only, even for the owner.
CREATE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_heads_no_delete BEFORE DELETE ON audit_chain_heads
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_heads_no_truncate BEFORE TRUNCATE ON audit_chain_heads
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- A head only ever moves forward by one link, to a row that exists: it cannot be rolled
-- back to hide a truncated tail (short of disabling triggers, which checkpoints catch).
CREATE FUNCTION audit_head_move_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tenant_id <> OLD.tenant_id OR NEW.last_seq <> OLD.last_seq + 1 OR NOT EXISTS (
       SELECT 1 FROM audit_log l
        WHERE l.tenant_id = NEW.tenant_id AND l.seq = NEW.last_seq AND l.hash = NEW.head_hash) THEN
    RAISE EXCEPTION 'audit_chain_heads: a head moves forward by one appended row only'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_chain_heads_forward BEFORE UPDATE ON audit_chain_heads
  FOR EACH ROW EXECUTE FUNCTION audit_head_move_forward();

REVOKE ALL ON audit_log, audit_chain_heads FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION audit_lock_head(text), audit_log_extend_chain(),
  audit_head_for_new_tenant() FROM PUBLIC;
