-- Service directory in the database (the YAML only seeds an empty one): per site the
-- clinic name, public holidays, sender profile and on-call contact; per team the
-- intents, channels, opening hours, capacity, SLA, overflow team, phone line and leads.
-- Every change is a new row of directory_versions (append-only) plus an audit_log row.
-- Conversations gain first_response_at / resolved_at, which the ETA's throughput and
-- median response time are computed from.

ALTER TABLE sites
    ADD COLUMN clinic_name      text,
    ADD COLUMN holidays_country text NOT NULL DEFAULT 'FR',
    ADD COLUMN holidays_subdiv  text,
    ADD COLUMN sender_id        text,
    ADD COLUMN on_call          jsonb,
    ADD COLUMN position         integer NOT NULL DEFAULT 0,
    ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now();

ALTER TABLE teams
    ADD COLUMN intents          jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN channels         jsonb NOT NULL
        DEFAULT '["sms", "voice", "email", "chat", "other"]'::jsonb,
    ADD COLUMN hours            jsonb,  -- weekday -> ["HH:MM-HH:MM", ...]; NULL: always open
    ADD COLUMN open_on_holidays boolean NOT NULL DEFAULT false,
    ADD COLUMN capacity         integer CHECK (capacity IS NULL OR capacity > 0),
    ADD COLUMN overflow_team    text,
    ADD COLUMN phone_line       jsonb,
    ADD COLUMN leads            jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN position         integer NOT NULL DEFAULT 0,
    ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT teams_overflow_other CHECK (overflow_team IS DISTINCT FROM id),
    ADD CONSTRAINT teams_overflow_exists FOREIGN KEY (site_id, overflow_team)
        REFERENCES teams (site_id, id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE directory_versions (
    version  integer PRIMARY KEY CHECK (version > 0),
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,
    action   text NOT NULL CHECK (action IN ('seed', 'baseline', 'import', 'update')),
    changes  jsonb NOT NULL,  -- [{path, op, from, to}]
    snapshot jsonb NOT NULL   -- the whole directory document at this version
);

CREATE FUNCTION directory_versions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'directory_versions is append-only';
END $$;
CREATE TRIGGER directory_versions_no_update BEFORE UPDATE OR DELETE ON directory_versions
    FOR EACH ROW EXECUTE FUNCTION directory_versions_are_append_only();
CREATE TRIGGER directory_versions_no_truncate BEFORE TRUNCATE ON directory_versions
    FOR EACH STATEMENT EXECUTE FUNCTION directory_versions_are_append_only();

-- What the ETA measures. A conversation is "handled" at its first agent reply (an
-- outbound message of kind 'reply') or, failing that, at its closure.
ALTER TABLE conversations
    ADD COLUMN first_response_at timestamptz,
    ADD COLUMN resolved_at       timestamptz;

UPDATE conversations SET resolved_at = updated_at WHERE status = 'resolved';
UPDATE conversations c SET first_response_at = m.first_at
FROM (SELECT conversation_id, min(created_at) AS first_at FROM messages
      WHERE direction = 'out' AND kind = 'reply' GROUP BY conversation_id) m
WHERE m.conversation_id = c.id;

CREATE FUNCTION conversations_track_resolution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'resolved' AND OLD.status IS DISTINCT FROM 'resolved' THEN
        NEW.resolved_at := coalesce(NEW.resolved_at, now());
    ELSIF NEW.status <> 'resolved' AND OLD.status = 'resolved' THEN
        NEW.resolved_at := NULL;  -- reopened
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conversations_resolution BEFORE UPDATE OF status ON conversations
    FOR EACH ROW EXECUTE FUNCTION conversations_track_resolution();

-- search_path FROM CURRENT: the body names router tables whatever the caller's path.
CREATE FUNCTION messages_track_first_response() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE conversations SET first_response_at = NEW.created_at
    WHERE id = NEW.conversation_id AND first_response_at IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER messages_first_response AFTER INSERT ON messages
    FOR EACH ROW WHEN (NEW.direction = 'out' AND NEW.kind = 'reply')
    EXECUTE FUNCTION messages_track_first_response();

-- Backlog ahead (open, not yet answered), throughput and median over recent days.
CREATE INDEX conversations_waiting ON conversations (site_id, team, priority)
    WHERE status = 'open' AND first_response_at IS NULL;
CREATE INDEX conversations_open_by_team ON conversations (site_id, team)
    WHERE status = 'open';
CREATE INDEX conversations_first_response ON conversations (site_id, team, first_response_at)
    WHERE first_response_at IS NOT NULL;
CREATE INDEX conversations_resolved ON conversations (site_id, team, resolved_at)
    WHERE resolved_at IS NOT NULL;
