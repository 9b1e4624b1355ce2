package io.quaestor.litellm;

import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.ExtraInstance;
import io.quaestor.testing.LiteLlmStore;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestDatabase;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quaestor serving a LiteLLM proxy's store through HTTP, as an operator adopting it would run it:
 * the shipped LiteLLM map, a LiteLLM-shaped database, a Payara Micro of its own. Requests are filed
 * by LiteLLM's free-text user ids, and an erasure is carried out and certified over every table.
 */
class LiteLlmIT {

    private static final String QUAESTOR_DB = "quaestor_litellm";
    private static final String STORE_DB = "litellm_it";
    private static ExtraInstance instance;
    private static Api api;
    private static Api.Session admin;
    private static Api.Bearer officer;
    private static DataSource store;
    /** The map the instance reads: a copy of the shipped one, so a test can change it and reload. */
    private static final Path MAP = Path.of("target", "litellm-it.datamap.json");

    @BeforeAll
    static void quaestorBesideLiteLlm() throws Exception {
        try (Connection c = TestDatabase.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + QUAESTOR_DB);
            s.execute("CREATE DATABASE " + QUAESTOR_DB + " OWNER " + EmbeddedDatabase.QUAESTOR_OWNER);
        }
        java.nio.file.Files.copy(Path.of("policy-templates/datamap/litellm.datamap.json"), MAP,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        store = LiteLlmStore.fresh(STORE_DB);
        LiteLlmStore.generate(store, 100, 20);
        String port = System.getProperty("quaestor.test.pg.port");
        instance = ExtraInstance.start("litellm-instance", 18480, List.of(
                "-Dquaestor.db.url=jdbc:postgresql://127.0.0.1:" + port + "/" + QUAESTOR_DB,
                "-Dquaestor.gateway.db.url=jdbc:postgresql://127.0.0.1:" + port + "/" + STORE_DB,
                "-Dquaestor.gateway.reference-store=false",
                "-Dquaestor.datamap.file=" + MAP.toAbsolutePath()));
        instance.awaitReady(Duration.ofMinutes(4));
        api = new Api(instance.base().toURL());
        Api.Session first = signIn(StaffFixtures.BOOTSTRAP_PASSWORD);
        assertEquals(204, api.put("api/me/password", "{\"currentPassword\":\"" + StaffFixtures.BOOTSTRAP_PASSWORD
                + "\",\"newPassword\":\"LiteLLM-Test-Passphrase-1\"}", first).status());
        admin = signIn("LiteLLM-Test-Passphrase-1");
        JsonObject user = StaffFixtures.createUser(api, admin, "litellm-officer", "PERSON", Role.PRIVACY_OFFICER).getJsonObject("user");
        officer = new Api.Bearer(StaffFixtures.issueToken(api, admin, user.getString("id"), Role.PRIVACY_OFFICER));
    }

    @AfterAll
    static void stop() throws Exception {
        if (instance != null) {
            instance.close();
        }
    }

    @Test
    void theActiveMapIsLiteLlmsWithTheIndexesItAdvises() {
        Api.Reply reply = api.get("api/datamap", admin);
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.json().getJsonObject("map").getString("version").startsWith("litellm-"), reply.body());
        assertTrue(reply.json().getJsonArray("warnings").getValuesAs(jakarta.json.JsonString::getString).stream()
                .anyMatch(w -> w.contains("CREATE INDEX ON \"LiteLLM_SpendLogs\" (\"user\")")), reply.body());
    }

    @Test
    void requestsAreFiledByLiteLlmsOwnUserIdsAndAMalformedOneIsNamed() {
        Api.Reply filed = api.post("api/public/requests", "{\"type\":\"ACCESS\",\"accountId\":\"" + LiteLlmStore.userId(6)
                + "\",\"region\":\"EU\"}", Api.ANONYMOUS);
        assertEquals(202, filed.status(), filed.body());
        JsonObject content = filed.json().getJsonObject("promptContent");
        assertTrue(content.getBoolean("heldByUs"), "the LiteLLM map declares stored prompts: " + filed.body());
        Api.Reply malformed = api.post("api/public/requests", "{\"type\":\"ACCESS\",\"accountId\":\"okta|" + "9".repeat(300)
                + "\",\"region\":\"EU\"}", Api.ANONYMOUS);
        assertEquals(422, malformed.status(), malformed.body());
        assertTrue(malformed.body().contains("accountId"), malformed.body());
    }

    @Test
    void anErasureOfALiteLlmUserIsCertifiedAfterEveryTableWasSearched() throws Exception {
        String user = LiteLlmStore.userId(20);
        Api.Reply filed = api.post("api/dsar/requests", "{\"type\":\"ERASURE\",\"accountId\":\"" + user + "\",\"region\":\"EU\","
                + "\"receivedAt\":\"" + Instant.now().minus(1, ChronoUnit.HOURS) + "\",\"evidence\":\"signed request on file\"}", officer);
        assertEquals(201, filed.status(), filed.body());
        String id = filed.json().getString("id");
        assertEquals(200, api.post("api/dsar/requests/" + id + "/actions", "{\"action\":\"start\"}", officer).status());
        Api.Reply done = api.post("api/dsar/requests/" + id + "/actions", "{\"action\":\"complete\"}", officer);
        assertEquals(200, done.status(), done.body());
        assertEquals("COMPLETED", done.json().getString("status"));

        Api.Reply certificate = api.get("api/dsar/erasures/" + id + "/certificate", officer);
        assertEquals(200, certificate.status(), certificate.body());
        JsonObject verification = certificate.json().getJsonObject("verification");
        assertTrue(verification.getBoolean("clean"), certificate.body());
        List<JsonObject> tables = verification.getJsonArray("tablesSearched").getValuesAs(JsonValue::asJsonObject);
        assertTrue(tables.stream().anyMatch(t -> t.getString("table").equals("LiteLLM_Config") && !t.getBoolean("mapped")), certificate.body());
        assertTrue(tables.stream().anyMatch(t -> t.getString("table").equals("LiteLLM_SpendLogs") && t.getBoolean("mapped")), certificate.body());
        assertTrue(certificate.json().getString("apiKeys").contains("2 key record(s) were then deleted"), certificate.body());
        assertFalse(certificate.body().contains(user), "the certificate names the subject only by pseudonym");
        assertEquals(0, rowsNaming(user) + rowsNaming(LiteLlmStore.email(20)), "no row of any table names the user");
    }

    @Test
    void aRequestByAnEndUsersIdIsResolvedAsAnEndUserAndErasedAsOne() throws Exception {
        String endUser = "customer-45";
        Api.Reply filed = api.post("api/dsar/requests", "{\"type\":\"ERASURE\",\"accountId\":\"" + endUser + "\",\"region\":\"EU\","
                + "\"receivedAt\":\"" + Instant.now().minus(1, ChronoUnit.HOURS) + "\",\"evidence\":\"request relayed by the customer\"}", officer);
        assertEquals(201, filed.status(), filed.body());
        String id = filed.json().getString("id");
        assertEquals(200, api.post("api/dsar/requests/" + id + "/actions", "{\"action\":\"start\"}", officer).status());
        Api.Reply done = api.post("api/dsar/requests/" + id + "/actions", "{\"action\":\"complete\"}", officer);
        assertEquals(200, done.status(), done.body());

        Api.Reply run = api.get("api/dsar/erasures/" + id, officer);
        assertEquals("end-user", run.json().getString("subjectKind"), run.body());
        assertEquals(1, run.json().getJsonArray("kinds").size(), "no user has that id, so only the end user was erased: " + run.body());
        Api.Reply certificate = api.get("api/dsar/erasures/" + id + "/certificate?kind=end-user", officer);
        assertEquals(200, certificate.status(), certificate.body());
        assertEquals("end-user", certificate.json().getString("subjectKind"));
        assertTrue(certificate.json().getJsonObject("verification").getBoolean("clean"), certificate.body());
        assertEquals(404, api.get("api/dsar/erasures/" + id + "/certificate?kind=user", officer).status());
        assertEquals(0, countWhere("LiteLLM_SpendLogs", "end_user", endUser) + countWhere("LiteLLM_EndUserTable", "user_id", endUser));
    }

    @Test
    void aRetentionRunDeletesExactlyTheExpiredRowsAndKeepsAHeldUsersByEveryLink() throws Exception {
        String held = LiteLlmStore.userId(8);
        Api.Reply hold = api.post("api/legal-holds", "{\"scope\":\"ACCOUNT\",\"scopeValue\":\"" + held
                + "\",\"reason\":\"Litigation hold, case 2026-31\"}", officer);
        assertEquals(201, hold.status(), hold.body());
        String spendExpired = "FROM \"LiteLLM_SpendLogs\" l LEFT JOIN \"LiteLLM_TeamTable\" t USING (team_id) WHERE l.\"startTime\" < now()"
                + " - make_interval(days => coalesce((t.metadata ->> 'retention_days')::int, 90))";
        String ofHeld = " AND (l.\"user\" = ?1 OR l.metadata ->> 'user_api_key_user_id' = ?1"
                + " OR l.api_key IN (SELECT token FROM \"LiteLLM_VerificationToken\" WHERE user_id = ?1))";
        String errorExpired = "FROM \"LiteLLM_ErrorLogs\" WHERE \"startTime\" < now() - interval '30 days'";
        String errorOfHeld = " AND request_kwargs #>> '{metadata,user_api_key_user_id}' = ?1";
        long spendBefore = countOf("SELECT count(*) FROM \"LiteLLM_SpendLogs\"", held);
        long spendGoing = countOf("SELECT count(*) " + spendExpired, held) - countOf("SELECT count(*) " + spendExpired + ofHeld, held);
        long heldSpendKept = countOf("SELECT count(*) " + spendExpired + ofHeld, held);
        long errorsBefore = countOf("SELECT count(*) FROM \"LiteLLM_ErrorLogs\"", held);
        long errorsGoing = countOf("SELECT count(*) " + errorExpired, held) - countOf("SELECT count(*) " + errorExpired + errorOfHeld, held);
        assertTrue(spendGoing > 0 && heldSpendKept > 0 && errorsGoing > 0, spendGoing + " / " + heldSpendKept + " / " + errorsGoing);

        Api.Reply started = api.post("api/retention/runs", "{\"dryRun\":false}", admin);
        assertEquals(202, started.status(), started.body());
        String run = started.json().getString("id");
        String state = "";
        for (int i = 0; i < 240 && !state.equals("COMPLETED") && !state.equals("FAILED"); i++) {
            Thread.sleep(500);
            state = api.get("api/retention/runs/" + run, admin).json().getJsonObject("run").getString("state");
        }
        assertEquals("COMPLETED", state);

        assertEquals(spendBefore - spendGoing, countOf("SELECT count(*) FROM \"LiteLLM_SpendLogs\"", held),
                "exactly the rows past their team's own period (60 days in the team's metadata, 90 without)");
        assertEquals(heldSpendKept, countOf("SELECT count(*) " + spendExpired, held),
                "what is left past its period is the held user's, found by user, key hash or metadata");
        assertEquals(errorsBefore - errorsGoing, countOf("SELECT count(*) FROM \"LiteLLM_ErrorLogs\"", held));
        JsonObject record = api.get("api/retention/runs/" + run + "/record", admin).json();
        assertTrue(record.toString().contains("LiteLLM_SpendLogs"), record.toString());
    }

    @Test
    void teamsSetTheirRetentionInLiteLlmsOwnMetadataOrInQuaestorAsTheMapSays() throws Exception {
        Api.Reply set = api.put("api/retention/tenants/team-4", "{\"metadataRetentionDays\":21}", admin);
        assertEquals(200, set.status(), set.body());
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT metadata ->> 'retention_days' FROM \"LiteLLM_TeamTable\" WHERE team_id = 'team-4'")) {
            rs.next();
            assertEquals("21", rs.getString(1), "written into the team's own JSON metadata");
        }
        assertEquals(404, api.put("api/retention/tenants/team-none", "{\"metadataRetentionDays\":21}", admin).status());

        String shipped = java.nio.file.Files.readString(MAP);
        try {
            java.nio.file.Files.writeString(MAP, shipped.replace("\"version\": \"litellm-", "\"version\": \"quaestor-kept-litellm-")
                    .replace("\"tenantOverride\": { \"table\": \"LiteLLM_TeamTable\", \"key\": \"team_id\", \"column\": \"metadata\", "
                            + "\"path\": \"retention_days\", \"via\": \"team_id\" }", "\"tenantOverride\": { \"source\": \"quaestor\", \"via\": \"team_id\" }"));
            Api.Reply reloaded = api.post("api/datamap/reload", "", admin);
            assertEquals(200, reloaded.status(), reloaded.body());
            assertEquals(200, api.put("api/retention/tenants/team-5", "{\"metadataRetentionDays\":45}", admin).status());
            assertEquals(404, api.put("api/retention/tenants/team-none", "{\"metadataRetentionDays\":45}", admin).status(),
                    "a tenant nobody is in");
            try (Connection c = TestDatabase.superuser(QUAESTOR_DB); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT days FROM tenant_retention WHERE tenant = 'team-5'")) {
                assertTrue(rs.next(), "kept in Quaestor's own table");
                assertEquals(45, rs.getInt(1));
            }
        } finally {
            java.nio.file.Files.writeString(MAP, shipped);
            assertEquals(200, api.post("api/datamap/reload", "", admin).status());
        }
    }

    @Test
    void aGrantForATeamCoversItsMembersAndNobodyElse() {
        JsonObject op = StaffFixtures.createUser(api, admin, "litellm-operator", "PERSON", Role.OPERATOR).getJsonObject("user");
        Api.Bearer operator = new Api.Bearer(StaffFixtures.issueToken(api, admin, op.getString("id"), Role.OPERATOR));
        Api.Reply grant = api.post("api/access/grants", "{\"justificationCode\":\"CUSTOMER_SUPPORT\",\"reference\":\"SUP-77\","
                + "\"tenant\":\"team-5\",\"categories\":[\"account\"],\"duration\":\"PT1H\",\"breakGlass\":false}", operator);
        assertEquals(201, grant.status(), grant.body());
        String id = grant.json().getString("id");
        // user 4 is in team-5 (4 % 10 + 1), at home in org-1; user 6 is in team-7 and nowhere else.
        Api.Reply member = api.post("api/access/lookups", "{\"grantId\":\"" + id + "\",\"kind\":\"account-id\",\"value\":\""
                + LiteLlmStore.userId(4) + "\"}", operator);
        assertEquals(200, member.status(), member.body());
        assertTrue(member.body().contains(LiteLlmStore.email(4)), "the member's account rows are shown");
        Api.Reply stranger = api.post("api/access/lookups", "{\"grantId\":\"" + id + "\",\"kind\":\"account-id\",\"value\":\""
                + LiteLlmStore.userId(6) + "\"}", operator);
        assertEquals(403, stranger.status(), stranger.body());
        assertTrue(stranger.body().contains("tenant-out-of-scope"), stranger.body());
    }

    /** Rows of every table whose text holds the value, case aside. */
    /** A count by hand; {@code ?1} is the value, as often as it appears. */
    private static long countOf(String sql, String value) throws Exception {
        try (Connection c = store.getConnection(); PreparedStatement p = c.prepareStatement(sql.replace("?1", "?"))) {
            for (int i = 1; i <= p.getParameterMetaData().getParameterCount(); i++) {
                p.setString(i, value);
            }
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long countWhere(String table, String column, String value) throws Exception {
        try (Connection c = store.getConnection(); PreparedStatement p = c.prepareStatement("SELECT count(*) FROM \"" + table
                + "\" WHERE \"" + column + "\" = ?")) {
            p.setString(1, value);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long rowsNaming(String value) throws Exception {
        long rows = 0;
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             ResultSet tables = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
            List<String> names = new java.util.ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String table : names) {
                try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM \"" + table + "\" t WHERE position(lower(?) in lower(t::text)) > 0")) {
                    p.setString(1, value);
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        rows += rs.getLong(1);
                    }
                }
            }
        }
        return rows;
    }

    private static Api.Session signIn(String password) {
        Api.Reply reply = api.post("api/session", "{\"username\":\"admin\",\"password\":\"" + password + "\"}", Api.ANONYMOUS);
        assertEquals(201, reply.status(), reply.body());
        String cookie = reply.header("Set-Cookie").orElseThrow().split(";", 2)[0].split("=", 2)[1];
        return new Api.Session(cookie, reply.json().getString("csrfToken"), true);
    }
}
