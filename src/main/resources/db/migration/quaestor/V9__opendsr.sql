-- Requests that controllers and processors send through the OpenDSR (OpenGDPR) API, and the
-- signed status callbacks owed to them.

ALTER TABLE dsar_request DROP CONSTRAINT dsar_request_verification_method_check;
ALTER TABLE dsar_request ADD CONSTRAINT dsar_request_verification_method_check
    CHECK (verification_method IN ('EMAIL_CODE', 'OFFICER_EVIDENCE', 'CONTROLLER_ATTESTED'));

CREATE TABLE opendsr_submission (
    subject_request_id  uuid        PRIMARY KEY,
    request_id          uuid        NOT NULL UNIQUE REFERENCES dsar_request (id),
    submitted_by        uuid        NOT NULL REFERENCES staff_user (id),
    api_version         text        NOT NULL,
    content_hash        bytea       NOT NULL CHECK (octet_length(content_hash) = 32),
    encoded_request     text        NOT NULL,
    callback_urls       text        NOT NULL DEFAULT '',
    received_at         timestamptz NOT NULL
);

CREATE TABLE opendsr_callback (
    id               uuid        PRIMARY KEY,
    subject_request_id uuid      NOT NULL REFERENCES opendsr_submission (subject_request_id),
    url              text        NOT NULL,
    payload          text        NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    delivered_at     timestamptz,
    last_error       text
);
CREATE INDEX opendsr_callback_due_idx ON opendsr_callback (next_attempt_at) WHERE delivered_at IS NULL;

GRANT SELECT, INSERT ON opendsr_submission TO ${runtime_role};
GRANT SELECT, INSERT, UPDATE ON opendsr_callback TO ${runtime_role};

-- Attachments to requests (a letter received by post, the officer's record of a call).
CREATE TABLE dsar_attachment (
    id            uuid        PRIMARY KEY,
    request_id    uuid        NOT NULL REFERENCES dsar_request (id),
    filename      text        NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type  text        NOT NULL,
    size_bytes    integer     NOT NULL CHECK (size_bytes > 0),
    sha256        bytea       NOT NULL CHECK (octet_length(sha256) = 32),
    content       bytea       NOT NULL,
    uploaded_by   uuid        NOT NULL REFERENCES staff_user (id),
    uploaded_at   timestamptz NOT NULL
);
CREATE INDEX dsar_attachment_request_idx ON dsar_attachment (request_id, uploaded_at);
GRANT SELECT, INSERT ON dsar_attachment TO ${runtime_role};
