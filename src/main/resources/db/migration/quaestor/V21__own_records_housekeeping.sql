-- Quaestor's own records under its own retention schedule: a closed request or incident is
-- reduced to a minimal record once its evidence period ends (minimised_at says when), and each
-- housekeeping run records, per schedule line, what it removed or reduced and what a hold kept.

ALTER TABLE dsar_request ADD COLUMN minimised_at timestamptz;
CREATE INDEX dsar_request_closed_unminimised_idx ON dsar_request (closed_at) WHERE closed_at IS NOT NULL AND minimised_at IS NULL;
ALTER TABLE incident ADD COLUMN minimised_at timestamptz;
CREATE INDEX incident_closed_unminimised_idx ON incident (closed_at) WHERE closed_at IS NOT NULL AND minimised_at IS NULL;
CREATE INDEX dsar_verification_expires_idx ON dsar_verification (expires_at);
CREATE INDEX subject_message_created_idx ON subject_message (created_at);

CREATE TABLE housekeeping_record (
    execution_id  bigint      NOT NULL,
    line          text        NOT NULL,
    action        text        NOT NULL CHECK (action IN ('DELETE', 'MINIMISE')),
    cutoff        timestamptz NOT NULL,
    affected      bigint      NOT NULL CHECK (affected >= 0),
    held          bigint      NOT NULL CHECK (held >= 0),
    keys_sha256   bytea       NOT NULL CHECK (octet_length(keys_sha256) = 32),
    reference_list text       NOT NULL DEFAULT '',
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (execution_id, line)
);
CREATE INDEX housekeeping_record_recent_idx ON housekeeping_record (recorded_at DESC);

GRANT SELECT, INSERT ON housekeeping_record TO ${runtime_role};
GRANT DELETE ON dsar_verification, subject_message, dsar_note, dsar_attachment, dsar_rectification, opendsr_callback,
    escalation_attempt, escalation_delivery, notice_delivery TO ${runtime_role};
GRANT UPDATE (reason) ON dsar_request_event TO ${runtime_role};
GRANT UPDATE (encoded_request, callback_urls) ON opendsr_submission TO ${runtime_role};
