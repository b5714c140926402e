-- Sign-in and accounts: disabling, TOTP for leads and admins, lockout after repeated
-- failures, password age, agents' capacity and presence; bearer tokens and browser
-- sessions that expire, can be revoked, and say where they were opened.

ALTER TABLE users
    ADD COLUMN disabled_at         timestamptz,
    ADD COLUMN totp_secret         text,        -- base32 (RFC 6238); leads and admins
    ADD COLUMN totp_last_step      bigint,      -- last accepted time-step: a code works once
    ADD COLUMN failed_logins       integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    ADD COLUMN lockouts            integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    ADD COLUMN locked_until        timestamptz,
    ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN capacity            integer NOT NULL DEFAULT 8 CHECK (capacity >= 0),
    ADD COLUMN presence            text NOT NULL DEFAULT 'offline'
        CHECK (presence IN ('available', 'away', 'offline')),
    ADD COLUMN presence_at         timestamptz,
    ADD CONSTRAINT users_username_length CHECK (length(username) BETWEEN 1 AND 64);

-- Tokens made before this migration had 12 h lifetimes or none: none never expires again.
UPDATE api_tokens SET expires_at = created_at + interval '12 hours' WHERE expires_at IS NULL;

ALTER TABLE api_tokens
    ALTER COLUMN expires_at SET NOT NULL,
    ADD COLUMN kind         text NOT NULL DEFAULT 'bearer' CHECK (kind IN ('bearer', 'session')),
    ADD COLUMN csrf_sha256  text,               -- sessions: digest of the CSRF token
    ADD COLUMN revoked_at   timestamptz,
    ADD COLUMN last_used_at timestamptz,        -- moved at most once a minute
    ADD COLUMN user_agent   text CHECK (length(user_agent) <= 256),
    ADD COLUMN ip           inet,
    ADD CONSTRAINT api_tokens_session_has_csrf CHECK (kind = 'bearer' OR csrf_sha256 IS NOT NULL);

-- Revoking a person's tokens (disable, password reset) and pruning old ones.
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, expires_at);
