-- The reference gateway store: what an AI API gateway of the kind in the brief keeps. It is the
-- gateway's schema, not Quaestor's; Quaestor ships it so that the demo and the tests have a real
-- store to find, export, erase and purge. It never holds prompt or completion content.

CREATE TABLE organizations (
    id                       uuid        PRIMARY KEY,
    name                     text        NOT NULL,
    region                   text        NOT NULL CHECK (region IN ('global', 'cn')),
    metadata_retention_days  integer     NOT NULL DEFAULT 90 CHECK (metadata_retention_days BETWEEN 1 AND 730),
    created_at               timestamptz NOT NULL
);

CREATE TABLE accounts (
    id                     uuid        PRIMARY KEY,
    organization_id        uuid        NOT NULL REFERENCES organizations (id),
    email                  text        NOT NULL,
    name                   text        NOT NULL,
    username               text        NOT NULL,
    company                text,
    job_title              text,
    phone                  text,
    status                 text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    closed_at              timestamptz,
    processing_restricted  boolean     NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    CONSTRAINT accounts_closed_has_date CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
CREATE UNIQUE INDEX accounts_username_key ON accounts (username);
CREATE INDEX accounts_organization_idx ON accounts (organization_id);
CREATE INDEX accounts_closed_idx ON accounts (closed_at) WHERE status = 'closed';

-- Gateway API keys: only an irreversible bcrypt hash and a short visible prefix.
CREATE TABLE api_keys (
    id               uuid        PRIMARY KEY,
    account_id       uuid        NOT NULL REFERENCES accounts (id),
    organization_id  uuid        NOT NULL REFERENCES organizations (id),
    name             text        NOT NULL,
    key_prefix       text        NOT NULL CHECK (length(key_prefix) BETWEEN 6 AND 16),
    key_hash         text        NOT NULL CHECK (key_hash LIKE '$2_$%'),
    created_at       timestamptz NOT NULL,
    last_used_at     timestamptz,
    revoked_at       timestamptz
);
CREATE INDEX api_keys_account_idx ON api_keys (account_id);
CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (key_prefix);

-- Customer-supplied provider keys (BYOK): AES-256-GCM ciphertext, its 96-bit nonce, and which
-- key-encryption key version sealed it. Never the key in clear.
CREATE TABLE provider_keys (
    id               uuid        PRIMARY KEY,
    organization_id  uuid        NOT NULL REFERENCES organizations (id),
    created_by       uuid        REFERENCES accounts (id),
    provider         text        NOT NULL CHECK (provider IN ('openai', 'anthropic', 'google', 'mistral')),
    ciphertext       bytea       NOT NULL,
    nonce            bytea       NOT NULL CHECK (octet_length(nonce) = 12),
    kek_version      integer     NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX provider_keys_organization_idx ON provider_keys (organization_id);

-- One row per API call, partitioned by day. No prompt or completion column exists.
CREATE TABLE request_metadata (
    occurred_at        timestamptz NOT NULL,
    request_id         uuid        NOT NULL,
    account_id         uuid        NOT NULL,
    organization_id    uuid        NOT NULL,
    api_key_id         uuid,
    model              text        NOT NULL,
    prompt_tokens      integer     NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens  integer     NOT NULL CHECK (completion_tokens >= 0),
    total_tokens       integer     NOT NULL CHECK (total_tokens >= 0),
    cost_micro_usd     bigint      NOT NULL CHECK (cost_micro_usd >= 0),
    latency_ms         integer     NOT NULL CHECK (latency_ms >= 0),
    http_status        smallint    NOT NULL,
    error_type         text,
    source_ip          inet,
    user_agent         text,
    PRIMARY KEY (occurred_at, request_id)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX request_metadata_account_idx ON request_metadata (account_id, occurred_at);
CREATE INDEX request_metadata_organization_idx ON request_metadata (organization_id, occurred_at);

-- Daily partitions [day, day + 1) in UTC, created ahead by the gateway (and by the generator).
CREATE FUNCTION ensure_request_metadata_partitions(first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    day date := first_day;
    created integer := 0;
    partition text;
BEGIN
    WHILE day <= last_day LOOP
        partition := 'request_metadata_p' || to_char(day, 'YYYYMMDD');
        IF to_regclass(partition) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF request_metadata FOR VALUES FROM (%L) TO (%L)',
                           partition, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
            created := created + 1;
        END IF;
        day := day + 1;
    END LOOP;
    RETURN created;
END $$;

-- Billing: invoices are kept for their legal period, even after erasure (with personal fields pseudonymised).
CREATE TABLE invoices (
    id               uuid        PRIMARY KEY,
    organization_id  uuid        NOT NULL REFERENCES organizations (id),
    account_id       uuid        REFERENCES accounts (id),
    number           text        NOT NULL UNIQUE,
    issued_at        timestamptz NOT NULL,
    amount_cents     bigint      NOT NULL,
    currency         char(3)     NOT NULL,
    billing_name     text,
    billing_email    text,
    billing_address  text,
    tax_id           text,
    status           text        NOT NULL CHECK (status IN ('open', 'paid', 'void'))
);
CREATE INDEX invoices_account_idx ON invoices (account_id);
CREATE INDEX invoices_organization_idx ON invoices (organization_id);

-- Payment method ids and receipts from the processor; never card numbers.
CREATE TABLE payments (
    id                 uuid        PRIMARY KEY,
    invoice_id         uuid        REFERENCES invoices (id),
    account_id         uuid        NOT NULL REFERENCES accounts (id),
    processor          text        NOT NULL CHECK (processor IN ('stripe', 'wechat_pay')),
    payment_method_id  text        NOT NULL,
    receipt_id         text,
    amount_cents       bigint      NOT NULL,
    currency           char(3)     NOT NULL,
    paid_at            timestamptz NOT NULL
);
CREATE INDEX payments_account_idx ON payments (account_id);

CREATE TABLE top_ups (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES accounts (id),
    payment_id    uuid        REFERENCES payments (id),
    amount_cents  bigint      NOT NULL CHECK (amount_cents > 0),
    created_at    timestamptz NOT NULL
);
CREATE INDEX top_ups_account_idx ON top_ups (account_id);

CREATE TABLE balance_ledger (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id),
    delta_cents  bigint      NOT NULL,
    reason       text        NOT NULL CHECK (reason IN ('top_up', 'usage', 'refund', 'adjustment')),
    created_at   timestamptz NOT NULL
);
CREATE INDEX balance_ledger_account_idx ON balance_ledger (account_id, created_at);

-- Console data.
CREATE TABLE login_records (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id),
    occurred_at  timestamptz NOT NULL,
    source_ip    inet,
    device       text,
    user_agent   text,
    succeeded    boolean     NOT NULL
);
CREATE INDEX login_records_account_idx ON login_records (account_id, occurred_at);

CREATE TABLE security_events (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  uuid        REFERENCES organizations (id),
    account_id       uuid        REFERENCES accounts (id),
    occurred_at      timestamptz NOT NULL,
    kind             text        NOT NULL,
    source_ip        inet,
    details          text
);
CREATE INDEX security_events_account_idx ON security_events (account_id, occurred_at);

-- Operational logs, kept 7 days.
CREATE TABLE system_logs (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    level        text        NOT NULL,
    component    text        NOT NULL,
    request_id   uuid,
    message      text        NOT NULL
);
CREATE INDEX system_logs_occurred_idx ON system_logs (occurred_at);

CREATE TABLE edge_access_logs (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    source_ip    inet        NOT NULL,
    method       text        NOT NULL,
    path         text        NOT NULL,
    status       smallint    NOT NULL
);
CREATE INDEX edge_access_logs_occurred_idx ON edge_access_logs (occurred_at);
