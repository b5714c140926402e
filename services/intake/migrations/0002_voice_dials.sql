-- Calls whose <Dial action> callback intake has seen: a status callback for a call that
-- ended without one (the caller hung up before the Dial) is a missed call. Kept 24 h;
-- no phone numbers, only the provider's call id.
CREATE TABLE voice_dials (
    call_sid    text        PRIMARY KEY,
    dial_status text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    CONSTRAINT call_sid_length CHECK (length(call_sid) BETWEEN 1 AND 64)
);
CREATE INDEX voice_dials_expiry ON voice_dials (expires_at);
