-- Every run of the promise check, scheduled or asked for, with what it found: the history an
-- auditor reads to see since when a promise was broken and when it was kept again.
CREATE TABLE document_conformance_check (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    checked_at  timestamptz NOT NULL,
    conforms    boolean     NOT NULL,
    mismatches  jsonb       NOT NULL
);
CREATE INDEX document_conformance_check_recent_idx ON document_conformance_check (checked_at DESC);
GRANT SELECT, INSERT ON document_conformance_check TO ${runtime_role};
