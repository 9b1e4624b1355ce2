-- The audit trail's record: append-only, in sequence. seq is gapless and assigned inside the
-- appending transaction (audit_head is locked until it commits), so seq is the event's leaf index
-- in the RFC 9162 Merkle tree, and leaf_hash = SHA-256(0x00 || canonical). Nothing here is ever
-- updated or deleted: the runtime role may only INSERT and SELECT, and triggers refuse UPDATE,
-- DELETE and TRUNCATE to everyone else. A superuser can still bypass both, which is why the
-- integrity of the trail rests on signed Merkle checkpoints, not on these rules alone.

CREATE TABLE audit_head (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    next_seq   bigint  NOT NULL CHECK (next_seq >= 0)
);
INSERT INTO audit_head (singleton, next_seq) VALUES (true, 0);

CREATE TABLE audit_event (
    seq                      bigint      PRIMARY KEY CHECK (seq >= 0),
    event_id                 uuid        NOT NULL UNIQUE,
    occurred_at              timestamptz NOT NULL,
    recorded_at              timestamptz NOT NULL,
    actor                    text        NOT NULL,
    actor_role               text,
    authentication_method    text,
    break_glass              boolean     NOT NULL DEFAULT false,
    action                   text        NOT NULL,
    resource_type            text        NOT NULL,
    resource_id              text,
    tenant                   text,
    justification_code       text,
    justification_reference  text,
    grant_id                 uuid,
    approval_id              uuid,
    outcome                  text        NOT NULL CHECK (outcome IN ('success', 'denied', 'error')),
    origin                   text,
    request_id               text,
    details                  text        NOT NULL DEFAULT '{}',
    canonical                bytea       NOT NULL,
    leaf_hash                bytea       NOT NULL CHECK (octet_length(leaf_hash) = 32)
);
CREATE INDEX audit_event_occurred_idx ON audit_event (occurred_at);
CREATE INDEX audit_event_actor_idx ON audit_event (actor, occurred_at);
CREATE INDEX audit_event_tenant_idx ON audit_event (tenant, occurred_at) WHERE tenant IS NOT NULL;

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

GRANT SELECT, INSERT ON audit_event TO ${runtime_role};
GRANT SELECT, UPDATE ON audit_head TO ${runtime_role};
