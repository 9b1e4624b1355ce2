-- A material change of a document (data kept longer, a new recipient) is proposed by one privacy
-- officer and approved by another; its effective date is set at approval, a notice period ahead.
-- The body and its hash never change; only the approval is written, once.
ALTER TABLE document_version ADD COLUMN state text NOT NULL DEFAULT 'PUBLISHED' CHECK (state IN ('PROPOSED', 'PUBLISHED', 'WITHDRAWN'));
ALTER TABLE document_version ADD COLUMN approved_by uuid REFERENCES staff_user (id);
ALTER TABLE document_version ADD COLUMN approved_at timestamptz;
ALTER TABLE document_version ADD CONSTRAINT document_version_approved_by_another
    CHECK (approved_by IS NULL OR approved_by <> published_by);
DROP INDEX document_version_in_force;
CREATE INDEX document_version_in_force ON document_version (kind, language, effective_at DESC) WHERE state = 'PUBLISHED';
GRANT UPDATE (state, approved_by, approved_at, effective_at) ON document_version TO ${runtime_role};

-- People who asked to hear of material changes to the public documents. An address counts only
-- once confirmed through the link mailed to it (double opt-in); the links carry tokens derived
-- from the server key and the row's id, so no token is stored. Unsubscribing deletes the row.
CREATE TABLE document_subscription (
    id            uuid        PRIMARY KEY,
    email         text        NOT NULL CHECK (length(email) <= 254),
    email_key     bytea       NOT NULL UNIQUE CHECK (octet_length(email_key) = 32),
    language      text        NOT NULL,
    created_at    timestamptz NOT NULL,
    confirmed_at  timestamptz,
    last_mailed_at timestamptz NOT NULL
);
CREATE INDEX document_subscription_unconfirmed_idx ON document_subscription (created_at) WHERE confirmed_at IS NULL;

-- Every notice of a material change: one email per confirmed subscriber, and the gateway webhook
-- (for the gateway to tell its account holders) where configured; each with its delivery. The
-- confirmation mail of a new subscription goes through the same outbox (kind "subscription").
CREATE TABLE document_notice (
    id               uuid        PRIMARY KEY,
    kind             text        NOT NULL,
    language         text        NOT NULL,
    version          integer     NOT NULL,
    channel          text        NOT NULL CHECK (channel IN ('CONFIRMATION', 'EMAIL', 'GATEWAY_WEBHOOK')),
    subscription_id  uuid        REFERENCES document_subscription (id) ON DELETE SET NULL,
    webhook_id       uuid        REFERENCES gateway_webhook (id),
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    sent_at          timestamptz,
    outcome          text        CHECK (outcome IN ('SENT', 'QUEUED_FOR_GATEWAY', 'UNSUBSCRIBED')),
    last_error       text
);
CREATE INDEX document_notice_due_idx ON document_notice (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX document_notice_version_idx ON document_notice (kind, language, version);

GRANT SELECT, INSERT, UPDATE, DELETE ON document_subscription TO ${runtime_role};
GRANT SELECT, INSERT, UPDATE ON document_notice TO ${runtime_role};
