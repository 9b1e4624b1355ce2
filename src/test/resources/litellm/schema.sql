-- A LiteLLM-shaped gateway store for Quaestor's tests and benchmarks.
--
-- Written by the Quaestor team from the table definitions LiteLLM publishes (its Prisma schema):
-- the tables Quaestor must understand, with their published names, column names, types and keys,
-- as Prisma lays them out in PostgreSQL (String -> text, Float -> double precision, Int -> integer,
-- BigInt -> bigint, DateTime -> timestamp(3), Json -> jsonb, String[] -> text[]). Only the indexes
-- LiteLLM declares are created; the data map's validator advises the others. Columns Quaestor
-- never reads (budgets, router settings, ...) are left out where they carry no personal data.

CREATE TABLE "LiteLLM_BudgetTable" (
    "budget_id" text PRIMARY KEY,
    "max_budget" double precision,
    "budget_duration" text,
    "created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" text NOT NULL,
    "updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" text NOT NULL
);

CREATE TABLE "LiteLLM_OrganizationTable" (
    "organization_id" text PRIMARY KEY,
    "organization_alias" text NOT NULL,
    "budget_id" text NOT NULL,
    "metadata" jsonb NOT NULL DEFAULT '{}',
    "models" text[],
    "spend" double precision NOT NULL DEFAULT 0,
    "model_spend" jsonb NOT NULL DEFAULT '{}',
    "created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" text NOT NULL,
    "updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" text NOT NULL
);

CREATE TABLE "LiteLLM_TeamTable" (
    "team_id" text PRIMARY KEY,
    "team_alias" text,
    "organization_id" text,
    "admins" text[],
    "members" text[],
    "members_with_roles" jsonb NOT NULL DEFAULT '{}',
    "metadata" jsonb NOT NULL DEFAULT '{}',
    "max_budget" double precision,
    "spend" double precision NOT NULL DEFAULT 0,
    "models" text[],
    "blocked" boolean NOT NULL DEFAULT false,
    "created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "LiteLLM_TeamTable_organization_id_idx" ON "LiteLLM_TeamTable" ("organization_id");
CREATE INDEX "LiteLLM_TeamTable_team_alias_idx" ON "LiteLLM_TeamTable" ("team_alias");
CREATE INDEX "LiteLLM_TeamTable_created_at_idx" ON "LiteLLM_TeamTable" ("created_at");

CREATE TABLE "LiteLLM_UserTable" (
    "user_id" text PRIMARY KEY,
    "user_alias" text,
    "team_id" text,
    "sso_user_id" text UNIQUE,
    "organization_id" text,
    "password" text,
    "teams" text[] DEFAULT ARRAY[]::text[],
    "user_role" text,
    "max_budget" double precision,
    "spend" double precision NOT NULL DEFAULT 0,
    "user_email" text,
    "models" text[],
    "metadata" jsonb NOT NULL DEFAULT '{}',
    "model_spend" jsonb NOT NULL DEFAULT '{}',
    "created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "LiteLLM_VerificationToken" (
    "token" text PRIMARY KEY,
    "key_name" text,
    "key_alias" text,
    "spend" double precision NOT NULL DEFAULT 0,
    "expires" timestamp(3),
    "models" text[],
    "aliases" jsonb NOT NULL DEFAULT '{}',
    "config" jsonb NOT NULL DEFAULT '{}',
    "user_id" text,
    "team_id" text,
    "permissions" jsonb NOT NULL DEFAULT '{}',
    "metadata" jsonb NOT NULL DEFAULT '{}',
    "blocked" boolean,
    "max_budget" double precision,
    "budget_id" text,
    "organization_id" text,
    "created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
    "created_by" text,
    "updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
    "updated_by" text,
    "last_active" timestamp(3)
);
CREATE INDEX "LiteLLM_VerificationToken_user_id_team_id_idx" ON "LiteLLM_VerificationToken" ("user_id", "team_id");
CREATE INDEX "LiteLLM_VerificationToken_team_id_idx" ON "LiteLLM_VerificationToken" ("team_id");

CREATE TABLE "LiteLLM_EndUserTable" (
    "user_id" text PRIMARY KEY,
    "alias" text,
    "spend" double precision NOT NULL DEFAULT 0,
    "allowed_model_region" text,
    "default_model" text,
    "budget_id" text,
    "blocked" boolean NOT NULL DEFAULT false
);

CREATE TABLE "LiteLLM_SpendLogs" (
    "request_id" text PRIMARY KEY,
    "call_type" text NOT NULL,
    "api_key" text NOT NULL DEFAULT '',
    "spend" double precision NOT NULL DEFAULT 0,
    "total_tokens" integer NOT NULL DEFAULT 0,
    "prompt_tokens" integer NOT NULL DEFAULT 0,
    "completion_tokens" integer NOT NULL DEFAULT 0,
    "startTime" timestamp(3) NOT NULL,
    "endTime" timestamp(3) NOT NULL,
    "request_duration_ms" integer,
    "completionStartTime" timestamp(3),
    "model" text NOT NULL DEFAULT '',
    "model_id" text DEFAULT '',
    "model_group" text DEFAULT '',
    "custom_llm_provider" text DEFAULT '',
    "api_base" text DEFAULT '',
    "user" text DEFAULT '',
    "metadata" jsonb DEFAULT '{}',
    "cache_hit" text DEFAULT '',
    "cache_key" text DEFAULT '',
    "request_tags" jsonb DEFAULT '[]',
    "team_id" text,
    "organization_id" text,
    "end_user" text,
    "requester_ip_address" text,
    "messages" jsonb DEFAULT '{}',
    "response" jsonb DEFAULT '{}',
    "session_id" text,
    "status" text,
    "proxy_server_request" jsonb DEFAULT '{}'
);
CREATE INDEX "LiteLLM_SpendLogs_startTime_idx" ON "LiteLLM_SpendLogs" ("startTime");
CREATE INDEX "LiteLLM_SpendLogs_startTime_request_id_idx" ON "LiteLLM_SpendLogs" ("startTime", "request_id");
CREATE INDEX "LiteLLM_SpendLogs_end_user_idx" ON "LiteLLM_SpendLogs" ("end_user");
CREATE INDEX "LiteLLM_SpendLogs_session_id_idx" ON "LiteLLM_SpendLogs" ("session_id");

CREATE TABLE "LiteLLM_ErrorLogs" (
    "request_id" text PRIMARY KEY,
    "startTime" timestamp(3) NOT NULL,
    "endTime" timestamp(3) NOT NULL,
    "api_base" text NOT NULL DEFAULT '',
    "model_group" text NOT NULL DEFAULT '',
    "litellm_model_name" text NOT NULL DEFAULT '',
    "model_id" text NOT NULL DEFAULT '',
    "request_kwargs" jsonb NOT NULL DEFAULT '{}',
    "exception_type" text NOT NULL DEFAULT '',
    "exception_string" text NOT NULL DEFAULT '',
    "status_code" text NOT NULL DEFAULT ''
);

CREATE TABLE "LiteLLM_TeamMembership" (
    "user_id" text NOT NULL,
    "team_id" text NOT NULL,
    "spend" double precision NOT NULL DEFAULT 0,
    "total_spend" double precision NOT NULL DEFAULT 0,
    "budget_id" text,
    PRIMARY KEY ("user_id", "team_id")
);

CREATE TABLE "LiteLLM_OrganizationMembership" (
    "user_id" text NOT NULL REFERENCES "LiteLLM_UserTable" ("user_id"),
    "organization_id" text NOT NULL REFERENCES "LiteLLM_OrganizationTable" ("organization_id"),
    "user_role" text,
    "spend" double precision DEFAULT 0,
    "budget_id" text,
    "created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("user_id", "organization_id")
);

CREATE TABLE "LiteLLM_InvitationLink" (
    "id" text PRIMARY KEY,
    "user_id" text NOT NULL REFERENCES "LiteLLM_UserTable" ("user_id"),
    "is_accepted" boolean NOT NULL DEFAULT false,
    "accepted_at" timestamp(3),
    "expires_at" timestamp(3) NOT NULL,
    "created_at" timestamp(3) NOT NULL,
    "created_by" text NOT NULL REFERENCES "LiteLLM_UserTable" ("user_id"),
    "updated_at" timestamp(3) NOT NULL,
    "updated_by" text NOT NULL REFERENCES "LiteLLM_UserTable" ("user_id")
);

CREATE TABLE "LiteLLM_AuditLog" (
    "id" text PRIMARY KEY,
    "updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changed_by" text NOT NULL DEFAULT '',
    "changed_by_api_key" text NOT NULL DEFAULT '',
    "action" text NOT NULL,
    "table_name" text NOT NULL,
    "object_id" text NOT NULL,
    "before_value" jsonb,
    "updated_values" jsonb
);

CREATE TABLE "LiteLLM_DailyUserSpend" (
    "id" text PRIMARY KEY,
    "user_id" text,
    "date" text NOT NULL,
    "api_key" text NOT NULL,
    "model" text,
    "model_group" text,
    "custom_llm_provider" text,
    "prompt_tokens" bigint NOT NULL DEFAULT 0,
    "completion_tokens" bigint NOT NULL DEFAULT 0,
    "spend" double precision NOT NULL DEFAULT 0,
    "api_requests" bigint NOT NULL DEFAULT 0,
    "created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamp(3) NOT NULL
);
CREATE INDEX "LiteLLM_DailyUserSpend_date_idx" ON "LiteLLM_DailyUserSpend" ("date");
CREATE INDEX "LiteLLM_DailyUserSpend_user_id_date_idx" ON "LiteLLM_DailyUserSpend" ("user_id", "date");
CREATE INDEX "LiteLLM_DailyUserSpend_api_key_idx" ON "LiteLLM_DailyUserSpend" ("api_key");

CREATE TABLE "LiteLLM_Config" (
    "param_name" text PRIMARY KEY,
    "param_value" jsonb
);
