-- Published documents (privacy policy, retention schedule, records of processing, sub-processor
-- list, security commitments), kept for ever: what a document said on any date can be shown, and
-- each version's SHA-256 is sealed in the audit trail. A version is never updated or deleted.
CREATE TABLE document_version (
    id              uuid        PRIMARY KEY,
    kind            text        NOT NULL,
    language        text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    body            text        NOT NULL,
    sha256          bytea       NOT NULL,
    datamap_version text        NOT NULL,
    changes         text        NOT NULL,
    material        boolean     NOT NULL,
    published_at    timestamptz NOT NULL,
    published_by    uuid        NOT NULL,
    effective_at    timestamptz NOT NULL CHECK (effective_at >= published_at),
    UNIQUE (kind, language, version)
);
CREATE INDEX document_version_in_force ON document_version (kind, language, effective_at DESC);
GRANT SELECT, INSERT ON document_version TO ${runtime_role};
