-- Users who sign in with a password for short-lived JWTs, their tenants, and TOTP step-up
-- (docs/users.md). No secret is stored in a form that can be used as is: passwords as scrypt
-- hashes, TOTP seeds sealed with AES-256-GCM under a key-encryption key that is never in
-- the database, recovery codes as SHA-256 (they carry 60 random bits each).

CREATE TABLE users (
  id            text PRIMARY KEY,
  -- Stored lower-case: one account per address whatever the case typed.
  email         text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) <= 254),
  password_hash text NOT NULL,
  -- Consecutive wrong passwords; reset by a success and when a lockout starts.
  failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);

-- A user may belong to several tenants, with one role in each.
CREATE TABLE user_memberships (
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id  text NOT NULL REFERENCES tenants (id),
  role       text NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'support', 'analyst',
                                           'read_only')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX user_memberships_tenant ON user_memberships (tenant_id);

-- One TOTP factor per user. `secret_sealed` opens only with the KEK named by `kek_id` and the
-- AAD "mfa_totp:<user id>", so a seed copied to another row does not open.
-- `last_used_step` makes each code single use: a code is accepted only through
-- UPDATE ... WHERE last_used_step IS NULL OR last_used_step < <its step>.
CREATE TABLE mfa_factors (
  user_id        text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret_sealed  bytea NOT NULL,
  kek_id         text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  confirmed_at   timestamptz,
  last_used_step bigint,
  -- Wrong codes in a row, for this user whatever the IP or daemon: at auth.mfa.max_failures
  -- the factor refuses every code (right ones too) until locked_until.
  failed_codes   integer NOT NULL DEFAULT 0,
  locked_until   timestamptz
);

CREATE TABLE mfa_recovery_codes (
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at    timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- A privileged request refused with 401 MFA_CHALLENGE_REQUIRED; verifying a code for it (as
-- the same user) grants a step-up.
CREATE TABLE mfa_challenges (
  id           text PRIMARY KEY,
  user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id    text NOT NULL REFERENCES tenants (id),
  action       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  satisfied_at timestamptz
);
CREATE INDEX mfa_challenges_expiry ON mfa_challenges (expires_at);

-- A verified step-up, bound to the user. scope '*' covers every privileged action; the
-- scope 'mfa-disable' is granted only by a challenge for disabling MFA itself.
CREATE TABLE mfa_step_ups (
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope      text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, scope)
);
