-- Receipts of events the gateway reported through the ingest API: the event id and a hash of the
-- content as first received. A replay of the same content changes nothing; the same id with other
-- content is refused. Append-only like the trail it indexes; no foreign key to audit_event, so that
-- the trail's own TRUNCATE guard is what answers an attempt to truncate it.

CREATE TABLE audit_ingest_receipt (
    event_id      uuid        PRIMARY KEY,
    content_hash  bytea       NOT NULL CHECK (octet_length(content_hash) = 32),
    seq           bigint      NOT NULL,
    received_at   timestamptz NOT NULL
);

CREATE TRIGGER audit_ingest_receipt_append_only BEFORE UPDATE OR DELETE ON audit_ingest_receipt
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_ingest_receipt_no_truncate BEFORE TRUNCATE ON audit_ingest_receipt
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

GRANT SELECT, INSERT ON audit_ingest_receipt TO ${runtime_role};
