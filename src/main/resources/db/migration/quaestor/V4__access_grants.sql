-- Access grants: the only way an operator sees customer data. A grant names why (justification
-- code and reference), what (tenant, optionally one account, data categories) and until when.
-- Grants on sensitive tenants or categories wait for a second person's approval; an unanswered
-- request lapses at approval_deadline. Break-glass grants are active at once and must be reviewed
-- by review_due_at. Time-based states (lapsed, expired) are derived from these instants, so no
-- scheduler has to run for a grant to stop working.

CREATE TABLE access_grant (
    id                       uuid        PRIMARY KEY,
    requester_id             uuid        NOT NULL REFERENCES staff_user (id),
    justification_code       text        NOT NULL CHECK (justification_code IN ('CUSTOMER_SUPPORT', 'PRODUCTION_ALERT',
                                         'SECURITY_REVIEW', 'LEGAL_REQUEST', 'DSAR_FULFILMENT', 'BREACH_INVESTIGATION')),
    justification_reference  text        NOT NULL CHECK (length(justification_reference) BETWEEN 1 AND 200),
    tenant                   text        NOT NULL,
    account_id               text,
    duration_seconds         integer     NOT NULL CHECK (duration_seconds > 0),
    break_glass              boolean     NOT NULL,
    approval_required        boolean     NOT NULL,
    status                   text        NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'REJECTED', 'REVOKED')),
    requested_at             timestamptz NOT NULL,
    approval_deadline        timestamptz,
    activated_at             timestamptz,
    expires_at               timestamptz,
    approval_id              uuid,
    decided_by               uuid        REFERENCES staff_user (id),
    decided_at               timestamptz,
    decision_note            text,
    review_due_at            timestamptz,
    reviewed_by              uuid        REFERENCES staff_user (id),
    reviewed_at              timestamptz,
    review_outcome           text        CHECK (review_outcome IN ('JUSTIFIED', 'UNJUSTIFIED')),
    review_note              text,
    revoked_by               uuid        REFERENCES staff_user (id),
    revoked_at               timestamptz,
    version                  bigint      NOT NULL DEFAULT 0,
    CONSTRAINT access_grant_active_has_window CHECK (status <> 'ACTIVE' OR (activated_at IS NOT NULL AND expires_at > activated_at)),
    CONSTRAINT access_grant_no_self_decision CHECK (decided_by IS NULL OR decided_by <> requester_id),
    CONSTRAINT access_grant_no_self_review CHECK (reviewed_by IS NULL OR reviewed_by <> requester_id),
    CONSTRAINT access_grant_break_glass_review CHECK (NOT break_glass OR review_due_at IS NOT NULL)
);
CREATE INDEX access_grant_requester_idx ON access_grant (requester_id, requested_at DESC);
CREATE INDEX access_grant_pending_idx ON access_grant (approval_deadline) WHERE status = 'PENDING';
CREATE INDEX access_grant_unreviewed_idx ON access_grant (review_due_at) WHERE break_glass AND reviewed_at IS NULL;

CREATE TABLE access_grant_category (
    grant_id  uuid NOT NULL REFERENCES access_grant (id),
    category  text NOT NULL,
    PRIMARY KEY (grant_id, category)
);

-- Periodic recertification of each operator's standing permission to hold grants. The role's
-- grant time counts as its first certification; each later one is a row here (never updated).
ALTER TABLE staff_user_role ADD COLUMN granted_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE access_certification (
    id            uuid        PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES staff_user (id),
    certified_at  timestamptz NOT NULL,
    certified_by  uuid        NOT NULL REFERENCES staff_user (id),
    note          text        NOT NULL CHECK (length(note) BETWEEN 1 AND 1000),
    CONSTRAINT access_certification_not_self CHECK (certified_by <> user_id)
);
CREATE INDEX access_certification_user_idx ON access_certification (user_id, certified_at DESC);

GRANT SELECT, INSERT, UPDATE ON access_grant TO ${runtime_role};
GRANT SELECT, INSERT ON access_grant_category, access_certification TO ${runtime_role};
