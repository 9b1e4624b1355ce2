package io.quaestor.retention;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestDatabase;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retention job on the reference store through its API: a dry run touches nothing; a run
 * deletes exactly what expired, per tenant, keeps what holds and floors protect, drops a whole
 * expired partition, and seals its record; a run whose instance died is taken over and finished
 * from its checkpoints; bad input is refused.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RetentionIT {

    private static Api.Bearer admin;

    @ArquillianResource
    URL deployment;

    Api api;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeEach
    void client() {
        api = new Api(deployment);
        synchronized (RetentionIT.class) {
            if (admin == null) {
                admin = new Api.Bearer(StaffFixtures.token(api, Role.ADMIN));
            }
        }
    }

    @Test
    void aDryRunTouchesNothingThenARunDeletesExactlyWhatExpiredAndKeepsWhatHoldsAndFloorsProtect() throws Exception {
        Store s = seed();
        assertProblem(api.put("api/retention/tenants/" + s.shortTenant, "{\"metadataRetentionDays\":731}", admin), 422, "metadataRetentionDays");
        assertProblem(api.put("api/retention/schedule", "{\"dailyAt\":\"25:00\"}", admin), 422, "dailyAt");
        assertEquals(200, api.put("api/retention/tenants/" + s.shortTenant, "{\"metadataRetentionDays\":30}", admin).status());
        assertEquals(201, api.post("api/legal-holds", "{\"scope\":\"ACCOUNT\",\"scopeValue\":\"" + s.heldAccount
                + "\",\"reason\":\"Dispute about usage charges\"}", admin).status());
        assertEquals(201, api.post("api/legal-holds", "{\"scope\":\"TENANT\",\"scopeValue\":\"" + s.heldTenant
                + "\",\"reason\":\"Regulator inquiry\"}", admin).status());
        long before = Sql.gatewayLong("SELECT count(*) FROM request_metadata");

        String dry = finish(api.post("api/retention/runs", "{\"dryRun\":true}", admin));
        assertEquals(before, Sql.gatewayLong("SELECT count(*) FROM request_metadata"), "a dry run deletes nothing");
        assertTrue(exists(s.oldPartition), "nor drops anything");
        JsonObject dryRecord = api.get("api/retention/runs/" + dry + "/record", admin).json();
        assertTrue(dryRecord.getBoolean("dryRun"));
        assertTrue(dryRecord.toString().contains("rowsThatWouldGo"), dryRecord.toString());

        String run = finish(api.post("api/retention/runs", "{\"dryRun\":false}", admin));
        assertEquals(5, metadata(s.shortTenant), "30-day tenant: 5 expired rows gone; 3 recent rows and the held account's 2 kept");
        assertEquals(2, metadataOf(s.heldAccount), "rows of an account under hold stay");
        assertEquals(2, metadata(s.defaultTenant), "90-day tenant: 4 expired rows and the 800-day-old partition gone, 2 kept");
        assertEquals(3, metadata(s.heldTenant), "a tenant under hold keeps everything");
        assertTrue(!exists(s.oldPartition), "a partition expired for every tenant is dropped whole");
        assertEquals(1, Sql.gatewayLong("SELECT count(*) FROM invoices WHERE number = 'INV-RET-" + s.tag + "'"), "the legal floor keeps invoices");
        assertEquals(0, Sql.gatewayLong("SELECT count(*) FROM system_logs WHERE component = 'ret-" + s.tag + "' AND occurred_at < now() - interval '7 days'"));
        assertEquals(1, Sql.gatewayLong("SELECT count(*) FROM system_logs WHERE component = 'ret-" + s.tag + "'"));

        Api.Reply record = api.get("api/retention/runs/" + run + "/record", admin);
        String sha = record.header("X-Record-SHA256").orElseThrow();
        assertEquals(sha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(record.body().getBytes(StandardCharsets.UTF_8))));
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'retention.run-recorded' AND details::jsonb ->> 'sha256' = '"
                + sha + "'"), "the record's digest is sealed in the audit trail");
        JsonObject json = record.json();
        assertTrue(json.getJsonArray("partitionsDropped").stream().map(JsonValue::toString).anyMatch(p -> p.contains(s.oldPartition)), json.toString());
        assertTrue(json.getJsonArray("rules").stream().map(JsonValue::asJsonObject)
                .anyMatch(r -> s.heldTenant.equals(r.getString("tenant", null)) && r.getString("keptByHold", "").startsWith("tenant:")), json.toString());
        String ready = "";
        for (int i = 0; i < 40 && !ready.contains("request_metadata.overdue-seconds"); i++) {
            Thread.sleep(250);
            ready = api.get("health/ready", Api.ANONYMOUS).body();
        }
        assertTrue(ready.contains("\"retention\"") && ready.contains("gateway-global.request_metadata.overdue-seconds"), ready);
        assertTrue(api.send(api.request("metrics").setHeader("Accept", "text/plain").GET()).body()
                .contains("quaestor_retention_overdue_seconds"), "the backlog gauge");
        HttpResponse<byte[]> pdf = api.bytes(admin.apply(api.request("api/retention/runs/" + run + "/record")
                .setHeader("Accept", "application/pdf").GET(), false));
        try (PDDocument doc = Loader.loadPDF(pdf.body())) {
            assertTrue(new PDFTextStripper().getText(doc).contains(sha));
        }
    }

    @Test
    void aRunIsOneAtATimeAndARunWhoseInstanceDiedIsTakenOverFromItsCheckpoints() throws Exception {
        Store s = seed();
        assertEquals(200, api.put("api/retention/tenants/" + s.shortTenant, "{\"metadataRetentionDays\":30}", admin).status());
        UUID dead = UUID.randomUUID();
        Sql.quaestorUpdate("INSERT INTO retention_run (id, dry_run, state, datamap_version, started_by, started_at, heartbeat_at) VALUES ('"
                + dead + "', false, 'RUNNING', 'test', 'test', now() - interval '10 minutes', now() - interval '5 minutes')");
        assertEquals(409, api.post("api/retention/runs/" + dead + "/restart", "", admin).status(), "a running run cannot be restarted");
        assertEquals(409, api.post("api/retention/runs", "{\"dryRun\":false}", admin).status(), "one run at a time");

        Sql.awaitQuaestor("SELECT count(*) FROM retention_run WHERE id = '" + dead + "' AND state = 'COMPLETED' AND executions = 2");
        assertEquals(3, metadata(s.shortTenant), "the taken-over run purged the tenant's 7 expired rows, kept its 3 recent ones");
        assertNull(Sql.quaestorString("SELECT error FROM retention_run WHERE id = '" + dead + "'"));
    }

    @Test
    void accountsClosedLongerThanTheRuleAllowsAreErasedAndCertifiedUnlessHeld() throws Exception {
        String due = closedAccount("40 days");
        String recent = closedAccount("10 days");
        String held = closedAccount("45 days");
        assertEquals(201, api.post("api/legal-holds", "{\"scope\":\"ACCOUNT\",\"scopeValue\":\"" + held
                + "\",\"reason\":\"Chargeback dispute\"}", admin).status());
        assertEquals(202, api.post("api/retention/closed-account-erasures", "", admin).status());
        for (int i = 0; i < 120 && Sql.gatewayLong("SELECT count(*) FROM accounts WHERE id = '" + due + "'") == 1; i++) {
            Thread.sleep(250);
        }
        assertEquals(0, Sql.gatewayLong("SELECT count(*) FROM accounts WHERE id = '" + due + "'"), "closed 40 days ago: erased");
        assertEquals(0, Sql.gatewayLong("SELECT count(*) FROM request_metadata WHERE account_id = '" + due + "'"));
        Sql.awaitQuaestor("SELECT least(count(*), 1) FROM deletion_certificate d JOIN erasure_run r ON r.id = d.run_id "
                + "WHERE r.cause = 'ACCOUNT_CLOSED' AND d.request_id IS NULL AND d.content LIKE '%\"clean\":true%'");
        assertEquals(1, Sql.gatewayLong("SELECT count(*) FROM accounts WHERE id = '" + recent + "'"), "closed 10 days ago: kept");
        assertEquals(1, Sql.gatewayLong("SELECT count(*) FROM accounts WHERE id = '" + held + "'"), "under hold: kept");
    }

    private static String closedAccount(String ago) throws SQLException {
        String org = UUID.randomUUID().toString();
        String account = UUID.randomUUID().toString();
        try (Connection c = TestDatabase.superuser("gateway"); Statement st = c.createStatement()) {
            st.execute("SELECT ensure_request_metadata_partitions(current_date - 60, current_date)");
            st.execute("INSERT INTO organizations (id, name, region, created_at) VALUES ('" + org + "', 'closed', 'global', now())");
            st.execute("INSERT INTO accounts (id, organization_id, email, name, username, status, closed_at, created_at, updated_at) VALUES ('"
                    + account + "', '" + org + "', 'closed-" + account + "@x.example', 'C', 'closed-" + account + "', 'closed', now() - interval '"
                    + ago + "', now() - interval '1 year', now())");
            metadataRows(st, account, org, 4, "50 days");
        }
        return account;
    }

    private String finish(Api.Reply started) throws Exception {
        assertEquals(202, started.status(), started.body());
        String id = started.json().getString("id");
        Sql.awaitQuaestor("SELECT count(*) FROM retention_run WHERE id = '" + id + "' AND state = 'COMPLETED'");
        return id;
    }

    /** Tenants with metadata at known ages, an account under hold, an old partition, an invoice under its floor, logs. */
    private record Store(String tag, String shortTenant, String defaultTenant, String heldTenant, String heldAccount, String oldPartition) {
    }

    private static Store seed() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String shortTenant = UUID.randomUUID().toString();
        String defaultTenant = UUID.randomUUID().toString();
        String heldTenant = UUID.randomUUID().toString();
        String heldAccount = UUID.randomUUID().toString();
        String oldDay = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(800 + new java.util.Random().nextInt(100)).toString();
        // Partitions are created by the gateway's role, which owns them (and so may drop them).
        try (Connection c = TestDatabase.gateway("gateway").getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT ensure_request_metadata_partitions(current_date - 120, current_date)");
            st.execute("SELECT ensure_request_metadata_partitions('" + oldDay + "'::date, '" + oldDay + "'::date)");
        }
        try (Connection c = TestDatabase.superuser("gateway"); Statement st = c.createStatement()) {
            for (String org : new String[]{shortTenant, defaultTenant, heldTenant}) {
                st.execute("INSERT INTO organizations (id, name, region, created_at) VALUES ('" + org + "', 'ret " + tag + "', 'global', now())");
                st.execute("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) VALUES ('"
                        + (org.equals(shortTenant) ? heldAccount : UUID.randomUUID().toString()) + "', '" + org + "', 'ret-" + org
                        + "@x.example', 'R', 'ret-" + org + "', now(), now())");
            }
            String other = UUID.randomUUID().toString();
            st.execute("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) VALUES ('" + other + "', '"
                    + shortTenant + "', 'ret2-" + tag + "@x.example', 'R', 'ret2-" + tag + "', now(), now())");
            metadataRows(st, other, shortTenant, 5, "40 days");
            metadataRows(st, other, shortTenant, 3, "10 days");
            metadataRows(st, heldAccount, shortTenant, 2, "40 days");
            String defaultAccount = account(st, defaultTenant);
            metadataRows(st, defaultAccount, defaultTenant, 4, "100 days");
            metadataRows(st, defaultAccount, defaultTenant, 2, "60 days");
            metadataRows(st, account(st, heldTenant), heldTenant, 3, "100 days");
            st.execute("INSERT INTO request_metadata (occurred_at, request_id, account_id, organization_id, model, prompt_tokens, "
                    + "completion_tokens, total_tokens, cost_micro_usd, latency_ms, http_status) SELECT '" + oldDay + "'::date + interval '1 hour', "
                    + "gen_random_uuid(), '" + defaultAccount + "', '" + defaultTenant + "', 'm', 1, 1, 2, 1, 1, 200 FROM generate_series(1, 3)");
            st.execute("INSERT INTO invoices (id, organization_id, account_id, number, issued_at, amount_cents, currency, status) VALUES "
                    + "(gen_random_uuid(), '" + defaultTenant + "', '" + defaultAccount + "', 'INV-RET-" + tag + "', now() - interval '5 years', 100, 'EUR', 'paid')");
            st.execute("INSERT INTO system_logs (occurred_at, level, component, message) VALUES (now() - interval '10 days', 'INFO', 'ret-" + tag
                    + "', 'old'), (now() - interval '9 days', 'INFO', 'ret-" + tag + "', 'old'), (now() - interval '1 day', 'INFO', 'ret-" + tag + "', 'new')");
        }
        return new Store(tag, shortTenant, defaultTenant, heldTenant, heldAccount, "request_metadata_p" + oldDay.replace("-", ""));
    }

    private static String account(Statement st, String org) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT id FROM accounts WHERE organization_id = '" + org + "' LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void metadataRows(Statement st, String account, String org, int n, String age) throws SQLException {
        st.execute("INSERT INTO request_metadata (occurred_at, request_id, account_id, organization_id, model, prompt_tokens, "
                + "completion_tokens, total_tokens, cost_micro_usd, latency_ms, http_status) SELECT now() - interval '" + age + "' - (g || ' minutes')::interval, "
                + "gen_random_uuid(), '" + account + "', '" + org + "', 'm', 1, 1, 2, 1, 1, 200 FROM generate_series(1, " + n + ") g");
    }

    private static long metadata(String org) throws SQLException {
        return Sql.gatewayLong("SELECT count(*) FROM request_metadata WHERE organization_id = '" + org + "'");
    }

    private static long metadataOf(String account) throws SQLException {
        return Sql.gatewayLong("SELECT count(*) FROM request_metadata WHERE account_id = '" + account + "'");
    }

    private static boolean exists(String table) throws SQLException {
        return Sql.gatewayLong("SELECT count(*) FROM pg_class WHERE relname = '" + table + "'") == 1;
    }

    private static void assertProblem(Api.Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.body().contains("\"" + field + "\""), reply.body());
    }





}
