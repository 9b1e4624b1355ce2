-- What fulfilling a request does beyond its own record: signed webhooks to the gateway (queued,
-- retried, delivered once), the Art. 19 notification of each recipient, the scope of a withdrawn
-- consent, and rectifications (old and new values only as keyed pseudonyms).

ALTER TABLE dsar_request ADD COLUMN consent_scope text CHECK (length(consent_scope) <= 200);

CREATE TABLE gateway_webhook (
    id               uuid        PRIMARY KEY,
    event            text        NOT NULL,
    payload          text        NOT NULL,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    delivered_at     timestamptz,
    last_error       text
);
CREATE INDEX gateway_webhook_due_idx ON gateway_webhook (next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE recipient_notification (
    id           uuid        PRIMARY KEY,
    request_id   uuid        NOT NULL REFERENCES dsar_request (id),
    recipient    text        NOT NULL,
    kind         text        NOT NULL,
    categories   text        NOT NULL,
    action       text        NOT NULL,
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX recipient_notification_request_idx ON recipient_notification (request_id);

CREATE TABLE dsar_rectification (
    id            uuid        PRIMARY KEY,
    request_id    uuid        NOT NULL REFERENCES dsar_request (id),
    table_name    text        NOT NULL,
    column_name   text        NOT NULL,
    old_value     text,
    new_value     text        NOT NULL,
    approved_by   uuid        NOT NULL REFERENCES staff_user (id),
    applied_at    timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE ON gateway_webhook TO ${runtime_role};
GRANT SELECT, INSERT ON recipient_notification, dsar_rectification TO ${runtime_role};

-- The office's usual filter (state and type, newest first) without a sort: found by the dsar-search benchmark.
CREATE INDEX dsar_request_status_type_idx ON dsar_request (status, type, received_at DESC, id DESC);
