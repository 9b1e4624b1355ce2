-- Breach notification, second part: who is told when a clock runs down (staff email addresses,
-- escalation contacts, every escalation delivery and each attempt at it), incident tasks and the
-- post-incident review, the affected scope computed from the stores, user-notice campaigns with a
-- delivery record per recipient, and the authority reports (initial, follow-up, final).

-- Which instance fired a durable timer (pid@host), for operations and the two-instance test.
ALTER TABLE deadline_timer ADD COLUMN fired_by text;

ALTER TABLE staff_user ADD COLUMN email text CHECK (email IS NULL OR (length(email) <= 254 AND email LIKE '%_@_%'));

-- A webhook contact's secret is sealed (AES-GCM under a key derived from the server key, bound to
-- the contact's id): it must be usable to sign, so it cannot be a hash.
CREATE TABLE escalation_contact (
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    channel        text        NOT NULL CHECK (channel IN ('EMAIL', 'WEBHOOK')),
    address        text        NOT NULL CHECK (length(address) <= 2000),
    secret_sealed  bytea,
    active         boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL,
    created_by     uuid        NOT NULL REFERENCES staff_user (id),
    CONSTRAINT escalation_contact_webhook_secret CHECK ((channel = 'WEBHOOK') = (secret_sealed IS NOT NULL))
);

-- One row per message that a reminder or an escalation sends (email to a staff member or contact,
-- webhook to a contact): an outbox drained with SKIP LOCKED, so each is delivered by one instance.
CREATE TABLE escalation_delivery (
    id               uuid        PRIMARY KEY,
    incident_id      uuid        NOT NULL REFERENCES incident (id),
    obligation_id    uuid        REFERENCES obligation (id),
    task_id          uuid,
    stage            text        NOT NULL,
    channel          text        NOT NULL CHECK (channel IN ('EMAIL', 'WEBHOOK')),
    contact_id       uuid        REFERENCES escalation_contact (id),
    staff_id         uuid        REFERENCES staff_user (id),
    subject          text        NOT NULL,
    payload          text        NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    delivered_at     timestamptz,
    last_error       text,
    CONSTRAINT escalation_delivery_has_recipient CHECK ((contact_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX escalation_delivery_due_idx ON escalation_delivery (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX escalation_delivery_incident_idx ON escalation_delivery (incident_id, created_at);

CREATE TABLE escalation_attempt (
    id           uuid        PRIMARY KEY,
    delivery_id  uuid        NOT NULL REFERENCES escalation_delivery (id),
    at           timestamptz NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('DELIVERED', 'FAILED')),
    error        text
);
CREATE INDEX escalation_attempt_delivery_idx ON escalation_attempt (delivery_id, at);

CREATE TABLE incident_task (
    id          uuid        PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incident (id),
    title       text        NOT NULL CHECK (length(title) BETWEEN 3 AND 300),
    kind        text        NOT NULL CHECK (kind IN ('RESPONSE', 'FOLLOW_UP')),
    owner_id    uuid        NOT NULL REFERENCES staff_user (id),
    due_at      timestamptz NOT NULL,
    status      text        NOT NULL CHECK (status IN ('OPEN', 'DONE', 'CANCELLED')),
    created_at  timestamptz NOT NULL,
    created_by  uuid        NOT NULL REFERENCES staff_user (id),
    closed_at   timestamptz,
    closed_by   uuid        REFERENCES staff_user (id),
    outcome     text
);
CREATE INDEX incident_task_incident_idx ON incident_task (incident_id, due_at);

CREATE TABLE incident_review (
    incident_id  uuid        PRIMARY KEY REFERENCES incident (id),
    root_cause   text        NOT NULL,
    what_worked  text,
    prevention   text        NOT NULL,
    recorded_by  uuid        NOT NULL REFERENCES staff_user (id),
    recorded_at  timestamptz NOT NULL
);

-- A computed scope: the responder's description, and what the stores said (per table counts,
-- subjects) as JSON. The list of accounts is never stored; it is streamed from the stores.
CREATE TABLE incident_scope (
    id           uuid        PRIMARY KEY,
    incident_id  uuid        NOT NULL REFERENCES incident (id),
    description  text        NOT NULL,
    result       text        NOT NULL,
    subjects     bigint      NOT NULL,
    records      bigint      NOT NULL,
    computed_at  timestamptz NOT NULL,
    computed_by  uuid        NOT NULL REFERENCES staff_user (id)
);
CREATE INDEX incident_scope_incident_idx ON incident_scope (incident_id, computed_at DESC);

-- A user-notice campaign: recipients are enumerated from the scope in keyset pages (the last key
-- enqueued is the resume point), then each is mailed by the outbox. Addresses are read from the
-- store at sending time; Quaestor keeps the subject key, not a copy of the address.
CREATE TABLE notice_campaign (
    id                uuid        PRIMARY KEY,
    incident_id       uuid        NOT NULL REFERENCES incident (id),
    scope_id          uuid        NOT NULL REFERENCES incident_scope (id),
    status            text        NOT NULL CHECK (status IN ('ENUMERATING', 'SENDING', 'DONE')),
    fields            text        NOT NULL,
    templates         text        NOT NULL,
    default_language  text        NOT NULL,
    enqueued          bigint      NOT NULL DEFAULT 0,
    resume_after      text,
    created_at        timestamptz NOT NULL,
    created_by        uuid        NOT NULL REFERENCES staff_user (id),
    enumerated_at     timestamptz,
    finished_at       timestamptz,
    heartbeat_at      timestamptz NOT NULL
);
CREATE INDEX notice_campaign_incident_idx ON notice_campaign (incident_id, created_at);

CREATE TABLE notice_delivery (
    id               uuid        PRIMARY KEY,
    campaign_id      uuid        NOT NULL REFERENCES notice_campaign (id),
    subject_key      text        NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    sent_at          timestamptz,
    outcome          text        CHECK (outcome IN ('SENT', 'NO_ADDRESS', 'GAVE_UP')),
    last_error       text,
    UNIQUE (campaign_id, subject_key)
);
CREATE INDEX notice_delivery_due_idx ON notice_delivery (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX notice_delivery_unsent_idx ON notice_delivery (campaign_id) WHERE sent_at IS NULL;

CREATE TABLE authority_report (
    id           uuid        PRIMARY KEY,
    incident_id  uuid        NOT NULL REFERENCES incident (id),
    number       integer     NOT NULL,
    phase        text        NOT NULL CHECK (phase IN ('INITIAL', 'FOLLOW_UP', 'FINAL')),
    body         text        NOT NULL,
    sha256       text        NOT NULL CHECK (length(sha256) = 64),
    created_at   timestamptz NOT NULL,
    created_by   uuid        NOT NULL REFERENCES staff_user (id),
    UNIQUE (incident_id, number)
);

GRANT SELECT, INSERT, UPDATE ON escalation_contact, escalation_delivery, incident_task, incident_review, notice_campaign,
    notice_delivery TO ${runtime_role};
GRANT SELECT, INSERT ON escalation_attempt, incident_scope, authority_report TO ${runtime_role};
