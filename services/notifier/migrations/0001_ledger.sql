-- The send ledger: one row per notification, written as 'sending' and committed
-- before the provider is called, so a crash can never turn into a blind resend.
CREATE TABLE notifications (
    notification_id     text        PRIMARY KEY,
    dedupe_key          text        NOT NULL UNIQUE,
    site_id             text        NOT NULL,
    conversation_id     text,
    correlation_id      text,
    kind                text        NOT NULL,
    channel             text        NOT NULL,
    address             text        NOT NULL,
    sender              text        NOT NULL,
    lang                text        NOT NULL DEFAULT 'fr',
    body                text        NOT NULL,
    status              text        NOT NULL CHECK (status IN (
        'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered',
        'bounced', 'suppressed', 'expired')),
    provider_message_id text,
    provider_code       text,
    attempts            integer     NOT NULL DEFAULT 0,
    -- true while a POST may have reached the provider without us knowing its outcome
    in_doubt            boolean     NOT NULL DEFAULT false,
    -- an attempt in progress (or the settle time after an ambiguous one) holds the row
    lease_until         timestamptz,
    last_error          text,
    expires_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz
);
CREATE INDEX notifications_sending ON notifications (created_at) WHERE status = 'sending';
CREATE INDEX notifications_address ON notifications (address, created_at);
-- A provider message belongs to one notification: reconciliation never claims a sid twice.
CREATE UNIQUE INDEX notifications_provider_message_id
    ON notifications (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- Opt-out per (site, address), from opt_out/opt_in contacts and provider refusals (21610).
-- A row is kept on opt-in (suppressed = false) so an older event never wins over a newer one.
CREATE TABLE suppressions (
    site_id    text        NOT NULL,
    address    text        NOT NULL,
    suppressed boolean     NOT NULL,
    reason     text        NOT NULL,
    changed_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, address)
);
