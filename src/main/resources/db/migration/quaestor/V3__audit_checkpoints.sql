-- Signed checkpoints of the audit tree: its size, its root, and the compact range (right edge)
-- the next seal resumes from. Written at least every heartbeat even when nothing happened, so
-- that silence is provable too. Append-only like the events.

CREATE TABLE audit_checkpoint (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tree_size   bigint      NOT NULL CHECK (tree_size >= 0),
    root_hash   bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
    edge        bytea       NOT NULL CHECK (octet_length(edge) % 32 = 0),
    issued_at   timestamptz NOT NULL,
    key_id      text        NOT NULL,
    statement   text        NOT NULL,
    signature   bytea       NOT NULL
);
CREATE INDEX audit_checkpoint_size_idx ON audit_checkpoint (tree_size);

CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

GRANT SELECT, INSERT ON audit_checkpoint TO ${runtime_role};
