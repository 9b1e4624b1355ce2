-- Appends no longer take the trail's head lock. A writer inserts its events here, in its own
-- transaction (an event that cannot be written still fails the change it records), with a
-- provisional id and no global lock. A pending row is only the event's canonical form, split
-- around its seq member (head || seq || tail). The sequencer, one instance at a time under the
-- sealing advisory lock, moves committed rows into audit_event in provisional-id order in one
-- statement on the server: it gives them the next gapless seq, parses the columns of audit_event
-- from the canonical form (so they cannot differ from it) and hashes the leaf; then it extends and
-- signs the append chain. Each row carries an HMAC under a key derived from the audit signing key,
-- which the database never holds: a row inserted here behind Quaestor's back is never sequenced,
-- but moved to audit_pending_rejected and reported.

CREATE TABLE audit_pending (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    canonical_head  bytea       NOT NULL,
    canonical_tail  bytea       NOT NULL,
    mac             bytea       CHECK (mac IS NULL OR octet_length(mac) = 32),
    enqueued_at     timestamptz NOT NULL DEFAULT now()
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000);

CREATE TABLE audit_pending_rejected (
    id           bigint      PRIMARY KEY,
    reason       text        NOT NULL,
    rejected_at  timestamptz NOT NULL,
    canonical_head  bytea    NOT NULL,
    canonical_tail  bytea    NOT NULL
);

GRANT SELECT, INSERT, DELETE ON audit_pending TO ${runtime_role};
GRANT SELECT, INSERT ON audit_pending_rejected TO ${runtime_role};

-- The seq of an ingested event is known only once it is sequenced; find it through audit_event.event_id.
ALTER TABLE audit_ingest_receipt ALTER COLUMN seq DROP NOT NULL;
