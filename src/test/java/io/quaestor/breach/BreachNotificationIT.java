package io.quaestor.breach;

import com.sun.net.httpserver.HttpServer;
import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestDatabase;
import io.quaestor.testing.TestSmtp;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The breach workflow beyond the record: a missed deadline escalated by email and by a signed
 * webhook that is retried until delivered and logged per attempt; the scope computed from the
 * stores and checked against SQL; user notices from a template, with bad templates refused and
 * the users-24h obligation met by the finished campaign; authority reports in phases with the
 * reasons for delay; tasks escalated when overdue; closing only after the review.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BreachNotificationIT {

    private static final int HOOK_PORT = 13081;

    private static TestSmtp smtp;
    private static HttpServer hooks;
    private static final List<Received> received = new CopyOnWriteArrayList<>();
    private static final Set<String> failOnceFor = ConcurrentHashMap.newKeySet();

    record Received(String body, String signature, int answered) {
    }

    @ArquillianResource
    URL deployment;

    Api api;
    Api.Session admin;
    Api.Bearer responder;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeAll
    static void servers() throws Exception {
        smtp = TestSmtp.start();
        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", HOOK_PORT), 0);
        hooks.createContext("/escalations", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String obligation = Json.createReader(new StringReader(body)).readObject().getJsonObject("data").getString("obligationId", "");
            int status = failOnceFor.remove(obligation) ? 500 : 204;
            received.add(new Received(body, exchange.getRequestHeaders().getFirst("Quaestor-Signature"), status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        hooks.start();
    }

    @AfterAll
    static void stop() {
        smtp.stop();
        hooks.stop(0);
    }

    @BeforeEach
    void client() {
        api = new Api(deployment);
        admin = StaffFixtures.admin(api);
        responder = new Api.Bearer(StaffFixtures.token(api, Role.INCIDENT_RESPONDER));
    }

    @Test
    void aMissedDeadlineIsEscalatedByEmailAndBySignedWebhookRetriedUntilDelivered() throws Exception {
        String ownerEmail = StaffFixtures.uniqueUsername("owner") + "@quaestor.test";
        String owner = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("owner"), "PERSON", Role.INCIDENT_RESPONDER)
                .getJsonObject("user").getString("id");
        assertProblem(api.put("api/users/" + owner + "/email", "{\"email\":\"not an address\"}", admin), 422, "email");
        assertEquals(200, api.put("api/users/" + owner + "/email", "{\"email\":\"" + ownerEmail + "\"}", admin).status());

        int contactsBefore = api.get("api/escalation-contacts", admin).array().size();
        assertProblem(api.post("api/escalation-contacts", "{\"name\":\"Pager\",\"channel\":\"WEBHOOK\",\"address\":\"ftp://pager.example/x\"}",
                admin), 422, "address");
        assertProblem(api.post("api/escalation-contacts", "{\"name\":\"On call\",\"channel\":\"EMAIL\",\"address\":\"nobody\"}", admin),
                422, "address");
        assertEquals(contactsBefore, api.get("api/escalation-contacts", admin).array().size(), "nothing was stored");
        assertEquals(403, api.post("api/escalation-contacts", "{\"name\":\"Pager\",\"channel\":\"EMAIL\",\"address\":\"a@b.test\"}",
                responder).status(), "only an administrator adds contacts");
        Api.Reply webhook = api.post("api/escalation-contacts", "{\"name\":\"Pager bridge\",\"channel\":\"WEBHOOK\",\"address\":\"http://127.0.0.1:"
                + HOOK_PORT + "/escalations\"}", admin);
        assertEquals(201, webhook.status(), webhook.body());
        byte[] secret = webhook.json().getString("secret").getBytes(StandardCharsets.UTF_8);
        assertTrue(!api.get("api/escalation-contacts", admin).body().contains(webhook.json().getString("secret")), "the secret is shown once");
        JsonObject onCall = api.post("api/escalation-contacts", "{\"name\":\"On call\",\"channel\":\"EMAIL\",\"address\":\"oncall@quaestor.test\"}",
                admin).json().getJsonObject("contact");
        try {
            Instant detected = Instant.now().minus(Duration.ofHours(24)).plusSeconds(6);
            JsonObject incident = report("MEDIUM", detected.minusSeconds(3600), detected, null, owner).json();
            String obligation = obligation(incident, "users-24h").getString("id");
            failOnceFor.add(obligation);

            Received delivered = awaitHook(obligation, 204);
            assertTrue(received.stream().anyMatch(r -> r.body().contains(obligation) && r.answered() == 500), "the first attempt failed");
            JsonObject event = Json.createReader(new StringReader(delivered.body())).readObject();
            assertEquals("breach.overdue", event.getString("type"));
            assertEquals(1, received.stream().filter(r -> r.body().contains(event.getString("id"))).map(Received::body).distinct().count(),
                "a retry sends the same signed body with the same delivery id");
            assertEquals("deadline", event.getJsonObject("data").getString("stage"));
            assertSigned(delivered, secret);

            assertTrue(smtp.awaitBody(ownerEmail, "OVERDUE: " + incident.getString("reference")).contains("users-24h"));
            assertTrue(smtp.awaitBody("oncall@quaestor.test", "OVERDUE: " + incident.getString("reference")).contains("users-24h"));

            JsonObject log = api.get("api/incidents/" + incident.getString("id") + "/response/escalations", responder).array().stream()
                    .map(JsonValue::asJsonObject).filter(d -> d.getString("channel").equals("WEBHOOK")).findFirst().orElseThrow();
            assertEquals(List.of("FAILED", "DELIVERED"), log.getJsonArray("attempts").stream()
                    .map(a -> a.asJsonObject().getString("outcome")).toList(), log.toString());
            assertTrue(Sql.quaestorLong("SELECT extract(epoch FROM max(fired_at - fire_at)) * 1000 FROM deadline_timer WHERE ref_id = '"
                    + obligation + "' AND fired_at IS NOT NULL") <= 5_000, "the deadline fired within 5 s of its time");
        } finally {
            api.post("api/escalation-contacts/" + webhook.json().getJsonObject("contact").getString("id") + "/deactivation", "{}", admin);
            api.post("api/escalation-contacts/" + onCall.getString("id") + "/deactivation", "{}", admin);
        }
    }

    @Test
    void theScopeIsComputedFromTheStoresAndNoticesFromATemplateMeetTheUsersObligation() throws Exception {
        UUID org = UUID.randomUUID();
        List<UUID> accounts = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        Instant windowStart = Instant.now().minus(2, ChronoUnit.HOURS);
        tenant(org, accounts);
        JsonObject incident = report("HIGH", windowStart.minus(1, ChronoUnit.HOURS), Instant.now().minusSeconds(60), null, null).json();
        String base = "api/incidents/" + incident.getString("id") + "/notification/";

        assertProblem(api.post(base + "scopes", "{\"tenants\":[\"" + org + "\"],\"categories\":[\"dreams\"]}", responder), 422, "categories");
        assertProblem(api.post(base + "scopes", "{\"tenants\":[\"" + org + "\"],\"from\":\"" + windowStart + "\"}", responder), 422, "to");
        assertProblem(api.post(base + "scopes", "{}", responder), 422, "tenants");
        assertEquals(0, api.get(base + "scopes", responder).array().size(), "nothing was stored");

        Api.Reply computed = api.post(base + "scopes", "{\"tenants\":[\"" + org + "\"],\"from\":\"" + windowStart + "\",\"to\":\""
                + Instant.now() + "\",\"categories\":[\"technical-metadata\",\"console\"]}", responder);
        assertEquals(201, computed.status(), computed.body());
        JsonObject scope = computed.json();
        assertEquals(2, scope.getJsonNumber("subjects").longValue(), "the account without activity in the window is not affected");
        assertEquals(Sql.gatewayLong("SELECT count(*) FROM request_metadata WHERE organization_id = '" + org + "' AND occurred_at >= '"
                + windowStart + "'"), scope.getJsonNumber("records").longValue());
        String csv = api.send(responder.apply(api.request(base + "scopes/" + scope.getString("id") + "/accounts")
                .setHeader("Accept", "text/csv").GET(), false)).body();
        assertTrue(csv.contains(accounts.get(0).toString()) && csv.contains(accounts.get(1).toString()) && !csv.contains(accounts.get(2).toString()), csv);
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'breach.scope-accounts-exported' AND resource_id = '"
                + incident.getString("id") + "'"), "the export of the account list is in the trail");

        String fields = "\"fields\":{\"whatHappened\":\"A support tool exposed request metadata.\",\"remediation\":\"The tool was taken "
                + "offline and its credentials rotated.\",\"prevention\":\"Support tools now read through the audited gate.\"}";
        assertProblem(api.post(base + "notices", "{\"scopeId\":\"" + scope.getString("id") + "\"," + fields + ",\"templates\":{\"en\":"
                + "\"Subject: Notice ${reference}\\nDear ${firstName}, ${whatHappened}\"}}", responder), 422, "templates.en");
        assertProblem(api.post(base + "notices", "{\"scopeId\":\"" + scope.getString("id") + "\",\"fields\":{\"whatHappened\":\"x\"}}",
                responder), 422, "fields.");
        assertProblem(api.post(base + "notices", "{\"scopeId\":\"" + scope.getString("id") + "\",\"language\":\"xx\"," + fields + "}",
                responder), 422, "language");
        assertEquals(0, api.get(base + "notices", responder).array().size(), "nothing was stored");

        Api.Reply started = api.post(base + "notices", "{\"scopeId\":\"" + scope.getString("id") + "\",\"language\":\"de\"," + fields + "}", responder);
        assertEquals(201, started.status(), started.body());
        for (int i = 0; i < 2; i++) {
            String body = smtp.awaitBody(email(accounts.get(i)), incident.getString("reference"));
            assertTrue(body.contains("Support tools now read through the audited gate.") && body.contains("Was Sie tun")
                    && body.contains("widerrufen"), "German wording, German advice: " + body);
        }
        String campaign = started.json().getString("id");
        Sql.awaitQuaestor("SELECT count(*) FROM notice_campaign WHERE id = '" + campaign + "' AND status = 'DONE'");
        JsonObject progress = api.get(base + "notices", responder).array().getJsonObject(0);
        assertEquals(2, progress.getInt("sent"), progress.toString());
        assertEquals(0, progress.getInt("gaveUp"));
        JsonObject users = obligation(api.get("api/incidents/" + incident.getString("id"), responder).json(), "users-24h");
        assertEquals("MET", users.getString("status"));
        assertTrue(users.getString("evidence").contains("2 notices sent"), users.toString());
    }

    @Test
    void aCampaignInterruptedMidwayIsTakenOverAndResumesAfterTheLastRecipientStored() throws Exception {
        UUID org = UUID.randomUUID();
        List<UUID> accounts = new java.util.ArrayList<>(List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()));
        accounts.sort(java.util.Comparator.comparing(UUID::toString));
        tenant(org, List.of(accounts.get(0), accounts.get(1)));
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) VALUES ('" + accounts.get(2)
                    + "', '" + org + "', '" + email(accounts.get(2)) + "', 'Person 2', 'b-" + accounts.get(2).toString().substring(0, 8) + "', now(), now())");
        }
        JsonObject incident = report("LOW", Instant.now().minus(2, ChronoUnit.HOURS), Instant.now().minusSeconds(600), null, null).json();
        String scope = api.post("api/incidents/" + incident.getString("id") + "/notification/scopes", "{\"tenants\":[\"" + org
                + "\"],\"categories\":[\"account\"]}", responder).json().getString("id");
        // What an instance that died after its first page leaves: the first recipient stored (and mailed), the resume point after it,
        // a heartbeat long stale.
        String campaign = UUID.randomUUID().toString();
        String templates = Json.createObjectBuilder().add("en", java.nio.file.Files.readString(
                java.nio.file.Path.of("policy-templates/breach/notices/user-notice.en.txt"))).build().toString().replace("'", "''");
        Sql.quaestorUpdate("INSERT INTO notice_campaign (id, incident_id, scope_id, status, fields, templates, default_language, enqueued, "
                + "resume_after, created_at, created_by, heartbeat_at) SELECT '" + campaign + "', '" + incident.getString("id") + "', '" + scope
                + "', 'ENUMERATING', '{\"reference\":\"" + incident.getString("reference") + "\",\"whatHappened\":\"resumed\"}', '" + templates
                + "', 'en', 1, '" + accounts.get(0) + "', now(), reported_by, now() - interval '1 hour' FROM incident WHERE id = '"
                + incident.getString("id") + "'");
        Sql.quaestorUpdate("INSERT INTO notice_delivery (id, campaign_id, subject_key, created_at, next_attempt_at, attempts, sent_at, outcome) "
                + "VALUES (gen_random_uuid(), '" + campaign + "', '" + accounts.get(0) + "', now(), now(), 1, now(), 'SENT')");

        Sql.awaitQuaestor("SELECT count(*) FROM notice_campaign WHERE id = '" + campaign + "' AND status = 'DONE'");
        assertEquals(3, Sql.quaestorLong("SELECT count(*) FROM notice_delivery WHERE campaign_id = '" + campaign + "'"), () -> {
            try {
                return "one row per recipient; campaign " + Sql.quaestorString("SELECT row_to_json(k)::text FROM (SELECT status, enqueued, "
                        + "resume_after, enumerated_at, heartbeat_at FROM notice_campaign WHERE id = '" + campaign + "') k") + "; scope "
                        + Sql.quaestorString("SELECT description || ' ' || subjects FROM incident_scope WHERE id = '" + scope + "'") + "; accounts " + accounts;
            } catch (java.sql.SQLException e) {
                return e.toString();
            }
        });
        assertEquals(3, Sql.quaestorLong("SELECT enqueued FROM notice_campaign WHERE id = '" + campaign + "'"));
        for (UUID later : accounts.subList(1, 3)) {
            assertTrue(smtp.awaitBody(email(later), incident.getString("reference")).contains("resumed"));
        }
        Thread.sleep(1_000);
        assertEquals(0, smtp.count(email(accounts.get(0))), "the recipient stored before the interruption is not mailed again");
    }

    @Test
    void authorityReportsComeInPhasesAndALateFirstOneGivesItsReasons() throws Exception {
        Instant aware = Instant.now().minus(80, ChronoUnit.HOURS);
        JsonObject incident = report("CRITICAL", aware.minus(2, ChronoUnit.HOURS), aware.minus(1, ChronoUnit.HOURS), aware, null).json();
        String base = "api/incidents/" + incident.getString("id") + "/notification/authority-reports";
        String draft = "\"nature\":\"Confidentiality breach: request metadata exposed\",\"likelyConsequences\":\"Profiling of API use\","
                + "\"measuresTaken\":\"Access revoked\",\"measuresProposed\":\"Quarterly access review\",\"crossBorder\":true,"
                + "\"authoritiesConcerned\":[\"CNIL\",\"BfDI\"],\"leadAuthority\":\"CNIL\",\"subjectsApprox\":1200,\"recordsApprox\":340000";
        assertProblem(api.post(base, "{\"phase\":\"INITIAL\"," + draft + "}", responder), 422, "delayReasons");
        assertProblem(api.post(base, "{\"phase\":\"FOLLOW_UP\"," + draft + ",\"delayReasons\":\"x\"}", responder), 422, "phase");
        assertEquals(0, api.get(base, responder).array().size(), "nothing was stored");

        Api.Reply initial = api.post(base, "{\"phase\":\"INITIAL\"," + draft + ",\"delayReasons\":\"The processor told us on day 3.\"}", responder);
        assertEquals(201, initial.status(), initial.body());
        HttpResponse<byte[]> json = api.bytes(api.request(base + "/1").header("Authorization", "Bearer " + responder.token()));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.body()));
        assertEquals(initial.json().getString("sha256"), sha256, "the served JSON is what was digested");
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'breach.authority-report' AND details::jsonb ->> 'sha256' = '"
                + sha256 + "'"), "the digest is sealed in the trail");
        JsonObject body = Json.createReader(new StringReader(new String(json.body(), StandardCharsets.UTF_8))).readObject();
        assertEquals(false, body.getJsonObject("timing").getBoolean("withinSeventyTwoHours"));
        assertEquals("The processor told us on day 3.", body.getJsonObject("timing").getString("reasonsForDelay"));
        assertEquals(1200, body.getJsonObject("affected").getInt("approximateNumberOfDataSubjects"));
        assertTrue(body.getJsonObject("controller").containsKey("dataProtectionOfficer"));
        assertEquals(false, body.getJsonObject("communicationToDataSubjects").getBoolean("notified"), "no notice went out yet");
        HttpResponse<byte[]> pdf = api.bytes(api.request(base + "/1").header("Authorization", "Bearer " + responder.token())
                .setHeader("Accept", "application/pdf"));
        assertEquals("%PDF", new String(pdf.body(), 0, 4, StandardCharsets.US_ASCII));

        assertEquals(201, api.post(base, "{\"phase\":\"FINAL\"," + draft + "}", responder).status());
        assertEquals(409, api.post(base, "{\"phase\":\"FOLLOW_UP\"," + draft + "}", responder).status(), "nothing follows the final report");
    }

    @Test
    void anOverdueTaskIsEscalatedAndAHighIncidentClosesOnlyAfterItsReview() throws Exception {
        JsonObject incident = report("HIGH", Instant.now().minus(3, ChronoUnit.HOURS), Instant.now().minus(2, ChronoUnit.HOURS), null, null).json();
        String id = incident.getString("id");
        String tasks = "api/incidents/" + id + "/response/tasks";
        assertProblem(api.post(tasks, "{\"title\":\"Rotate keys\",\"dueAt\":\"" + Instant.now().minusSeconds(60) + "\"}", responder), 422, "dueAt");
        Api.Reply task = api.post(tasks, "{\"title\":\"Rotate the exposed keys\",\"dueAt\":\"" + Instant.now().plusSeconds(3) + "\"}", responder);
        assertEquals(201, task.status(), task.body());
        Sql.awaitQuaestor("SELECT least(count(*), 1) FROM staff_notification WHERE kind = 'BREACH_TASK_OVERDUE' AND ref_id = '" + id + "'");
        assertTrue(api.get("api/me/notifications", responder).body().contains("task \\\"Rotate the exposed keys\\\" was due"),
                "the owner is told");

        for (JsonValue o : incident.getJsonArray("obligations")) {
            if (o.asJsonObject().getString("status").equals("PENDING")) {
                api.post("api/incidents/" + id + "/obligations/" + o.asJsonObject().getString("code") + "/waiver",
                        "{\"text\":\"test incident, nothing to notify\"}", responder);
            }
        }
        Api.Reply refused = api.post("api/incidents/" + id + "/status", "{\"status\":\"CLOSED\"}", responder);
        assertEquals(409, refused.status());
        assertTrue(refused.body().contains("Rotate the exposed keys"), refused.body());
        assertEquals(200, api.post(tasks + "/" + task.json().getString("id") + "/closure", "{\"status\":\"DONE\",\"outcome\":\"rotated\"}",
                responder).status());
        Api.Reply noReview = api.post("api/incidents/" + id + "/status", "{\"status\":\"CLOSED\"}", responder);
        assertEquals(409, noReview.status());
        assertTrue(noReview.body().contains("review"), noReview.body());

        Api.Reply review = api.put("api/incidents/" + id + "/response/review", "{\"rootCause\":\"A support tool had standing access\","
                + "\"prevention\":\"Access through the audited gate only\",\"followUps\":[{\"title\":\"Remove standing access everywhere\","
                + "\"dueAt\":\"" + Instant.now().plus(30, ChronoUnit.DAYS) + "\"}]}", responder);
        assertEquals(200, review.status(), review.body());
        assertEquals(1, review.json().getJsonArray("followUps").size());
        assertEquals("CLOSED", api.post("api/incidents/" + id + "/status", "{\"status\":\"CLOSED\"}", responder).json().getString("status"));
        assertTrue(api.get(tasks, responder).body().contains("FOLLOW_UP"), "the follow-up outlives the incident");
        assertTrue(Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE resource_id = '" + id + "' AND action LIKE 'breach.%'") >= 6,
                "the timeline is in the audit trail");
    }

    private Received awaitHook(String obligation, int answered) throws InterruptedException {
        for (int i = 0; i < 120; i++) {
            for (Received r : received) {
                if (r.body().contains(obligation) && r.answered() == answered) {
                    return r;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no webhook for " + obligation + " answered " + answered + "; got " + received);
    }

    private static void assertSigned(Received r, byte[] secret) throws Exception {
        String[] parts = r.signature().split(",");
        long t = Long.parseLong(parts[0].substring(2));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        assertEquals("v1=" + expected, parts[1], "the signature is HMAC-SHA256 over timestamp and body");
        assertTrue(Math.abs(Instant.now().getEpochSecond() - t) < 300, "the timestamp is current");
    }

    private static void tenant(UUID org, List<UUID> accounts) throws Exception {
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement()) {
            s.execute("SELECT ensure_request_metadata_partitions(current_date - 10, current_date + 1)");
            s.execute("INSERT INTO organizations (id, name, region, created_at) VALUES ('" + org + "', 'Breached org', 'global', now())");
            for (int i = 0; i < accounts.size(); i++) {
                UUID a = accounts.get(i);
                s.execute("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) VALUES ('" + a + "', '" + org
                        + "', '" + email(a) + "', 'Person " + i + "', 'b-" + a.toString().substring(0, 8) + "', now(), now())");
                // The first two were active in the last hour; the third only a week ago.
                String age = i < 2 ? "(g || ' minutes')::interval" : "interval '7 days' + (g || ' minutes')::interval";
                s.execute("INSERT INTO request_metadata (occurred_at, request_id, account_id, organization_id, model, prompt_tokens, completion_tokens, "
                        + "total_tokens, cost_micro_usd, latency_ms, http_status) SELECT now() - " + age + ", gen_random_uuid(), '" + a + "', '" + org
                        + "', 'gpt-4o', 1, 2, 3, 4, 5, 200 FROM generate_series(1, " + (5 + i) + ") g");
            }
        }
    }

    private static String email(UUID account) {
        return "breach-" + account.toString().substring(0, 13) + "@customer.test";
    }

    private Api.Reply report(String severity, Instant occurred, Instant detected, Instant aware, String owner) {
        Api.Reply reply = api.post("api/incidents", "{\"title\":\"Support tool exposed metadata\",\"description\":\"A support tool was reachable.\","
                + "\"type\":\"CONFIDENTIALITY\",\"severity\":\"" + severity + "\",\"occurredAt\":\"" + occurred + "\",\"detectedAt\":\"" + detected + "\""
                + (aware == null ? "" : ",\"awareAt\":\"" + aware + "\"") + (owner == null ? "" : ",\"ownerId\":\"" + owner + "\"")
                + ",\"categories\":\"technical-metadata\",\"regions\":\"global\"}", responder);
        assertEquals(201, reply.status(), reply.body());
        return reply;
    }

    private static JsonObject obligation(JsonObject incident, String code) {
        return incident.getJsonArray("obligations").stream().map(JsonValue::asJsonObject).filter(o -> o.getString("code").equals(code))
                .findFirst().orElseThrow(() -> new AssertionError(code + " in " + incident));
    }

    private static void assertProblem(Api.Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.body().contains("\"" + field), reply.body());
    }
}
