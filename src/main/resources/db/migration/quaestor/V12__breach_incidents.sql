-- Personal-data breaches: the incident, its timeline, its obligations (one per rule of the
-- breach rule set that applies, with deadline, status and evidence) and its tasks. The register
-- of Art. 33(5) is these rows: every incident, notified or not, with the reasons for not notifying.

CREATE SEQUENCE incident_reference_seq;

CREATE TABLE incident (
    id                uuid        PRIMARY KEY,
    reference         text        NOT NULL UNIQUE,
    title             text        NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    description       text        NOT NULL,
    type              text        NOT NULL CHECK (type IN ('CONFIDENTIALITY', 'INTEGRITY', 'AVAILABILITY')),
    severity          text        NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    status            text        NOT NULL CHECK (status IN ('OPEN', 'CONTAINED', 'RESOLVED', 'CLOSED')),
    nis2              boolean     NOT NULL DEFAULT false,
    reported_by       uuid        NOT NULL REFERENCES staff_user (id),
    owner_id          uuid        NOT NULL REFERENCES staff_user (id),
    occurred_at       timestamptz NOT NULL,
    detected_at       timestamptz NOT NULL,
    aware_at          timestamptz,
    aware_decided_by  uuid        REFERENCES staff_user (id),
    aware_decided_at  timestamptz,
    systems           text        NOT NULL DEFAULT '',
    categories        text        NOT NULL DEFAULT '',
    tenants           text        NOT NULL DEFAULT '',
    regions           text        NOT NULL DEFAULT '',
    rule_set_version  text        NOT NULL,
    created_at        timestamptz NOT NULL,
    closed_at         timestamptz,
    CONSTRAINT incident_detected_after_occurred CHECK (detected_at >= occurred_at),
    CONSTRAINT incident_aware_after_occurred CHECK (aware_at IS NULL OR aware_at >= occurred_at),
    CONSTRAINT incident_awareness_decided CHECK ((aware_at IS NULL) = (aware_decided_by IS NULL))
);
CREATE INDEX incident_open_idx ON incident (detected_at DESC) WHERE status <> 'CLOSED';

CREATE TABLE incident_event (
    id           uuid        PRIMARY KEY,
    incident_id  uuid        NOT NULL REFERENCES incident (id),
    at           timestamptz NOT NULL,
    actor        text        NOT NULL,
    action       text        NOT NULL,
    detail       text
);
CREATE INDEX incident_event_incident_idx ON incident_event (incident_id, at);

CREATE TABLE obligation (
    id             uuid        PRIMARY KEY,
    incident_id    uuid        NOT NULL REFERENCES incident (id),
    code           text        NOT NULL,
    regime         text        NOT NULL,
    recipient      text        NOT NULL,
    kind           text        NOT NULL,
    due_at         timestamptz,
    status         text        NOT NULL CHECK (status IN ('PENDING', 'MET', 'MISSED', 'WAIVED')),
    met_at         timestamptz,
    evidence       text,
    waived_reason  text,
    decided_by     uuid        REFERENCES staff_user (id),
    decided_at     timestamptz,
    UNIQUE (incident_id, code),
    CONSTRAINT obligation_met_has_evidence CHECK (status <> 'MET' OR (evidence IS NOT NULL AND met_at IS NOT NULL)),
    CONSTRAINT obligation_waived_has_reason CHECK (status <> 'WAIVED' OR waived_reason IS NOT NULL)
);

GRANT SELECT, INSERT, UPDATE ON incident, obligation TO ${runtime_role};
GRANT SELECT, INSERT ON incident_event TO ${runtime_role};
GRANT USAGE ON SEQUENCE incident_reference_seq TO ${runtime_role};
