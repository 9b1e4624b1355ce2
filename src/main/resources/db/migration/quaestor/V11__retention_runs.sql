-- Retention runs: one at a time across all instances, their partitions (store x rule x tenant)
-- with the keyset position each has reached (the checkpoint a restart resumes from), the
-- deletion record sealed into the audit trail, and the daily schedule.

CREATE TABLE retention_run (
    id                uuid        PRIMARY KEY,
    dry_run           boolean     NOT NULL,
    state             text        NOT NULL CHECK (state IN ('RUNNING', 'COMPLETED', 'FAILED', 'STOPPED')),
    datamap_version   text        NOT NULL,
    started_by        text        NOT NULL,
    started_at        timestamptz NOT NULL,
    heartbeat_at      timestamptz NOT NULL,
    finished_at       timestamptz,
    executions        integer     NOT NULL DEFAULT 1,
    job_execution_id  bigint,
    partitions_dropped text       NOT NULL DEFAULT '[]',
    record            text,
    sha256            bytea       CHECK (octet_length(sha256) = 32),
    audit_event_id    uuid,
    error             text
);
-- One run at a time, whichever instance starts it.
CREATE UNIQUE INDEX retention_run_one_at_a_time ON retention_run ((true)) WHERE state = 'RUNNING';
CREATE INDEX retention_run_started_idx ON retention_run (started_at DESC);

CREATE TABLE retention_partition (
    run_id          uuid        NOT NULL REFERENCES retention_run (id),
    seq             integer     NOT NULL,
    store           text        NOT NULL,
    table_name      text        NOT NULL,
    category        text        NOT NULL,
    tenant          text,
    cutoff          timestamptz,
    days_applied    integer     NOT NULL,
    reason          text        NOT NULL,
    held_by         text,
    position_clock  timestamptz,
    position_key    text,
    rows_deleted    bigint      NOT NULL DEFAULT 0,
    rows_kept_by_account_holds bigint NOT NULL DEFAULT 0,
    done            boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (run_id, seq),
    CONSTRAINT retention_partition_held_has_no_cutoff CHECK ((held_by IS NULL) = (cutoff IS NOT NULL))
);

CREATE TABLE retention_schedule (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    daily_start time        NOT NULL,
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE ON retention_run, retention_partition, retention_schedule TO ${runtime_role};
