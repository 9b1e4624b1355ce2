-- Tenants' own retention periods, where the data map keeps them in Quaestor rather than in a
-- settings table of the gateway's store (tenantOverride with "source": "quaestor").
CREATE TABLE tenant_retention (
    tenant   text        PRIMARY KEY,
    days     integer     NOT NULL CHECK (days BETWEEN 1 AND 36500),
    set_by   text        NOT NULL,
    set_at   timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON tenant_retention TO ${runtime_role};
