-- Identity (patients, correspondent links, address verification, one-time codes) and
-- threading (a patient's open conversation, email Message-IDs, CSAT ratings).

-- Correspondents: how the address was read and who confirmed it.
ALTER TABLE correspondents
    ADD COLUMN is_mobile           boolean NOT NULL DEFAULT false,
    ADD COLUMN number_type         text,
    ADD COLUMN verified_at         timestamptz,
    ADD COLUMN verified_by         text,
    ADD COLUMN verification_method text CHECK (verification_method IN ('agent', 'otp'));

CREATE TABLE patients (
    id           uuid PRIMARY KEY,
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    birth_date   date,
    external_ref text,           -- the clinic's own patient file number
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX patients_external_ref ON patients (external_ref) WHERE external_ref IS NOT NULL;

-- A link is never deleted: unlinking stamps unlinked_*; linking again adds a row.
CREATE TABLE correspondent_links (
    id                  uuid PRIMARY KEY,
    correspondent_id    uuid NOT NULL REFERENCES correspondents (id),
    patient_id          uuid NOT NULL REFERENCES patients (id),
    relation            text NOT NULL CHECK (relation IN ('self', 'parent', 'carer', 'care_home')),
    verified            boolean NOT NULL DEFAULT false,
    verified_at         timestamptz,
    verified_by         text,
    verification_method text CHECK (verification_method IN ('agent', 'otp')),
    created_by          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    unlinked_at         timestamptz,
    unlinked_by         text,
    unlink_reason       text
);
CREATE UNIQUE INDEX correspondent_links_active
    ON correspondent_links (correspondent_id, patient_id) WHERE unlinked_at IS NULL;
CREATE INDEX correspondent_links_by_patient
    ON correspondent_links (patient_id) WHERE unlinked_at IS NULL;

CREATE TABLE verification_codes (
    id               uuid PRIMARY KEY,
    correspondent_id uuid NOT NULL REFERENCES correspondents (id),
    patient_id       uuid REFERENCES patients (id),  -- the link the code also verifies
    site_id          text NOT NULL REFERENCES sites (id),
    notification_id  uuid NOT NULL UNIQUE,
    code_digest      text NOT NULL,                  -- HMAC-SHA256 keyed by id, never the code
    expires_at       timestamptz NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    consumed_at      timestamptz,
    issued_by        text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_codes_by_correspondent ON verification_codes (correspondent_id, created_at DESC);

-- Conversations belong to a patient once the address has one trusted link.
-- One open conversation per (patient, site), and per (address, site) for those without
-- a patient: threading locks the correspondent and patient rows, the indexes back it up.
ALTER TABLE conversations
    ADD COLUMN patient_id uuid REFERENCES patients (id),
    ADD COLUMN follows_id uuid REFERENCES conversations (id);
DROP INDEX conversations_one_open;
CREATE UNIQUE INDEX conversations_one_open
    ON conversations (correspondent_id, site_id) WHERE status = 'open' AND patient_id IS NULL;
CREATE UNIQUE INDEX conversations_one_open_per_patient
    ON conversations (patient_id, site_id) WHERE status = 'open' AND patient_id IS NOT NULL;
CREATE INDEX conversations_open_by_correspondent
    ON conversations (correspondent_id, site_id) WHERE status = 'open';
CREATE INDEX conversations_by_patient ON conversations (patient_id, created_at DESC)
    WHERE patient_id IS NOT NULL;

-- Who wrote an inbound message (a conversation may hear from several addresses),
-- and a CSAT reply's rating (a rating, not a contact).
ALTER TABLE messages
    ADD COLUMN correspondent_id uuid REFERENCES correspondents (id),
    ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5);

-- Email threading: every Message-ID seen or sent, mapped to its conversation.
CREATE TABLE email_message_ids (
    message_id      text PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id),
    direction       text NOT NULL CHECK (direction IN ('in', 'out')),
    notification_id uuid,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_message_ids_by_conversation ON email_message_ids (conversation_id, created_at);
