-- Staff who use Quaestor, and their credentials. Customers never appear here.
-- ${runtime_role} is the role the application runs as; it gets only the rights it needs.

CREATE TABLE staff_user (
    id                       uuid        PRIMARY KEY,
    username                 text        NOT NULL,
    display_name             text        NOT NULL,
    kind                     text        NOT NULL CHECK (kind IN ('PERSON', 'SERVICE')),
    password_hash            text,
    password_change_required boolean     NOT NULL DEFAULT false,
    active                   boolean     NOT NULL DEFAULT true,
    created_at               timestamptz NOT NULL,
    created_by               uuid        REFERENCES staff_user (id),
    updated_at               timestamptz NOT NULL,
    last_login_at            timestamptz,
    version                  bigint      NOT NULL DEFAULT 0,
    CONSTRAINT staff_user_username_format CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    CONSTRAINT staff_user_service_has_no_password CHECK (kind = 'PERSON' OR password_hash IS NULL)
);
CREATE UNIQUE INDEX staff_user_username_key ON staff_user (username);

CREATE TABLE staff_user_role (
    user_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('PRIVACY_OFFICER', 'AUDITOR', 'INCIDENT_RESPONDER', 'OPERATOR', 'ADMIN', 'GATEWAY')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE api_token (
    id             uuid        PRIMARY KEY,
    owner_id       uuid        NOT NULL REFERENCES staff_user (id),
    name           text        NOT NULL,
    token_hash     bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    display_prefix text        NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     uuid        NOT NULL REFERENCES staff_user (id),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_by     uuid        REFERENCES staff_user (id),
    last_used_at   timestamptz,
    version        bigint      NOT NULL DEFAULT 0,
    CONSTRAINT api_token_expires_after_creation CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX api_token_hash_key ON api_token (token_hash);
CREATE INDEX api_token_owner_idx ON api_token (owner_id);

CREATE TABLE api_token_role (
    token_id uuid NOT NULL REFERENCES api_token (id) ON DELETE CASCADE,
    role     text NOT NULL CHECK (role IN ('PRIVACY_OFFICER', 'AUDITOR', 'INCIDENT_RESPONDER', 'OPERATOR', 'ADMIN', 'GATEWAY')),
    PRIMARY KEY (token_id, role)
);

CREATE TABLE browser_session (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES staff_user (id),
    token_hash   bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    csrf_hash    bytea       NOT NULL CHECK (octet_length(csrf_hash) = 32),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    closed_at    timestamptz
);
CREATE UNIQUE INDEX browser_session_hash_key ON browser_session (token_hash);
CREATE INDEX browser_session_user_idx ON browser_session (user_id) WHERE closed_at IS NULL;

-- Failed sign-ins per account and per source address. Keys are keyed HMACs, so neither usernames
-- nor IP addresses are stored in clear.
CREATE TABLE login_throttle (
    subject_key       bytea       PRIMARY KEY CHECK (octet_length(subject_key) = 32),
    failures          integer     NOT NULL CHECK (failures >= 0),
    window_started_at timestamptz NOT NULL,
    locked_until      timestamptz
);

GRANT SELECT, INSERT, UPDATE ON staff_user, api_token, browser_session TO ${runtime_role};
GRANT SELECT, INSERT, DELETE ON staff_user_role, api_token_role TO ${runtime_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO ${runtime_role};
