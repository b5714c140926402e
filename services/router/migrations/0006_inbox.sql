-- The agents' inbox: SLA clocks, claim and snooze state, tags and contact reasons,
-- internal notes, idempotent commands, canned replies, who views a conversation, full-text
-- search, and the change feed that live queues (Server-Sent Events) read.

ALTER TABLE conversations
    ADD COLUMN due_at             timestamptz,       -- SLA deadline of the first answer
    ADD COLUMN sla_paused_at      timestamptz,       -- snoozed or waiting on the patient
    ADD COLUMN sla_remaining_s    double precision,  -- open-hours seconds left when paused
    ADD COLUMN snoozed_until      timestamptz,
    ADD COLUMN waiting_on_patient boolean NOT NULL DEFAULT false,
    ADD COLUMN claimed_at         timestamptz,
    ADD COLUMN agent_touched_at   timestamptz,       -- the assignee's last action
    ADD COLUMN breach_alerted_at  timestamptz,
    ADD COLUMN tags               text[] NOT NULL DEFAULT '{}',
    ADD COLUMN reason             text,
    -- What the latest version changed and who changed it (NULL: the patient or Relais):
    -- every writer that bumps `version` says so, the feed trigger copies it.
    ADD COLUMN last_change        text,
    ADD COLUMN last_actor         text;

-- Open conversations keep the deadline their acknowledgement was computed with.
UPDATE conversations SET due_at = (explanation->'eta'->>'sla_deadline')::timestamptz
WHERE status = 'open' AND explanation->'eta'->>'sla_deadline' IS NOT NULL;
UPDATE conversations SET due_at = created_at + interval '24 hours'
WHERE status = 'open' AND due_at IS NULL;

-- A team's queue: its open conversations, urgent first, then priority, then due time.
CREATE INDEX conversations_team_queue ON conversations (site_id, team, urgent DESC, priority, due_at)
    WHERE status = 'open';
CREATE INDEX conversations_by_assignee ON conversations (assignee) WHERE status = 'open';
CREATE INDEX conversations_sla_watch ON conversations (due_at)
    WHERE status = 'open' AND first_response_at IS NULL AND breach_alerted_at IS NULL;
CREATE INDEX conversations_paused ON conversations (sla_paused_at) WHERE sla_paused_at IS NOT NULL;

CREATE TABLE notes (
    id              uuid PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id),
    author          uuid NOT NULL REFERENCES users (id),
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_by_conversation ON notes (conversation_id, created_at);

-- Who sent an agent's reply (the message row keeps body and delivery state).
ALTER TABLE messages ADD COLUMN author uuid REFERENCES users (id);

-- A retried click (same person, same client key) gets the first answer, never a second effect.
CREATE TABLE command_keys (
    user_id         uuid NOT NULL REFERENCES users (id),
    client_key      text NOT NULL CHECK (length(client_key) BETWEEN 1 AND 100),
    command         text NOT NULL,
    conversation_id uuid NOT NULL,
    status          smallint NOT NULL,
    answer          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_key)
);
CREATE INDEX command_keys_by_age ON command_keys (created_at);

-- Canned replies a site sets per team (without any, the built-in FR/EN ones are offered).
CREATE TABLE canned_replies (
    id         uuid PRIMARY KEY,
    site_id    text NOT NULL,
    team       text NOT NULL,
    lang       text NOT NULL CHECK (lang IN ('fr', 'en')),
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    position   integer NOT NULL DEFAULT 0,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canned_replies_by_team ON canned_replies (site_id, team, lang, position);

-- Who has a conversation open and who types (a heartbeat; gone after 30 s). Nothing here
-- is worth a WAL record.
CREATE UNLOGGED TABLE conversation_viewers (
    conversation_id uuid NOT NULL,
    user_id         uuid NOT NULL,
    typing          boolean NOT NULL DEFAULT false,
    seen_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, user_id)
);

-- The change feed: one row per new version of a conversation (and per delivery state it
-- heard), read by the API processes' Server-Sent Events hub after a NOTIFY, resumable by
-- its id (Last-Event-ID); the 409 of a stale command lists its rows. Pruned after 2 days.
CREATE TABLE inbox_feed (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    conversation_id uuid NOT NULL,
    site_id         text NOT NULL,
    team            text NOT NULL,
    version         integer NOT NULL,
    change          text NOT NULL,
    actor           text
);
CREATE INDEX inbox_feed_by_conversation ON inbox_feed (conversation_id, version);
CREATE INDEX inbox_feed_by_age ON inbox_feed (at);

CREATE FUNCTION conversations_feed_insert() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO inbox_feed (conversation_id, site_id, team, version, change)
    SELECT id, site_id, team, version, 'routed' FROM new_rows;
    PERFORM pg_notify('router_inbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER conversations_feed_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION conversations_feed_insert();

CREATE FUNCTION conversations_feed_update() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO inbox_feed (conversation_id, site_id, team, version, change, actor)
    SELECT n.id, n.site_id, n.team, n.version, coalesce(n.last_change, 'updated'), n.last_actor
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.version <> o.version;
    IF FOUND THEN
        PERFORM pg_notify('router_inbox', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER conversations_feed_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION conversations_feed_update();

CREATE FUNCTION messages_feed_delivery() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO inbox_feed (conversation_id, site_id, team, version, change)
    SELECT c.id, c.site_id, c.team, c.version, 'delivery_status'
    FROM (SELECT DISTINCT n.conversation_id FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE n.delivery_status IS DISTINCT FROM o.delivery_status) d
    JOIN conversations c ON c.id = d.conversation_id;
    IF FOUND THEN
        PERFORM pg_notify('router_inbox', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER messages_feed_delivery AFTER UPDATE ON messages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION messages_feed_delivery();

-- Search: French and English full text over what patients and agents wrote (accents
-- folded: patients often type without them), and patients' names.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE FUNCTION search_vector(body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_tsvector('pg_catalog.french', public.unaccent('public.unaccent', coalesce(body, '')))
              || to_tsvector('pg_catalog.english', public.unaccent('public.unaccent', coalesce(body, ''))) $$;
CREATE INDEX messages_search ON messages USING gin (search_vector(body));
CREATE INDEX patients_by_name ON patients (lower(display_name) text_pattern_ops);
