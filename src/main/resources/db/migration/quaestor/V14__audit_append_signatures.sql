-- Every append to the audit trail is signed with the audit key, which the database never holds.
-- Signatures cover a hash chain over the leaves: chain(n) = SHA-256(chain(n-1) || leaf(n)), with
-- chain(-1) = 32 zero bytes, so one valid signature over chain(L) vouches for every event up to L.
-- An event a database superuser inserts with a consistent record and leaf hash has no signature
-- that covers it: the sealer refuses to seal it and both verifiers name it.

CREATE TABLE audit_append_signature (
    last_seq   bigint PRIMARY KEY CHECK (last_seq >= 0),
    first_seq  bigint NOT NULL CHECK (first_seq >= 0 AND first_seq <= last_seq),
    chain      bytea  NOT NULL CHECK (octet_length(chain) = 32),
    key_id     text   NOT NULL,
    statement  text   NOT NULL,
    signature  bytea  NOT NULL
);

CREATE TRIGGER audit_append_signature_append_only BEFORE UPDATE OR DELETE ON audit_append_signature
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_append_signature_no_truncate BEFORE TRUNCATE ON audit_append_signature
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The chain value after the last appended event, carried with the sequence under the same lock.
ALTER TABLE audit_head ADD COLUMN chain bytea CHECK (chain IS NULL OR octet_length(chain) = 32);

GRANT SELECT, INSERT ON audit_append_signature TO ${runtime_role};

-- A failed erasure keeps its cause (SQL state and the database's message without values), so the
-- run, the officer's view and the log say the same thing.
ALTER TABLE erasure_run ADD COLUMN last_error text, ADD COLUMN last_error_at timestamptz;
