package io.quaestor.testing;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A LiteLLM-shaped gateway store (the schema in {@code litellm/schema.sql}, written from LiteLLM's
 * published table definitions) filled with rows as a running LiteLLM proxy leaves them: free-text
 * user ids (SSO subjects, generated ids, and emails used as ids), users in several teams (arrays
 * and JSON member lists), API keys kept only as SHA-256 hashes, spend logs that point at their
 * user by the user column, by the key hash and inside their JSON metadata (some by only one of
 * these), error logs whose JSON request holds the user, an audit log whose JSON snapshots hold
 * emails, invitations created by an admin, and one admin email in a configuration table no map
 * mentions. Generated set-wise in SQL, deterministically, so ten million rows take seconds.
 */
public final class LiteLlmStore {

    /** The proxy admin (user number 3): creates every invitation, and its email sits in LiteLLM_Config. */
    public static final int ADMIN = 3;

    private LiteLlmStore() {
    }

    /** A fresh database with the LiteLLM schema, owned by the gateway role. */
    public static DataSource fresh(String database) throws SQLException {
        DataSource store = TestDatabase.freshGateway(database);
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            s.execute(schema());
        }
        return store;
    }

    /** The id LiteLLM would hold for user number {@code n} (1-based), as {@link #generate} writes it. */
    public static String userId(int n) {
        return switch (n % 3) {
            case 0 -> "okta|" + (100000 + n);
            case 1 -> "user-" + md5("u" + n).substring(0, 12);
            default -> email(n);
        };
    }

    /** The address of user {@code n}, lower-cased (some rows hold it in mixed case). */
    public static String email(int n) {
        return "person" + n + "@example-corp.test";
    }

    /** The virtual key user {@code n} holds as key {@code k} (0 or 1); the store keeps only its SHA-256. */
    public static String apiKey(int n, int k) {
        return "sk-" + n + "-" + k + "-" + md5("key" + n + "/" + k).substring(0, 16);
    }

    /**
     * {@code users} users in {@code users / 10} teams and {@code users / 50} organizations; each
     * user has about {@code spendPerUser} spend logs (every tenth user ten times as many).
     */
    public static void generate(DataSource store, int users, int spendPerUser) throws SQLException {
        generate(store, users, spendPerUser, 0, 0);
    }

    /** As {@link #generate(DataSource, int, int)}, with users 1 to {@code heavyUsers} holding {@code heavyRows} spend logs each. */
    public static void generate(DataSource store, int users, int spendPerUser, int heavyUsers, int heavyRows) throws SQLException {
        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(GENERATE)) {
                s.setInt(1, users);
                s.setInt(2, Math.max(2, users / 10));
                s.setInt(3, Math.max(1, users / 50));
                s.setInt(4, spendPerUser);
                s.setInt(5, ADMIN);
                s.setInt(6, heavyUsers);
                s.setInt(7, heavyRows);
                s.execute();
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("ANALYZE");
            }
        }
    }

    private static String schema() {
        try (InputStream in = LiteLlmStore.class.getResourceAsStream("/litellm/schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("litellm/schema.sql is missing", e);
        }
    }

    private static String md5(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parameters: users, teams, organizations, spend logs per user, the admin's number, heavy users and their spend logs. */
    private static final String GENERATE = """
            CREATE TEMP TABLE gen_params ON COMMIT DROP AS SELECT ?::int AS users, ?::int AS teams, ?::int AS orgs, ?::int AS spend,
              ?::int AS admin, ?::int AS heavy, ?::int AS heavy_rows;
            CREATE TEMP TABLE gen_users ON COMMIT DROP AS
              SELECT n,
                     CASE n % 3 WHEN 0 THEN 'okta|' || (100000 + n) WHEN 1 THEN 'user-' || substr(md5('u' || n), 1, 12)
                                ELSE 'person' || n || '@example-corp.test' END AS uid,
                     'person' || n || '@example-corp.test' AS email,
                     'org-' || (n % p.orgs + 1) AS org,
                     'team-' || (n % p.teams + 1) AS team,
                     CASE WHEN n % 4 = 0 AND (n * 7) % p.teams <> n % p.teams THEN 'team-' || ((n * 7) % p.teams + 1) END AS team2
              FROM gen_params p, generate_series(1, p.users) n;
            CREATE TEMP TABLE gen_keys ON COMMIT DROP AS
              SELECT u.n, k, encode(sha256(convert_to('sk-' || u.n || '-' || k || '-' || substr(md5('key' || u.n || '/' || k), 1, 16), 'UTF8')), 'hex') AS hash
              FROM gen_users u, generate_series(0, 1) k;

            INSERT INTO "LiteLLM_BudgetTable" (budget_id, max_budget, created_by, updated_by) VALUES ('budget-default', 1000, 'admin-root', 'admin-root');
            INSERT INTO "LiteLLM_OrganizationTable" (organization_id, organization_alias, budget_id, metadata, models, created_by, updated_by)
              SELECT 'org-' || o, 'Customer ' || o, 'budget-default', jsonb_build_object('retention_days', 30 + o % 3 * 30), ARRAY['gpt-4o'], 'admin-root', 'admin-root'
              FROM gen_params p, generate_series(1, p.orgs) o;
            INSERT INTO "LiteLLM_UserTable" (user_id, user_alias, team_id, sso_user_id, organization_id, teams, user_role, user_email, metadata, created_at)
              SELECT uid, 'Person ' || n, team, CASE WHEN n % 3 = 0 THEN uid END, org, array_remove(ARRAY[team, team2], NULL),
                     CASE WHEN n = (SELECT admin FROM gen_params) THEN 'proxy_admin' ELSE 'internal_user' END,
                     CASE WHEN n % 5 = 0 THEN 'Person' || n || '@Example-Corp.test' ELSE email END,
                     jsonb_build_object('department', 'dept-' || n % 7), now() - (n % 400) * interval '1 day'
              FROM gen_users;
            CREATE TEMP TABLE gen_members ON COMMIT DROP AS
              SELECT team, n, uid, org FROM gen_users UNION ALL SELECT team2, n, uid, org FROM gen_users WHERE team2 IS NOT NULL;
            INSERT INTO "LiteLLM_TeamTable" (team_id, team_alias, organization_id, admins, members, members_with_roles, metadata)
              SELECT m.team, 'Team ' || substr(m.team, 6), min(m.org), ARRAY[min(a.admin)], array_agg(m.uid ORDER BY m.n),
                     jsonb_agg(jsonb_build_object('user_id', m.uid, 'role', CASE WHEN m.uid = a.admin THEN 'admin' ELSE 'user' END) ORDER BY m.n),
                     jsonb_build_object('retention_days', 60)
              FROM gen_members m JOIN (SELECT team, min(uid) AS admin FROM gen_members GROUP BY team) a ON a.team = m.team
              GROUP BY m.team;
            INSERT INTO "LiteLLM_TeamMembership" (user_id, team_id, spend) SELECT uid, team, n % 13 FROM gen_members;
            INSERT INTO "LiteLLM_OrganizationMembership" (user_id, organization_id, user_role) SELECT uid, org, 'org_member' FROM gen_users;
            INSERT INTO "LiteLLM_VerificationToken" (token, key_name, key_alias, user_id, team_id, organization_id, metadata, created_by, updated_by, last_active)
              SELECT k.hash, 'sk-...' || substr(k.hash, 1, 4), 'key-' || k.k || '-of-' || u.n, u.uid, u.team, u.org,
                     jsonb_build_object('purpose', 'integration ' || k.k), u.uid, u.uid, now() - (u.n % 9) * interval '1 hour'
              FROM gen_keys k JOIN gen_users u ON u.n = k.n;
            INSERT INTO "LiteLLM_EndUserTable" (user_id, alias) SELECT 'customer-' || e, 'Shopper ' || e FROM generate_series(0, 499) e;
            INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, api_key, spend, total_tokens, prompt_tokens, completion_tokens,
                "startTime", "endTime", model, "user", metadata, team_id, organization_id, end_user, requester_ip_address, messages, response, status)
              SELECT 'req-' || u.n || '-' || i, 'acompletion', k.hash, (i % 50) / 1000.0, 300 + i % 700, 200 + i % 500, 100 + i % 200,
                     now() - ((i * 37 + u.n) % 200) * interval '1 day' - (u.n % 1440) * interval '1 minute',
                     now() - ((i * 37 + u.n) % 200) * interval '1 day' - (u.n % 1440) * interval '1 minute' + interval '2 seconds',
                     'gpt-4o',
                     CASE WHEN i % 10 = 0 THEN '' ELSE u.uid END,
                     CASE WHEN i % 17 = 0 THEN jsonb_build_object('user_api_key_alias', 'key-' || k.k || '-of-' || u.n)
                          ELSE jsonb_build_object('user_api_key_user_id', u.uid, 'user_api_key_user_email',
                               CASE WHEN i % 4 = 0 THEN upper(u.email) ELSE u.email END, 'user_api_key_team_id', u.team,
                               'user_api_key_hash', k.hash, 'requester_metadata', jsonb_build_object('trace', 'tr-' || i)) END,
                     u.team, u.org,
                     CASE WHEN i % 3 = 0 THEN 'customer-' || (u.n * 31 + i) % 500 END,
                     '10.' || (u.n % 250) || '.' || (i % 250) || '.7',
                     CASE WHEN i % 5 = 0 THEN jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'Summarise ticket ' || i || ' for ' || u.email)) ELSE '{}'::jsonb END,
                     CASE WHEN i % 5 = 0 THEN jsonb_build_object('choices', jsonb_build_array(jsonb_build_object('message', jsonb_build_object('content', 'Ticket ' || i || ' summary')))) ELSE '{}'::jsonb END,
                     'success'
              FROM gen_params p, gen_users u
              CROSS JOIN LATERAL generate_series(1, CASE WHEN u.n <= p.heavy THEN p.heavy_rows WHEN u.n % 10 = 0 THEN p.spend * 10
                                                          ELSE p.spend END) i
              JOIN gen_keys k ON k.n = u.n AND k.k = i % 2;
            INSERT INTO "LiteLLM_ErrorLogs" (request_id, "startTime", "endTime", model_group, request_kwargs, exception_type, exception_string, status_code)
              SELECT 'err-' || u.n || '-' || i, now() - ((i * 11 + u.n) % 60) * interval '1 day', now() - ((i * 11 + u.n) % 60) * interval '1 day',
                     'gpt-4o', jsonb_build_object('model', 'gpt-4o', 'metadata', jsonb_build_object('user_api_key_user_id', u.uid,
                     'user_api_key_user_email', u.email), 'messages', jsonb_build_array(jsonb_build_object('role', 'user',
                     'content', 'Draft a reply to ticket ' || i))), 'RateLimitError', 'Rate limit reached', '429'
              FROM gen_users u, generate_series(1, 3) i;
            INSERT INTO "LiteLLM_AuditLog" (id, updated_at, changed_by, changed_by_api_key, action, table_name, object_id, before_value, updated_values)
              SELECT 'audit-' || u.n || '-' || i, now() - (u.n % 300) * interval '1 day',
                     CASE WHEN i = 1 THEN 'admin-root' ELSE u.uid END, CASE WHEN i = 1 THEN '' ELSE k.hash END, 'updated', 'LiteLLM_UserTable', u.uid,
                     jsonb_build_object('user_id', u.uid, 'user_email', u.email, 'user_role', 'internal_user'),
                     jsonb_build_object('user_role', 'internal_user_viewer')
              FROM gen_users u JOIN gen_keys k ON k.n = u.n AND k.k = 0, generate_series(1, 2) i;
            INSERT INTO "LiteLLM_InvitationLink" (id, user_id, is_accepted, expires_at, created_at, created_by, updated_at, updated_by)
              SELECT 'inv-' || u.n, u.uid, true, now() + interval '7 days', now() - interval '30 days', a.uid, now() - interval '29 days', u.uid
              FROM gen_users u JOIN gen_users a ON a.n = (SELECT admin FROM gen_params) WHERE u.n % 5 = 0;
            INSERT INTO "LiteLLM_DailyUserSpend" (id, user_id, date, api_key, model, spend, api_requests, updated_at)
              SELECT 'daily-' || u.n || '-' || d, u.uid, to_char(current_date - d, 'YYYY-MM-DD'), k.hash, 'gpt-4o', d * 0.5, d * 10, now()
              FROM gen_users u JOIN gen_keys k ON k.n = u.n AND k.k = 0, generate_series(1, 3) d;
            INSERT INTO "LiteLLM_Config" (param_name, param_value)
              SELECT 'general_settings', jsonb_build_object('alerting', jsonb_build_array('email'), 'alert_to', jsonb_build_array(email))
              FROM gen_users WHERE n = (SELECT admin FROM gen_params);
            """;
}
