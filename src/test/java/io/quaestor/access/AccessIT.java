package io.quaestor.access;

import io.quaestor.audit.control.MerkleTree;
import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.Sql;
import io.quaestor.testing.TestDatabase;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access gate end to end: grants and their lifecycle, refused looks that leave an event and no
 * data, fail-closed release, recertification, gateway ingest, the tenant's transparency feed with
 * proofs, and the daily review. Customer rows are made here in the gateway store, two tenants apart.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessIT {

    private static final UUID TENANT = UUID.randomUUID();
    private static final UUID OTHER_TENANT = UUID.randomUUID();
    private static final UUID ACCOUNT = UUID.randomUUID();
    private static final UUID OTHER_ACCOUNT = UUID.randomUUID();
    private static final String EMAIL = "ada." + TENANT.toString().substring(0, 8) + "@customer.example";
    private static final String OTHER_EMAIL = "bob." + OTHER_TENANT.toString().substring(0, 8) + "@other.example";

    private static Api.Bearer operator;
    private static String operatorId;
    private static Api.Bearer officer;
    private static Api.Bearer officerOperator;
    private static Api.Bearer gateway;
    private static Api.Bearer auditor;

    @ArquillianResource
    URL deployment;

    Api api;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeEach
    void setUp() throws SQLException {
        api = new Api(deployment);
        synchronized (AccessIT.class) {
            if (operator == null) {
                customers();
                Api.Session admin = StaffFixtures.admin(api);
                JsonObject op = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("operator"), "PERSON", Role.OPERATOR)
                        .getJsonObject("user");
                operatorId = op.getString("id");
                operator = new Api.Bearer(StaffFixtures.issueToken(api, admin, operatorId, Role.OPERATOR));
                // The API refuses OPERATOR with PRIVACY_OFFICER (separation of duties); data from before that rule could
                // still hold both, so the grant checks must refuse self-approval on their own.
                JsonObject po = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("officer-operator"), "PERSON",
                        Role.OPERATOR).getJsonObject("user");
                superuser("INSERT INTO staff_user_role (user_id, role) VALUES ('" + po.getString("id") + "', 'PRIVACY_OFFICER')");
                officerOperator = new Api.Bearer(token(admin, po.getString("id"), "\"OPERATOR\",\"PRIVACY_OFFICER\""));
                officer = new Api.Bearer(StaffFixtures.token(api, Role.PRIVACY_OFFICER));
                gateway = new Api.Bearer(StaffFixtures.token(api, Role.GATEWAY));
                auditor = new Api.Bearer(StaffFixtures.token(api, Role.AUDITOR));
            }
        }
    }

    @Test
    void aGrantInScopeShowsTheDataAndRecordsWhyWithAPseudonym() throws SQLException {
        String grant = activeGrant(operator, "\"account\"", "SUP-1001");
        Api.Reply look = lookup(operator, grant, "email", EMAIL.toUpperCase(), null);
        assertEquals(200, look.status(), look.body());
        JsonObject result = look.json();
        assertEquals(ACCOUNT.toString(), result.getJsonArray("subjects").getJsonObject(0).getString("accountId"));
        JsonObject accounts = table(result, "accounts");
        assertTrue(accounts.getJsonArray("rows").toString().contains(EMAIL));
        assertTrue(result.getJsonArray("tables").stream().noneMatch(t -> t.asJsonObject().getString("category").equals("billing")),
                "only the granted categories");
        String eventId = result.getJsonArray("auditEvents").getString(0);
        Sql.auditSettled();
        try (Connection c = TestDatabase.superuser("quaestor");
             PreparedStatement s = c.prepareStatement("SELECT actor, action, outcome, tenant, justification_code, "
                     + "justification_reference, grant_id, resource_id, convert_from(canonical, 'UTF8') FROM audit_event WHERE event_id = ?::uuid")) {
            s.setString(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(operatorId, rs.getString(1));
                assertEquals("customer-data.read", rs.getString(2));
                assertEquals("success", rs.getString(3));
                assertEquals(TENANT.toString(), rs.getString(4));
                assertEquals("CUSTOMER_SUPPORT", rs.getString(5));
                assertEquals("SUP-1001", rs.getString(6));
                assertEquals(grant, rs.getString(7));
                assertTrue(rs.getString(8).matches("cp_[0-9a-f]{32}"), rs.getString(8));
                assertFalse(rs.getString(9).toLowerCase().contains(EMAIL), "no raw email in the record");
                assertFalse(rs.getString(9).contains(ACCOUNT.toString()), "no raw account id in the record");
            }
        }
    }

    @Test
    void aSubjectOfAnotherTenantIsRefusedRecordedAndNothingReturned() throws SQLException {
        String grant = activeGrant(operator, "\"account\"", "SUP-1002");
        long before = denials();
        Api.Reply look = lookup(operator, grant, "email", OTHER_EMAIL, null);
        assertEquals(403, look.status(), look.body());
        assertEquals("tenant-out-of-scope", look.problemSlug());
        assertFalse(look.body().contains(OTHER_EMAIL));
        assertFalse(look.body().contains(OTHER_ACCOUNT.toString()));
        assertEquals(before + 1, denials());
        Api.Reply category = lookup(operator, grant, "email", EMAIL, "\"billing\"");
        assertEquals(403, category.status(), category.body());
        assertEquals("category-out-of-scope", category.problemSlug());
        assertEquals(before + 2, denials());
    }

    @Test
    void someoneElsesGrantIsNoGrantAtAll() throws SQLException {
        String grant = activeGrant(officerOperator, "\"account\"", "SUP-1003");
        long before = denials();
        Api.Reply look = lookup(operator, grant, "email", EMAIL, null);
        assertEquals(403, look.status(), look.body());
        assertEquals("no-such-grant", look.problemSlug());
        assertEquals(before + 1, denials());
    }

    @Test
    void aSensitiveCategoryWaitsForASecondPersonNeverTheRequester() throws SQLException {
        Api.Reply asked = requestGrant(officerOperator, "\"account\",\"billing\"", "SUP-2001", null, false);
        assertEquals(201, asked.status(), asked.body());
        assertEquals("PENDING", asked.json().getString("status"));
        String grant = asked.json().getString("id");
        Api.Reply early = lookup(officerOperator, grant, "email", EMAIL, null);
        assertEquals(403, early.status());
        assertEquals("grant-pending", early.problemSlug());

        Api.Reply self = api.post("api/access/grants/" + grant + "/decision", "{\"decision\":\"approve\",\"note\":\"mine\"}", officerOperator);
        assertEquals(403, self.status(), self.body());
        assertEquals("self-approval", self.problemSlug());

        Api.Reply approved = api.post("api/access/grants/" + grant + "/decision", "{\"decision\":\"approve\",\"note\":\"ticket checked\"}", officer);
        assertEquals(200, approved.status(), approved.body());
        assertEquals("ACTIVE", approved.json().getString("status"));
        String approvalId = approved.json().getString("approvalId");

        Api.Reply look = lookup(officerOperator, grant, "account-id", ACCOUNT.toString(), "\"billing\"");
        assertEquals(200, look.status(), look.body());
        assertNotNull(table(look.json(), "invoices"));
        assertEquals(approvalId, column("approval_id", look.json().getJsonArray("auditEvents").getString(0)));

        Api.Reply again = api.post("api/access/grants/" + grant + "/decision", "{\"decision\":\"reject\",\"note\":\"late\"}", officer);
        assertEquals(409, again.status(), again.body());
    }

    @Test
    void anUnansweredRequestLapsesAndAnExpiredOrRevokedGrantStopsWorking() throws SQLException {
        String pending = requestGrant(operator, "\"billing\"", "SUP-3001", null, false).json().getString("id");
        superuser("UPDATE access_grant SET approval_deadline = now() - interval '1 minute' WHERE id = '" + pending + "'");
        assertEquals("LAPSED", api.get("api/access/grants/" + pending, operator).json().getString("status"));
        Api.Reply late = api.post("api/access/grants/" + pending + "/decision", "{\"decision\":\"approve\",\"note\":\"ok\"}", officer);
        assertEquals(409, late.status(), late.body());

        String expired = activeGrant(operator, "\"account\"", "SUP-3002");
        superuser("UPDATE access_grant SET activated_at = now() - interval '5 hours', expires_at = now() - interval '1 hour' WHERE id = '" + expired + "'");
        Api.Reply look = lookup(operator, expired, "email", EMAIL, null);
        assertEquals(403, look.status(), look.body());
        assertEquals("grant-expired", look.problemSlug());

        String revoked = activeGrant(operator, "\"account\"", "SUP-3003");
        assertEquals(200, api.post("api/access/grants/" + revoked + "/revocation", "", operator).status());
        Api.Reply after = lookup(operator, revoked, "email", EMAIL, null);
        assertEquals(403, after.status(), after.body());
        assertEquals("grant-revoked", after.problemSlug());
    }

    @Test
    void breakGlassWorksAtOnceAndIsFlaggedUntilSomeoneElseReviewsIt() throws SQLException {
        Api.Reply asked = requestGrant(officerOperator, "\"billing\"", "INC-77", "PT1H", true);
        assertEquals(201, asked.status(), asked.body());
        JsonObject grant = asked.json();
        assertEquals("ACTIVE", grant.getString("status"));
        assertTrue(grant.getBoolean("breakGlass"));
        Api.Reply look = lookup(officerOperator, grant.getString("id"), "email", EMAIL, null);
        assertEquals(200, look.status(), look.body());
        assertEquals("t", column("break_glass::text", look.json().getJsonArray("auditEvents").getString(0)).substring(0, 1));

        superuser("UPDATE access_grant SET review_due_at = now() - interval '1 minute' WHERE id = '" + grant.getString("id") + "'");
        assertTrue(flags("BREAK_GLASS_NOT_REVIEWED").contains(grant.getString("id")));
        Api.Reply self = api.post("api/access/grants/" + grant.getString("id") + "/review",
                "{\"outcome\":\"justified\",\"note\":\"mine\"}", officerOperator);
        assertEquals(403, self.status(), self.body());
        Api.Reply reviewed = api.post("api/access/grants/" + grant.getString("id") + "/review",
                "{\"outcome\":\"justified\",\"note\":\"incident INC-77 confirmed\"}", officer);
        assertEquals(200, reviewed.status(), reviewed.body());
        assertFalse(flags("BREAK_GLASS_NOT_REVIEWED").contains(grant.getString("id")));
    }

    @Test
    void badGrantRequestsAreRefusedByFieldAndWriteNothing() throws SQLException {
        long grants = count("SELECT count(*) FROM access_grant");
        assertField(api.post("api/access/grants", "{\"justificationCode\":\"CUSTOMER_SUPPORT\",\"tenant\":\"" + TENANT
                + "\",\"categories\":[\"account\"]}", operator), 422, "reference");
        assertField(api.post("api/access/grants", "{\"reference\":\"SUP-1\",\"tenant\":\"" + TENANT
                + "\",\"categories\":[\"account\"]}", operator), 422, "justificationCode");
        assertField(requestGrant(operator, "\"account\"", "SUP-1", "PT5H", false), 422, "duration");
        assertField(requestGrant(operator, "\"account\"", "SUP-1", "two hours", false), 422, "duration");
        assertField(requestGrant(operator, "\"prompts\"", "SUP-1", null, false), 422, "categories");
        assertEquals(403, requestGrant(officer, "\"account\"", "SUP-1", null, false).status(), "only operators ask");
        assertEquals(grants, count("SELECT count(*) FROM access_grant"));
        String grant = activeGrant(operator, "\"account\"", "SUP-1004");
        assertField(lookup(operator, grant, "email", "not-an-email", null), 422, "value");
        assertField(lookup(operator, grant, "phone", "123", null), 422, "kind");
    }

    @Test
    void anOperatorDueForRecertificationIsRefusedUntilSomeoneElseRecertifies() throws SQLException {
        Api.Session admin = StaffFixtures.admin(api);
        JsonObject user = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("stale-operator"), "PERSON", Role.OPERATOR)
                .getJsonObject("user");
        Api.Bearer stale = new Api.Bearer(StaffFixtures.issueToken(api, admin, user.getString("id"), Role.OPERATOR));
        String grant = activeGrant(stale, "\"account\"", "SUP-4001");
        superuser("UPDATE staff_user_role SET granted_at = now() - interval '91 days' WHERE user_id = '" + user.getString("id") + "'");

        JsonArray standings = api.get("api/access/recertifications", officer).array();
        assertTrue(standings.stream().map(JsonObject.class::cast)
                .anyMatch(s -> s.getString("userId").equals(user.getString("id")) && s.getBoolean("lapsed")));
        Api.Reply refused = requestGrant(stale, "\"account\"", "SUP-4002", null, false);
        assertEquals(403, refused.status(), refused.body());
        assertEquals("recertification-lapsed", refused.problemSlug());
        Api.Reply look = lookup(stale, grant, "email", EMAIL, null);
        assertEquals(403, look.status(), look.body());
        assertEquals("recertification-lapsed", look.problemSlug());

        Api.Reply recertified = api.post("api/access/recertifications/" + user.getString("id"),
                "{\"note\":\"still on the support rota\"}", officer);
        assertEquals(200, recertified.status(), recertified.body());
        assertFalse(recertified.json().getBoolean("lapsed"));
        assertEquals(200, lookup(stale, grant, "email", EMAIL, null).status());
    }

    @Test
    void whenTheAuditEventCannotBeWrittenNoDataLeaves() throws SQLException {
        String grant = activeGrant(operator, "\"account\"", "SUP-5001");
        superuser("""
                CREATE OR REPLACE FUNCTION test_refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF position('"action":"customer-data.read"' IN convert_from(NEW.canonical_head, 'UTF8')) > 0
                   AND position('"outcome":"success"' IN convert_from(NEW.canonical_head, 'UTF8')) > 0
                THEN RAISE EXCEPTION 'audit store failing'; END IF;
                RETURN NEW; END $$""");
        superuser("CREATE TRIGGER test_refuse_reads BEFORE INSERT ON audit_pending FOR EACH ROW EXECUTE FUNCTION test_refuse_reads()");
        try {
            Api.Reply look = lookup(operator, grant, "email", EMAIL, null);
            assertEquals(500, look.status(), look.body());
            assertFalse(look.body().contains(EMAIL));
            assertFalse(look.body().contains(ACCOUNT.toString()));
        } finally {
            superuser("DROP TRIGGER test_refuse_reads ON audit_pending");
            superuser("DROP FUNCTION test_refuse_reads()");
        }
        assertEquals(200, lookup(operator, grant, "email", EMAIL, null).status());
    }

    @Test
    void ingestIsIdempotentByEventIdAndRefusesAReusedIdWithOtherContent() throws SQLException {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String batch = "{\"events\":[" + ingested(first, "account.suspended", OTHER_EMAIL) + ","
                + ingested(second, "account.viewed", null) + "]}";
        Api.Reply appended = api.post("api/audit/ingest", batch, gateway);
        assertEquals(200, appended.status(), appended.body());
        assertEquals(2, appended.json().getInt("appended"));
        long events = count("SELECT count(*) FROM audit_event");

        Api.Reply replay = api.post("api/audit/ingest", batch, gateway);
        assertEquals(200, replay.status(), replay.body());
        assertEquals(0, replay.json().getInt("appended"));
        assertEquals(2, replay.json().getInt("duplicates"));
        assertEquals(events, count("SELECT count(*) FROM audit_event"));

        String changed = "{\"events\":[" + ingested(UUID.randomUUID().toString(), "account.viewed", null) + ","
                + ingested(first, "account.deleted", OTHER_EMAIL) + "]}";
        Api.Reply conflict = api.post("api/audit/ingest", changed, gateway);
        assertEquals(409, conflict.status(), conflict.body());
        assertEquals("events[1].eventId", conflict.json().getString("field"));
        assertEquals(events, count("SELECT count(*) FROM audit_event"), "nothing of a refused batch is written");

        assertEquals(0, count("SELECT count(*) FROM audit_event WHERE convert_from(canonical, 'UTF8') ILIKE '%" + OTHER_EMAIL + "%'"),
                "the customer's email is stored only as a pseudonym");
        assertEquals(1, count("SELECT count(*) FROM audit_event WHERE event_id = '" + first + "' AND details LIKE '%\"customer\":\"cp_%' "
                + "AND origin = '203.0.113.0/24' AND actor = 'gateway:adm-17'"));
    }

    @Test
    void malformedIngestEventsAreNamedAndNothingIsWritten() throws SQLException {
        long events = count("SELECT count(*) FROM audit_event");
        String good = ingested(UUID.randomUUID().toString(), "account.viewed", null);
        assertField(api.post("api/audit/ingest", "{\"events\":[" + good + ","
                + ingested(UUID.randomUUID().toString(), "account.viewed", null).replace("\"adm-17\"", "\"ops@gateway.example\"")
                + "]}", gateway), 422, "events[1].actor.id");
        assertField(api.post("api/audit/ingest", "{\"events\":[" + good.replace("\"success\"", "\"maybe\"") + "]}", gateway),
                422, "events[0].outcome");
        assertField(api.post("api/audit/ingest", "{\"events\":[" + good.replace(Instant.now().truncatedTo(ChronoUnit.DAYS).toString(),
                "yesterday") + "]}", gateway), 422, "events[0].occurredAt");
        assertField(api.post("api/audit/ingest", "{\"events\":[" + good.replace("\"action\"", "\"actoin\"") + "]}", gateway),
                400, null);
        assertEquals(403, api.post("api/audit/ingest", "{\"events\":[" + good + "]}", operator).status());
        assertEquals(events, count("SELECT count(*) FROM audit_event"));
    }

    @Test
    void aTenantSeesItsOwnAccessFeedWithProofsItCanCheck() throws Exception {
        String grant = activeGrant(operator, "\"account\"", "SUP-6001");
        String eventId = lookup(operator, grant, "email", EMAIL, null).json().getJsonArray("auditEvents").getString(0);
        long seq = Sql.quaestorLong("SELECT seq FROM audit_event WHERE event_id = '" + eventId + "'");
        JsonObject entry = null;
        JsonObject feed = null;
        // Sealing runs every few seconds; on a loaded machine it may take longer than a quiet one's 7 s.
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while ((entry == null || !entry.containsKey("inclusionProof")) && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            feed = feedUntil(seq);
            entry = feed.getJsonArray("entries").stream().map(JsonObject.class::cast)
                    .filter(e -> e.getJsonNumber("seq").longValue() == seq).findFirst().orElse(null);
        }
        assertNotNull(entry, "the read is in the tenant's feed");
        assertTrue(entry.containsKey("inclusionProof"), "the read was sealed within 30 s: " + entry);
        assertEquals("customer-data.read", entry.getString("action"));
        assertEquals("CUSTOMER_SUPPORT", entry.getString("justificationCode"));
        assertEquals(operatorId, entry.getString("operator"));
        byte[] canonical = Base64.getDecoder().decode(entry.getString("canonical"));
        byte[] leaf = MerkleTree.leafHash(canonical);
        assertEquals(entry.getString("leafHash"), HexFormat.of().formatHex(leaf));
        String statement = feed.getJsonObject("checkpoint").getString("statement");
        long size = Long.parseLong(statement.lines().filter(l -> l.startsWith("tree_size=")).findFirst().orElseThrow().substring(10));
        byte[] root = HexFormat.of().parseHex(statement.lines().filter(l -> l.startsWith("root=")).findFirst().orElseThrow().substring(5));
        List<byte[]> path = new ArrayList<>();
        entry.getJsonArray("inclusionProof").forEach(h -> path.add(HexFormat.of().parseHex(((jakarta.json.JsonString) h).getString())));
        assertTrue(MerkleTree.verifyInclusion(seq, size, leaf, path, root), "the proof holds against the signed root");
        assertTrue(feed.getJsonArray("entries").stream().map(JsonObject.class::cast).allMatch(e -> TENANT.toString().equals(
                columnAtSeq("tenant", e.getJsonNumber("seq").longValue()))), "only the tenant's own events");
        assertEquals(403, api.get("api/transparency/tenants/" + TENANT + "/events", operator).status());
    }

    @Test
    void theDailyReviewFlagsBadReferencesOutOfScopeAttemptsAndTrailReads() throws SQLException {
        String grant = activeGrant(operator, "\"account\"", "see slack");
        assertEquals(200, lookup(operator, grant, "email", EMAIL, null).status());
        assertEquals(403, lookup(operator, grant, "email", OTHER_EMAIL, null).status());
        api.get("api/audit/events?limit=1", auditor);
        assertTrue(flags("INVALID_REFERENCE").contains(grant));
        assertTrue(flags("OUT_OF_SCOPE_DENIED").contains(grant));
        assertFalse(flags("AUDIT_TRAIL_READ").isEmpty());
        assertField(api.get("api/access/daily-review?day=24.11.2026", auditor), 422, "day");
    }

    @Test
    void anAdministratorCanRunTheTrailsRetentionNowAndNobodyElse() throws SQLException {
        Api.Reply run = api.post("api/audit/retention-runs", "", StaffFixtures.admin(api));
        assertEquals(200, run.status(), run.body());
        assertTrue(run.json().getBoolean("ran"));
        assertFalse(run.json().containsKey("archived"), "nothing in this run's trail is 90 days old");
        assertEquals(403, api.post("api/audit/retention-runs", "", auditor).status());
        assertEquals(0, count("SELECT count(*) FROM audit_event WHERE payload_removed_at IS NOT NULL"));
    }

    // --- helpers ---

    private String ingested(String id, String action, String customerEmail) {
        return "{\"eventId\":\"" + id + "\",\"occurredAt\":\"" + Instant.now().truncatedTo(ChronoUnit.DAYS) + "\","
                + "\"actor\":{\"id\":\"adm-17\",\"role\":\"support-admin\",\"authenticationMethod\":\"sso\",\"breakGlass\":false},"
                + "\"action\":\"" + action + "\",\"resourceType\":\"account\",\"resourceId\":\"acc-1\",\"tenant\":\"" + OTHER_TENANT + "\","
                + (customerEmail == null ? "" : "\"customer\":{\"kind\":\"email\",\"value\":\"" + customerEmail + "\"},")
                + "\"justificationCode\":\"CUSTOMER_SUPPORT\",\"justificationReference\":\"SUP-9\",\"outcome\":\"success\","
                + "\"sourceIp\":\"203.0.113.77\",\"details\":{\"reason\":\"abuse report\"}}";
    }

    private JsonObject feedUntil(long seq) {
        Api.Reply reply = api.get("api/transparency/tenants/" + TENANT + "/events?limit=500", gateway);
        assertEquals(200, reply.status(), reply.body());
        JsonObject feed = reply.json();
        while (feed.containsKey("nextAfterSeq") && feed.getJsonArray("entries").stream().map(JsonObject.class::cast)
                .noneMatch(e -> e.getJsonNumber("seq").longValue() == seq)) {
            reply = api.get("api/transparency/tenants/" + TENANT + "/events?limit=500&afterSeq=" + feed.getJsonNumber("nextAfterSeq"), gateway);
            feed = reply.json();
        }
        return feed;
    }

    private String flags(String kind) {
        Api.Reply review = api.get("api/access/daily-review", auditor);
        assertEquals(200, review.status(), review.body());
        StringBuilder grants = new StringBuilder();
        review.json().getJsonArray("flags").stream().map(JsonObject.class::cast).filter(f -> f.getString("kind").equals(kind))
                .forEach(f -> grants.append(f.getString("grantId", "-")).append(' '));
        return grants.toString();
    }

    private String activeGrant(Api.Bearer who, String categories, String reference) {
        Api.Reply reply = requestGrant(who, categories, reference, "PT2H", false);
        assertEquals(201, reply.status(), reply.body());
        assertEquals("ACTIVE", reply.json().getString("status"));
        return reply.json().getString("id");
    }

    private Api.Reply requestGrant(Api.Auth who, String categories, String reference, String duration, boolean breakGlass) {
        return api.post("api/access/grants", "{\"justificationCode\":\"" + (breakGlass ? "PRODUCTION_ALERT" : "CUSTOMER_SUPPORT")
                + "\",\"reference\":\"" + reference + "\",\"tenant\":\"" + TENANT + "\",\"categories\":[" + categories + "]"
                + (duration == null ? "" : ",\"duration\":\"" + duration + "\"") + ",\"breakGlass\":" + breakGlass + "}", who);
    }

    private Api.Reply lookup(Api.Auth who, String grant, String kind, String value, String categories) {
        return api.post("api/access/lookups", "{\"grantId\":\"" + grant + "\",\"kind\":\"" + kind + "\",\"value\":\"" + value + "\""
                + (categories == null ? "" : ",\"categories\":[" + categories + "]") + "}", who);
    }

    private static JsonObject table(JsonObject result, String name) {
        return result.getJsonArray("tables").stream().map(JsonObject.class::cast).filter(t -> t.getString("table").equals(name))
                .findFirst().orElse(null);
    }

    private static void assertField(Api.Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        if (field != null) {
            assertEquals(field, reply.json().getString("field"), reply.body());
        }
    }

    private String token(Api.Session admin, String ownerId, String roles) {
        Api.Reply reply = api.post("api/tokens", "{\"ownerId\":\"" + ownerId + "\",\"name\":\"access test\",\"roles\":[" + roles + "]}", admin);
        assertEquals(201, reply.status(), reply.body());
        return reply.json().getString("token");
    }

    private static long denials() throws SQLException {
        return count("SELECT count(*) FROM audit_event WHERE action = 'customer-data.read' AND outcome = 'denied'");
    }

    private static String columnAtSeq(String column, long seq) {
        try {
            return Sql.quaestorString("SELECT " + column + " FROM audit_event WHERE seq = " + seq);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String column(String column, String eventId) throws SQLException {
        Sql.auditSettled();
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + column + " FROM audit_event WHERE event_id = '" + eventId + "'")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) throws SQLException {
        io.quaestor.testing.Sql.auditSettled();
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void superuser(String sql) throws SQLException {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void customers() throws SQLException {
        try (Connection c = TestDatabase.superuser("gateway")) {
            c.setAutoCommit(false);
            insertCustomers(c);
            c.commit();
        }
    }

    private static void insertCustomers(Connection c) throws SQLException {
        try (PreparedStatement org = c.prepareStatement(
                "INSERT INTO organizations (id, name, region, created_at) VALUES (?, ?, 'global', now())");
             PreparedStatement account = c.prepareStatement("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) "
                     + "VALUES (?, ?, ?, 'Test Person', ?, now(), now())");
             PreparedStatement invoice = c.prepareStatement("INSERT INTO invoices (id, organization_id, account_id, number, issued_at, "
                     + "amount_cents, currency, billing_name, billing_email, status) VALUES (?, ?, ?, ?, now(), 1200, 'EUR', 'Test Person', ?, 'paid')")) {
            for (UUID[] pair : new UUID[][] {{TENANT, ACCOUNT}, {OTHER_TENANT, OTHER_ACCOUNT}}) {
                org.setObject(1, pair[0]);
                org.setString(2, "Org " + pair[0]);
                org.executeUpdate();
                account.setObject(1, pair[1]);
                account.setObject(2, pair[0]);
                account.setString(3, pair[0] == TENANT ? EMAIL : OTHER_EMAIL);
                account.setString(4, "user-" + pair[1].toString().substring(0, 8));
                account.executeUpdate();
                invoice.setObject(1, UUID.randomUUID());
                invoice.setObject(2, pair[0]);
                invoice.setObject(3, pair[1]);
                invoice.setString(4, "INV-" + pair[1]);
                invoice.setString(5, pair[0] == TENANT ? EMAIL : OTHER_EMAIL);
                invoice.executeUpdate();
            }
        }
    }
}
