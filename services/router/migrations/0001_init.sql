-- Router schema: directory (sites, teams), people, correspondents, conversations,
-- messages, and the append-only audit log.

CREATE TABLE sites (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    timezone    text NOT NULL DEFAULT 'Europe/Paris',
    region      text NOT NULL DEFAULT 'FR',
    sms_from    text,
    sender_kind text NOT NULL DEFAULT 'two_way' CHECK (sender_kind IN ('two_way', 'one_way')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
    site_id       text NOT NULL REFERENCES sites (id),
    id            text NOT NULL,
    name_fr       text NOT NULL,
    name_en       text NOT NULL,
    sla_hours     jsonb NOT NULL DEFAULT '{"P1": 1, "P2": 4, "P3": 24, "P4": 72}'::jsonb,
    PRIMARY KEY (site_id, id)
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('agent', 'lead', 'admin')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE team_members (
    user_id uuid NOT NULL REFERENCES users (id),
    site_id text NOT NULL,
    team_id text NOT NULL,
    PRIMARY KEY (user_id, site_id, team_id),
    FOREIGN KEY (site_id, team_id) REFERENCES teams (site_id, id)
);

CREATE TABLE api_tokens (
    token_sha256 text PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    expires_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE correspondents (
    id           uuid PRIMARY KEY,
    address      text NOT NULL UNIQUE,
    kind         text NOT NULL,
    raw          text,
    unparsed     boolean NOT NULL DEFAULT false,
    verified     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
    id               uuid PRIMARY KEY,
    site_id          text NOT NULL REFERENCES sites (id),
    correspondent_id uuid NOT NULL REFERENCES correspondents (id),
    reference        text NOT NULL UNIQUE,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    team             text NOT NULL,
    priority         text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
    urgent           boolean NOT NULL DEFAULT false,
    needs_triage     boolean NOT NULL DEFAULT false,
    assignee         uuid REFERENCES users (id),
    explanation      jsonb NOT NULL,
    lang             text NOT NULL DEFAULT 'fr',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    last_inbound_at  timestamptz NOT NULL DEFAULT now()
);
-- One open conversation per correspondent and site (threading is race-safe).
CREATE UNIQUE INDEX conversations_one_open
    ON conversations (correspondent_id, site_id) WHERE status = 'open';
CREATE INDEX conversations_by_correspondent ON conversations (correspondent_id, created_at DESC);
CREATE INDEX conversations_queue ON conversations (site_id, team, status, priority);

CREATE TABLE messages (
    id              uuid PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id),
    direction       text NOT NULL CHECK (direction IN ('in', 'out')),
    channel         text NOT NULL,
    kind            text NOT NULL,
    dedupe_key      text NOT NULL,
    contact_id      uuid UNIQUE,
    notification_id uuid UNIQUE,
    subject         text,
    body            text,
    attachments     jsonb NOT NULL DEFAULT '[]'::jsonb,
    delivery_status text,
    provider_code   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
-- A replayed event or a provider's retried webhook is a no-op.
CREATE UNIQUE INDEX messages_dedupe_key ON messages (dedupe_key);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);

CREATE TABLE audit_log (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    action          text NOT NULL,
    conversation_id uuid,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_by_conversation ON audit_log (conversation_id, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
