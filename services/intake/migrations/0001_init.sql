-- Intake's own tables (the shared runner creates outbox and processed_events first;
-- search_path is the intake schema here, so names are unqualified).

-- Idempotency keys of the generic integrators' API (POST /v1/contacts): a replayed
-- (integration, Idempotency-Key) answers the first response; kept 24 h.
CREATE TABLE idempotency_keys (
    integration     text        NOT NULL,
    idempotency_key text        NOT NULL,
    request_sha256  text        NOT NULL,
    contact_id      text        NOT NULL,
    dedupe_key      text        NOT NULL,
    status_code     integer     NOT NULL,
    response        jsonb       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    PRIMARY KEY (integration, idempotency_key),
    CONSTRAINT idempotency_key_length CHECK (length(idempotency_key) BETWEEN 1 AND 255)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
