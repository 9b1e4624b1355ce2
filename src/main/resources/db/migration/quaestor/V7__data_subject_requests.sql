-- Data-subject requests and what keeps them on time: their history (append-only), notes, identity
-- challenges (code hashes only), subject messages waiting to be sent, durable timers that fire once
-- across instances, staff notifications, and the intake's rate-limit counters (HMAC keys only).

CREATE SEQUENCE dsar_reference_seq;

CREATE TABLE dsar_request (
    id                       uuid        PRIMARY KEY,
    reference                text        NOT NULL UNIQUE,
    type                     text        NOT NULL CHECK (type IN ('ACCESS', 'RECTIFICATION', 'ERASURE', 'RESTRICTION',
                                         'OBJECTION', 'CONSENT_WITHDRAWAL', 'PORTABILITY')),
    status                   text        NOT NULL CHECK (status IN ('RECEIVED', 'IDENTITY_PENDING', 'VERIFIED', 'IN_PROGRESS',
                                         'AWAITING_APPROVAL', 'COMPLETED', 'REJECTED', 'CANCELLED', 'LAPSED')),
    channel                  text        NOT NULL CHECK (channel IN ('PORTAL', 'OFFICER', 'OPENDSR')),
    region                   text        NOT NULL,
    regime                   text        NOT NULL CHECK (regime IN ('GDPR', 'CCPA')),
    subject_email            text,
    subject_email_key        bytea       CHECK (octet_length(subject_email_key) = 32),
    subject_account_id       text,
    details                  text        CHECK (length(details) <= 2000),
    received_at              timestamptz NOT NULL,
    due_at                   timestamptz NOT NULL,
    extended_due_at          timestamptz,
    extension_reason         text,
    extended_at              timestamptz,
    verification_method      text        CHECK (verification_method IN ('EMAIL_CODE', 'OFFICER_EVIDENCE')),
    verification_evidence    text,
    verified_at              timestamptz,
    verification_lapses_at   timestamptz,
    assignee_id              uuid        REFERENCES staff_user (id),
    rejection_ground         text        CHECK (rejection_ground IN ('IDENTITY_NOT_VERIFIED', 'MANIFESTLY_UNFOUNDED_OR_EXCESSIVE',
                                         'THIRD_PARTY_RIGHTS', 'LEGAL_RETENTION_DUTY', 'OTHER')),
    rejection_text           text,
    closed_at                timestamptz,
    created_by               uuid        REFERENCES staff_user (id),
    version                  bigint      NOT NULL DEFAULT 0,
    CONSTRAINT dsar_request_extension_once CHECK ((extended_due_at IS NULL) = (extension_reason IS NULL)),
    CONSTRAINT dsar_request_rejection_has_ground CHECK (status <> 'REJECTED' OR rejection_ground IS NOT NULL),
    CONSTRAINT dsar_request_other_ground_explained CHECK (rejection_ground IS DISTINCT FROM 'OTHER' OR rejection_text IS NOT NULL)
);
CREATE INDEX dsar_request_status_idx ON dsar_request (status, due_at);
CREATE INDEX dsar_request_received_idx ON dsar_request (received_at DESC, id);
CREATE INDEX dsar_request_assignee_idx ON dsar_request (assignee_id, due_at) WHERE assignee_id IS NOT NULL;
CREATE INDEX dsar_request_email_key_idx ON dsar_request (subject_email_key);

CREATE TABLE dsar_request_event (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id   uuid        NOT NULL REFERENCES dsar_request (id),
    action       text        NOT NULL,
    from_status  text,
    to_status    text        NOT NULL,
    actor        text        NOT NULL,
    reason       text,
    occurred_at  timestamptz NOT NULL
);
CREATE INDEX dsar_request_event_request_idx ON dsar_request_event (request_id, id);

CREATE TABLE dsar_note (
    id          uuid        PRIMARY KEY,
    request_id  uuid        NOT NULL REFERENCES dsar_request (id),
    author_id   uuid        NOT NULL REFERENCES staff_user (id),
    body        text        NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at  timestamptz NOT NULL
);
CREATE INDEX dsar_note_request_idx ON dsar_note (request_id, created_at);

CREATE TABLE dsar_verification (
    id            uuid        PRIMARY KEY,
    request_id    uuid        NOT NULL REFERENCES dsar_request (id),
    code_hash     bytea       NOT NULL CHECK (octet_length(code_hash) = 32),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    consumed_at   timestamptz
);
CREATE INDEX dsar_verification_request_idx ON dsar_verification (request_id, created_at DESC);

-- Messages to data subjects, sent by a dispatcher (one instance per message: SKIP LOCKED).
-- A verification message has no body here: the dispatcher makes the code when it sends it, so
-- no code is ever stored in clear.
CREATE TABLE subject_message (
    id               uuid        PRIMARY KEY,
    request_id       uuid        NOT NULL REFERENCES dsar_request (id),
    kind             text        NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    sent_at          timestamptz,
    last_error       text
);
CREATE INDEX subject_message_due_idx ON subject_message (next_attempt_at) WHERE sent_at IS NULL;

-- Durable timers: a row per thing that must happen at a time; fired once, across instances.
CREATE TABLE deadline_timer (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL,
    ref_id      uuid        NOT NULL,
    fire_at     timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    fired_at    timestamptz,
    UNIQUE (kind, ref_id, fire_at)
);
CREATE INDEX deadline_timer_due_idx ON deadline_timer (fire_at) WHERE fired_at IS NULL;

CREATE TABLE staff_notification (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES staff_user (id),
    kind        text        NOT NULL,
    ref_id      uuid,
    message     text        NOT NULL,
    created_at  timestamptz NOT NULL,
    read_at     timestamptz
);
CREATE INDEX staff_notification_user_idx ON staff_notification (user_id, created_at DESC);

CREATE TABLE intake_throttle (
    subject_key   bytea       NOT NULL CHECK (octet_length(subject_key) = 32),
    window_start  timestamptz NOT NULL,
    hits          integer     NOT NULL,
    PRIMARY KEY (subject_key, window_start)
);

GRANT SELECT, INSERT, UPDATE ON dsar_request, dsar_verification, subject_message, deadline_timer, staff_notification TO ${runtime_role};
GRANT SELECT, INSERT ON dsar_request_event, dsar_note TO ${runtime_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON intake_throttle TO ${runtime_role};
GRANT USAGE ON SEQUENCE dsar_reference_seq TO ${runtime_role};
-- EclipseLink reads identity values back with lastval(), which needs the sequence's rights.
GRANT USAGE, SELECT ON SEQUENCE dsar_request_event_id_seq TO ${runtime_role};
