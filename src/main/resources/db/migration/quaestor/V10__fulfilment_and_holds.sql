-- Fulfilment of data-subject requests: legal holds, encrypted access packages with their
-- single-use download links, and resumable erasure runs with their deletion certificates.

-- A legal hold keeps data that would otherwise be erased or purged: a tenant, an account or a
-- data category, for a named reason and owner, from a start until an optional end or release.
CREATE TABLE legal_hold (
    id              uuid        PRIMARY KEY,
    scope           text        NOT NULL CHECK (scope IN ('TENANT', 'ACCOUNT', 'CATEGORY')),
    scope_value     text        NOT NULL CHECK (length(scope_value) BETWEEN 1 AND 200),
    reason          text        NOT NULL CHECK (length(btrim(reason)) BETWEEN 3 AND 2000),
    matter          text        CHECK (length(matter) <= 200),
    owner_id        uuid        NOT NULL REFERENCES staff_user (id),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz CHECK (ends_at IS NULL OR ends_at > starts_at),
    created_by      uuid        NOT NULL REFERENCES staff_user (id),
    created_at      timestamptz NOT NULL,
    released_at     timestamptz,
    released_by     uuid        REFERENCES staff_user (id),
    release_reason  text,
    CONSTRAINT legal_hold_release_complete CHECK ((released_at IS NULL) = (released_by IS NULL)
        AND (released_at IS NULL) = (release_reason IS NULL))
);
CREATE INDEX legal_hold_scope_idx ON legal_hold (scope, scope_value) WHERE released_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON legal_hold TO ${runtime_role};

-- An access or portability package: a ZIP sealed with its own data key (wrapped under the
-- server's package key), stored as sealed segments so that any instance can serve it.
CREATE TABLE access_package (
    id               uuid        PRIMARY KEY,
    request_id       uuid        NOT NULL UNIQUE REFERENCES dsar_request (id),
    kind             text        NOT NULL CHECK (kind IN ('ACCESS', 'PORTABILITY')),
    state            text        NOT NULL CHECK (state IN ('BUILDING', 'READY', 'DELETED')),
    wrapped_key      bytea,
    datamap_version  text        NOT NULL,
    files            integer,
    rows_exported    bigint,
    size_bytes       bigint,
    sha256           bytea       CHECK (octet_length(sha256) = 32),
    created_at       timestamptz NOT NULL,
    ready_at         timestamptz,
    expires_at       timestamptz NOT NULL,
    deleted_at       timestamptz,
    CONSTRAINT access_package_deleted_has_no_key CHECK (state <> 'DELETED' OR wrapped_key IS NULL)
);
CREATE TABLE access_package_segment (
    package_id  uuid    NOT NULL REFERENCES access_package (id),
    seq         integer NOT NULL CHECK (seq >= 0),
    sealed      bytea   NOT NULL,
    PRIMARY KEY (package_id, seq)
);
ALTER TABLE access_package_segment ALTER COLUMN sealed SET STORAGE EXTERNAL;
GRANT SELECT, INSERT, UPDATE ON access_package TO ${runtime_role};
GRANT SELECT, INSERT, DELETE ON access_package_segment TO ${runtime_role};

-- A download link mailed to the subject: only its HMAC is kept; it opens once, before it
-- expires, and only with a fresh code sent to the same address (a dsar_verification challenge).
CREATE TABLE package_link (
    id               uuid        PRIMARY KEY,
    package_id       uuid        NOT NULL REFERENCES access_package (id),
    token_hash       bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    used_at          timestamptz
);
CREATE INDEX package_link_package_idx ON package_link (package_id, created_at);
GRANT SELECT, INSERT, UPDATE ON package_link TO ${runtime_role};

-- An erasure across the gateway's stores. The subject's identifiers are kept sealed only until
-- the verification scan is done, so that a run interrupted by a crash can resume and verify.
CREATE TABLE erasure_run (
    id                  uuid        PRIMARY KEY,
    request_id          uuid        UNIQUE REFERENCES dsar_request (id),
    cause               text        NOT NULL CHECK (cause IN ('DSAR', 'ACCOUNT_CLOSED')),
    subject_pseudonym   text        NOT NULL,
    tenant              text        NOT NULL,
    state               text        NOT NULL CHECK (state IN ('STARTED', 'APPLYING', 'APPLIED', 'CERTIFIED', 'UNVERIFIED')),
    datamap_version     text        NOT NULL,
    sealed_identifiers  bytea,
    planned             text        NOT NULL,
    applied             text,
    scan                text,
    attempts            integer     NOT NULL DEFAULT 0,
    started_by          text        NOT NULL,
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz,
    CONSTRAINT erasure_run_identifiers_gone_when_done CHECK (state NOT IN ('CERTIFIED') OR sealed_identifiers IS NULL)
);
CREATE INDEX erasure_run_open_idx ON erasure_run (started_at) WHERE state NOT IN ('CERTIFIED');
GRANT SELECT, INSERT, UPDATE ON erasure_run TO ${runtime_role};

-- What an erasure deleted, pseudonymized and retained, and why; its digest is in the audit trail.
CREATE TABLE deletion_certificate (
    run_id          uuid        PRIMARY KEY REFERENCES erasure_run (id),
    request_id      uuid        REFERENCES dsar_request (id),
    content         text        NOT NULL,
    sha256          bytea       NOT NULL CHECK (octet_length(sha256) = 32),
    audit_event_id  uuid        NOT NULL,
    issued_at       timestamptz NOT NULL
);
GRANT SELECT, INSERT ON deletion_certificate TO ${runtime_role};
