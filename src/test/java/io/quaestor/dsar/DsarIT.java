package io.quaestor.dsar;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestDatabase;
import io.quaestor.testing.TestSmtp;
import jakarta.json.JsonObject;
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

import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-subject requests end to end over HTTP, with a real SMTP server (GreenMail, in this JVM)
 * receiving what Quaestor sends: intake without enumeration, codes, the lifecycle and its 409s,
 * the legal clocks and the one extension, timers that remind and lapse, metrics.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DsarIT {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{8})\\b");
    private static TestSmtp smtp;
    private static Api.Bearer officer;
    private static String officerId;

    @ArquillianResource
    URL deployment;

    Api api;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeAll
    static void smtp() {
        smtp = TestSmtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
        if (webhooks != null) {
            webhooks.stop(0);
        }
    }

    @BeforeEach
    void client() {
        api = new Api(deployment);
        synchronized (DsarIT.class) {
            if (officer == null) {
                officer = new Api.Bearer(StaffFixtures.token(api, Role.PRIVACY_OFFICER));
                officerId = api.get("api/me", officer).json().getString("id");
            }
        }
    }

    @Test
    void aKnownAndAnUnknownEmailGetTheSameAnswerAndACodeThatVerifies() throws Exception {
        String known = unique("known");
        Api.Reply first = file("ACCESS", known, "EU");
        Api.Reply second = file("ACCESS", unique("nobody"), "EU");
        assertEquals(202, first.status(), first.body());
        assertEquals(202, second.status(), second.body());
        assertEquals(shape(first.json()), shape(second.json()), "no difference between a known and an unknown address");
        assertEquals("IDENTITY_PENDING", first.json().getString("status"));
        JsonObject content = first.json().getJsonObject("promptContent");
        assertFalse(content.getBoolean("heldByUs"));
        assertFalse(content.getJsonArray("providers").isEmpty(), "names where prompt content went");

        String code = code(known);
        String id = first.json().getString("requestId");
        Api.Reply verified = api.post("api/public/requests/" + id + "/verification", "{\"code\":\"" + code + "\"}", Api.ANONYMOUS);
        assertEquals(200, verified.status(), verified.body());
        assertEquals("VERIFIED", verified.json().getString("status"));
        assertTrue(awaitMail(known, "is confirmed").contains("We will answer by the end of"));
        Api.Reply again = api.post("api/public/requests/" + id + "/verification", "{\"code\":\"" + code + "\"}", Api.ANONYMOUS);
        assertEquals(409, again.status(), "a code works once");
        assertCodeHashedOnly(code);
    }

    @Test
    void filingByAccountIdAnswersAsByEmailAndMailsTheCodeToTheAccountsAddress() throws Exception {
        UUID account = customer("by-account");
        Api.Reply known = api.post("api/public/requests", "{\"type\":\"ACCESS\",\"accountId\":\"" + account + "\",\"region\":\"EU\"}",
                Api.ANONYMOUS);
        Api.Reply unknown = api.post("api/public/requests", "{\"type\":\"ACCESS\",\"accountId\":\"" + UUID.randomUUID()
                + "\",\"region\":\"EU\"}", Api.ANONYMOUS);
        assertEquals(202, known.status(), known.body());
        assertEquals(202, unknown.status(), unknown.body());
        assertEquals(shape(known.json()), shape(unknown.json()), "no difference between a known and an unknown account");
        String code = code(email(account));
        Api.Reply verified = api.post("api/public/requests/" + known.json().getString("requestId") + "/verification",
                "{\"code\":\"" + code + "\"}", Api.ANONYMOUS);
        assertEquals(200, verified.status(), verified.body());
        assertEquals("IDENTITY_PENDING", status(unknown.json().getString("requestId")), "nobody to mail, nothing verified");
    }

    @Test
    void codeMailsAreLimitedPerRequestAndPerRecipientWhateverTheSource() throws Exception {
        String email = unique("resend");
        String id = file("ACCESS", email, "EU").json().getString("requestId");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(api.post("api/public/requests/" + id + "/verification-code", "", Api.ANONYMOUS).status());
        }
        assertEquals(List.of(202, 202, 202, 429, 429), statuses, "three new codes an hour per request");
        String tagged = "limit" + UUID.randomUUID().toString().substring(0, 6);
        List<Integer> filings = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            filings.add(file("ACCESS", tagged + "+" + i + "@subject.example", "EU").status());
        }
        assertEquals(List.of(202, 202, 202, 202, 202, 429), filings, "user+tag addresses share one limit");
    }

    @Test
    void wrongCodesAreCountedThenRefusedAndAnExpiredCodeIsGone() throws Exception {
        String email = unique("guess");
        String id = file("ERASURE", email, "EU").json().getString("requestId");
        code(email);
        for (int left = 4; left >= 0; left--) {
            Api.Reply wrong = api.post("api/public/requests/" + id + "/verification", "{\"code\":\"00000000\"}", Api.ANONYMOUS);
            assertEquals(422, wrong.status(), wrong.body());
            assertEquals("code", wrong.json().getString("field"));
            assertTrue(wrong.json().getString("detail").contains(left + (left == 1 ? " try" : " tries")), wrong.body());
        }
        Api.Reply locked = api.post("api/public/requests/" + id + "/verification", "{\"code\":\"00000000\"}", Api.ANONYMOUS);
        assertEquals(429, locked.status(), locked.body());
        assertEquals("IDENTITY_PENDING", status(id));

        String later = unique("late");
        String lateId = file("ACCESS", later, "EU").json().getString("requestId");
        String code = code(later);
        superuser("UPDATE dsar_verification SET expires_at = now() - interval '1 minute' WHERE request_id = '" + lateId + "'");
        Api.Reply expired = api.post("api/public/requests/" + lateId + "/verification", "{\"code\":\"" + code + "\"}", Api.ANONYMOUS);
        assertEquals(410, expired.status(), expired.body());
        assertEquals("IDENTITY_PENDING", status(lateId));
    }

    @Test
    void badFilingsAreRefusedByFieldAndNothingIsStored() throws SQLException {
        long before = count("SELECT count(*) FROM dsar_request");
        assertField(api.post("api/public/requests", "{\"type\":\"FORGET_ME\",\"email\":\"a@b.example\",\"region\":\"EU\"}", Api.ANONYMOUS), 422, "type");
        assertField(api.post("api/public/requests", "{\"type\":\"ACCESS\",\"email\":\"not-an-address\",\"region\":\"EU\"}", Api.ANONYMOUS), 422, "email");
        assertField(api.post("api/public/requests", "{\"type\":\"ACCESS\",\"region\":\"EU\"}", Api.ANONYMOUS), 422, "email");
        assertField(api.post("api/public/requests", "{\"type\":\"ACCESS\",\"accountId\":\"12\",\"region\":\"EU\"}", Api.ANONYMOUS), 422, "accountId");
        assertField(api.post("api/dsar/requests", "{\"type\":\"ACCESS\",\"email\":\"a@b.example\",\"region\":\"EU\",\"receivedAt\":\""
                + Instant.now().plus(2, ChronoUnit.DAYS) + "\"}", officer), 422, "receivedAt");
        assertEquals(before, count("SELECT count(*) FROM dsar_request"));
    }

    @Test
    void theLifecycleRefusesIllegalStepsAndRecordsEveryMoveWithAGroundForRejection() throws Exception {
        String email = unique("flow");
        JsonObject filed = officerFiling("ACCESS", email, "EU", Instant.now().minus(3, ChronoUnit.DAYS), "passport seen by phone");
        String id = filed.getString("id");
        assertEquals("VERIFIED", filed.getString("status"));
        assertTrue(awaitMail(email, "We received your privacy request").contains(filed.getString("reference")));

        Api.Reply early = step(id, "{\"action\":\"complete\"}");
        assertEquals(409, early.status(), early.body());
        assertEquals(200, step(id, "{\"action\":\"start\",\"reason\":\"gathering data\"}").status());
        assertField(step(id, "{\"action\":\"reject\"}"), 422, "ground");
        assertField(step(id, "{\"action\":\"reject\",\"ground\":\"OTHER\"}"), 422, "groundText");
        assertField(step(id, "{\"action\":\"verify\"}"), 422, "action");
        Api.Reply rejected = step(id, "{\"action\":\"reject\",\"ground\":\"MANIFESTLY_UNFOUNDED_OR_EXCESSIVE\",\"reason\":\"fifth identical request this month\"}");
        assertEquals(200, rejected.status(), rejected.body());
        assertEquals("REJECTED", rejected.json().getString("status"));
        assertNotNull(rejected.json().getString("closedAt"));
        assertEquals(Arrays.asList("receive", "verify", "start", "reject"), rejected.json().getJsonArray("history").stream()
                .map(s -> s.asJsonObject().getString("action")).toList());
        assertTrue(awaitMail(email, "could not be granted").contains("supervisory authority"));
        assertEquals(409, step(id, "{\"action\":\"cancel\"}").status(), "a final state is final");
    }

    @Test
    void theClockFollowsTheRegimeAndExtendsOnceBeforeTheFirstDeadline() throws Exception {
        Instant received = Instant.parse("2026-01-31T10:00:00Z");
        if (received.isBefore(Instant.now().minus(364, ChronoUnit.DAYS))) {
            received = Instant.now().minus(20, ChronoUnit.DAYS);
        }
        JsonObject gdpr = officerFiling("ERASURE", unique("clock"), "EU", received, "id card checked");
        LocalDate receivedDay = LocalDate.ofInstant(received, ZoneOffset.UTC);
        assertEquals("GDPR", gdpr.getString("regime"));
        assertEquals(receivedDay.plusMonths(1).toString(), gdpr.getString("dueDate"));
        JsonObject ccpa = officerFiling("ACCESS", unique("clock-ca"), "US_CA", received, "id card checked");
        assertEquals("CCPA", ccpa.getString("regime"));
        assertEquals(receivedDay.plusDays(45).toString(), ccpa.getString("dueDate"));

        String id = officerFiling("ACCESS", unique("extend"), "EU", Instant.now().minus(5, ChronoUnit.DAYS), "seen").getString("id");
        LocalDate start = LocalDate.now(ZoneOffset.UTC).minusDays(5);
        assertField(extend(id, start.plusMonths(3).plusDays(1), "too far"), 422, "until");
        Api.Reply extended = extend(id, start.plusMonths(3), "The request covers three years of billing records across two regions.");
        assertEquals(200, extended.status(), extended.body());
        assertEquals(start.plusMonths(3).toString(), extended.json().getString("extendedDueDate"));
        Api.Reply twice = extend(id, start.plusMonths(2), "again");
        assertEquals(409, twice.status(), twice.body());

        String late = officerFiling("ACCESS", unique("late-ext"), "EU", Instant.now().minus(5, ChronoUnit.DAYS), "seen").getString("id");
        superuser("UPDATE dsar_request SET due_at = now() - interval '1 hour' WHERE id = '" + late + "'");
        Api.Reply afterDeadline = extend(late, start.plusMonths(2), "too late");
        assertEquals(409, afterDeadline.status(), afterDeadline.body());
    }

    @Test
    void timersRemindEscalateOnceAndLapseUnverifiedRequestsToAMinimalRecord() throws Exception {
        String email = unique("due");
        JsonObject nearlyDue = officerFiling("ACCESS", email, "EU", Instant.now().minus(30, ChronoUnit.DAYS), "seen");
        String id = nearlyDue.getString("id");
        assertEquals(200, api.put("api/dsar/requests/" + id + "/assignee", "{\"assigneeId\":\"" + officerId + "\"}", officer).status());
        String escalations = null;
        for (int i = 0; i < 40; i++) {
            Thread.sleep(250);
            escalations = api.get("api/me/notifications?limit=500", officer).body();
            if (escalations.contains("Escalation: request " + nearlyDue.getString("reference"))) {
                break;
            }
        }
        assertTrue(escalations.contains("Escalation: request " + nearlyDue.getString("reference")), escalations);
        Thread.sleep(2_000);
        assertEquals(1, count("SELECT count(*) FROM staff_notification n JOIN staff_user u ON u.id = n.user_id WHERE n.kind = "
                + "'DSAR_ESCALATION' AND n.ref_id = '" + id + "' AND u.id = '" + officerId + "'"), "fired once");

        String unverified = file("ACCESS", unique("lapse"), "EU").json().getString("requestId");
        superuser("UPDATE deadline_timer SET fire_at = now() - interval '1 second' WHERE kind = 'DSAR_VERIFICATION_LAPSE' "
                + "AND ref_id = '" + unverified + "'");
        for (int i = 0; i < 40 && !"LAPSED".equals(status(unverified)); i++) {
            Thread.sleep(250);
        }
        assertEquals("LAPSED", status(unverified));
        assertEquals(1, count("SELECT count(*) FROM dsar_request WHERE id = '" + unverified + "' AND subject_email IS NULL AND details IS NULL"));
    }

    @Test
    void officersFindRequestsByEmailWithoutTheListShowingItAndReadsAreAudited() throws SQLException {
        String email = unique("find");
        String id = officerFiling("PORTABILITY", email, "UK", Instant.now().minus(1, ChronoUnit.DAYS), "seen").getString("id");
        Api.Reply found = api.get("api/dsar/requests?email=" + email.toUpperCase(), officer);
        assertEquals(200, found.status(), found.body());
        assertEquals(1, found.json().getJsonArray("requests").size());
        assertFalse(found.body().contains(email), "the list shows no email");
        Api.Reply attached = api.send(officer.apply(api.request("api/dsar/requests/" + id + "/attachments?filename=letter.txt")
                .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("Dear privacy team")), true));
        assertEquals(201, attached.status(), attached.body());
        Api.Reply refused = api.send(officer.apply(api.request("api/dsar/requests/" + id + "/attachments?filename=x.exe")
                .header("Content-Type", "application/octet-stream").POST(java.net.http.HttpRequest.BodyPublishers.ofString("MZ")), true));
        assertEquals(415, refused.status(), refused.body());
        long stored = count("SELECT count(*) FROM dsar_attachment WHERE request_id = '" + id + "'");
        Api.Reply disguised = api.send(officer.apply(api.request("api/dsar/requests/" + id + "/attachments?filename=invoice.pdf")
                .header("Content-Type", "application/pdf").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "<html><script>alert(1)</script></html>")), true));
        assertEquals(415, disguised.status(), "HTML declared as a PDF: " + disguised.body());
        assertEquals("Content-Type", disguised.json().getString("field"));
        assertEquals(stored, count("SELECT count(*) FROM dsar_attachment WHERE request_id = '" + id + "'"), "nothing stored");
        Api.Reply content = api.get("api/dsar/requests/" + id + "/attachments/" + attached.json().getString("id"), officer);
        assertEquals("Dear privacy team", content.body());
        long reads = count("SELECT count(*) FROM audit_event WHERE action = 'dsar.request-read' AND resource_id = '" + id + "'");
        assertEquals(200, api.get("api/dsar/requests/" + id, officer).status());
        assertEquals(reads + 1, count("SELECT count(*) FROM audit_event WHERE action = 'dsar.request-read' AND resource_id = '" + id + "'"));
        Api.Reply metrics = api.get("api/dsar/metrics", officer);
        assertEquals(200, metrics.status(), metrics.body());
        assertTrue(metrics.json().getJsonArray("open").size() > 0);
        assertEquals(403, api.get("api/dsar/requests", new Api.Bearer(StaffFixtures.token(api, Role.OPERATOR))).status());
        String prometheus = api.send(api.request("metrics").setHeader("Accept", "text/plain").GET()).body();
        assertTrue(prometheus.contains("quaestor_dsar_overdue"), "the office's figures are Prometheus gauges too");
        assertTrue(prometheus.contains("quaestor_dsar_open_requests"), prometheus.length() + " bytes of metrics");
    }

    @Test
    void aCompletedRestrictionFlagsTheAccountTellsTheGatewaySignedAndRecordsEachRecipient() throws Exception {
        UUID account = customer("restrict");
        String email = email(account);
        JsonObject filed = officerFilingFor("RESTRICTION", email, "verified by support call");
        String id = filed.getString("id");
        assertEquals(200, step(id, "{\"action\":\"start\"}").status());
        Api.Reply done = step(id, "{\"action\":\"complete\",\"reason\":\"restricted\"}");
        assertEquals(200, done.status(), done.body());
        assertEquals("COMPLETED", done.json().getString("status"));
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT processing_restricted FROM accounts WHERE id = '" + account + "'")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "the gateway's account is restricted");
        }
        String body = awaitWebhook(account.toString());
        assertTrue(body.contains("\"type\":\"subject.processing-restricted\""), body);
        assertTrue(body.contains(filed.getString("reference")));
        assertTrue(count("SELECT count(*) FROM recipient_notification WHERE request_id = '" + id + "'") > 0, "Art. 19 recipients recorded");
    }

    @Test
    void anErasureWithOpenBillingWaitsForASecondOfficer() throws Exception {
        UUID account = customer("erase");
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO invoices (id, organization_id, account_id, number, issued_at, amount_cents, currency, status) "
                    + "SELECT gen_random_uuid(), organization_id, id, 'INV-" + account + "', now(), 900, 'EUR', 'open' FROM accounts "
                    + "WHERE id = '" + account + "'");
        }
        String id = officerFilingFor("ERASURE", email(account), "id card").getString("id");
        Api.Reply started = step(id, "{\"action\":\"start\"}");
        assertEquals(200, started.status(), started.body());
        assertEquals("AWAITING_APPROVAL", started.json().getString("status"));
        assertTrue(started.body().contains("blocking erasure"), started.body());
        Api.Reply self = step(id, "{\"action\":\"approve\"}");
        assertEquals(403, self.status(), self.body());
        Api.Session admin = StaffFixtures.admin(api);
        String second = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("second-officer"), "PERSON",
                Role.PRIVACY_OFFICER).getJsonObject("user").getString("id");
        Api.Bearer secondOfficer = new Api.Bearer(StaffFixtures.issueToken(api, admin, second, Role.PRIVACY_OFFICER));
        Api.Reply approved = api.post("api/dsar/requests/" + id + "/actions", "{\"action\":\"approve\",\"reason\":\"invoice settled by finance\"}",
                secondOfficer);
        assertEquals(200, approved.status(), approved.body());
        assertEquals("IN_PROGRESS", approved.json().getString("status"));
    }

    @Test
    void aRectificationChangesTheGatewayRecordAndKeepsOnlyPseudonymsOfTheValues() throws Exception {
        UUID account = customer("rectify");
        String id = officerFilingFor("RECTIFICATION", email(account), "id card").getString("id");
        assertEquals(409, api.post("api/dsar/requests/" + id + "/rectifications", "{\"column\":\"name\",\"value\":\"Ada Lovelace\"}",
                officer).status(), "not before the work has started");
        assertEquals(200, step(id, "{\"action\":\"start\"}").status());
        assertField(api.post("api/dsar/requests/" + id + "/rectifications", "{\"column\":\"id\",\"value\":\"x\"}", officer), 422, "column");
        Api.Reply rectified = api.post("api/dsar/requests/" + id + "/rectifications", "{\"column\":\"name\",\"value\":\"Ada Lovelace\"}", officer);
        assertEquals(200, rectified.status(), rectified.body());
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM accounts WHERE id = '" + account + "'")) {
            rs.next();
            assertEquals("Ada Lovelace", rs.getString(1));
        }
        assertEquals(1, count("SELECT count(*) FROM dsar_rectification WHERE request_id = '" + id + "' AND old_value LIKE 'cp\\_%' "
                + "AND new_value LIKE 'cp\\_%' AND new_value NOT LIKE '%Lovelace%'"));
        assertField(api.post("api/dsar/requests", "{\"type\":\"CONSENT_WITHDRAWAL\",\"email\":\"" + unique("consent")
                + "\",\"region\":\"EU\",\"receivedAt\":\"" + Instant.now() + "\"}", officer), 422, "consentScope");
    }

    @Test
    void openDsrRequestsAreIdempotentTrackedAndCalledBackWithASignatureTheKeyVerifies() throws Exception {
        webhookReceiver();
        Api.Bearer gateway = new Api.Bearer(StaffFixtures.token(api, Role.GATEWAY));
        JsonObject discovery = api.get("api/opendsr/discovery", Api.ANONYMOUS).json();
        assertTrue(discovery.getJsonArray("supported_subject_request_types").toString().contains("erasure"));
        String id = UUID.randomUUID().toString();
        String body = "{\"subject_request_id\":\"" + id + "\",\"subject_request_type\":\"erasure\",\"submitted_time\":\""
                + Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\",\"identities\":[{\"identity_type\":\"email\","
                + "\"identity_value\":\"" + unique("opendsr") + "\",\"identity_format\":\"raw\"}],"
                + "\"status_callback_urls\":[\"http://127.0.0.1:13080/opendsr-callback\"],\"api_version\":\"0.1\"}";
        Api.Reply accepted = api.post("api/opendsr/requests", body, gateway);
        assertEquals(201, accepted.status(), accepted.body());
        assertEquals(id, accepted.json().getString("subject_request_id"));
        Api.Reply replay = api.post("api/opendsr/requests", body, gateway);
        assertEquals(201, replay.status(), replay.body());
        assertEquals(accepted.json().getString("expected_completion_time"), replay.json().getString("expected_completion_time"));
        assertField(api.post("api/opendsr/requests", body.replace("\"erasure\"", "\"access\""), gateway), 409, "subject_request_id");
        assertField(api.post("api/opendsr/requests", body.replace("\"erasure\"", "\"forget\""), gateway), 422, "subject_request_type");
        assertEquals(403, api.post("api/opendsr/requests", body, officer).status());

        Api.Reply status = api.get("api/opendsr/requests/" + id, gateway);
        assertEquals("pending", status.json().getString("request_status"));
        String requestId = api.get("api/dsar/requests?open=true&limit=200", officer).json().getJsonArray("requests").stream()
                .map(JsonObject.class::cast).filter(r -> r.getString("channel").equals("OPENDSR")).map(r -> r.getString("id"))
                .filter(r -> api.get("api/dsar/requests/" + r, officer).body().contains("opendsr")).findFirst().orElseThrow();
        assertEquals(200, step(requestId, "{\"action\":\"start\"}").status());
        String callback = awaitCallback(id, "in_progress");
        assertTrue(callback.contains("\"controller_id\":\"quaestor\""), callback);
        Api.Reply cancelled = api.delete("api/opendsr/requests/" + id, gateway);
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().getString("request_status"));
        awaitCallback(id, "cancelled");
    }

    // --- helpers ---

    private static final java.util.List<String> CALLBACKS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private String awaitCallback(String subjectRequestId, String status) throws Exception {
        java.security.PublicKey key = java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(
                java.util.Base64.getDecoder().decode(api.get("api/opendsr/public-key", Api.ANONYMOUS).json().getString("key"))));
        for (int i = 0; i < 60; i++) {
            for (String entry : CALLBACKS) {
                String[] parts = entry.split("\n", 2);
                if (parts[1].contains(subjectRequestId) && parts[1].contains("\"request_status\":\"" + status + "\"")) {
                    java.security.Signature ed25519 = java.security.Signature.getInstance("Ed25519");
                    ed25519.initVerify(key);
                    ed25519.update(parts[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    assertTrue(ed25519.verify(java.util.Base64.getDecoder().decode(parts[0])), "the callback's signature verifies");
                    return parts[1];
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + status + " callback for " + subjectRequestId);
    }

    private static com.sun.net.httpserver.HttpServer webhooks;
    private static final java.util.List<String> RECEIVED = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A stand-in for the gateway's webhook endpoint, checking every signature as the gateway would. */
    private static synchronized void webhookReceiver() throws Exception {
        if (webhooks != null) {
            return;
        }
        byte[] secret = java.util.Base64.getDecoder().decode("dGVzdC13ZWJob29rLXNlY3JldC10ZXN0LXdlYmhvb2stc2VjcmV0");
        webhooks = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 13080), 0);
        webhooks.createContext("/quaestor-events", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String header = exchange.getRequestHeaders().getFirst("Quaestor-Signature");
            long t = Long.parseLong(header.substring(2, header.indexOf(',')));
            boolean valid = header.equals(io.quaestor.webhooks.control.GatewayWebhooks.signature(secret, t, body));
            if (valid) {
                RECEIVED.add(body);
            }
            exchange.sendResponseHeaders(valid ? 204 : 401, -1);
            exchange.close();
        });
        webhooks.createContext("/opendsr-callback", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            CALLBACKS.add(exchange.getRequestHeaders().getFirst("X-OpenDSR-Signature") + "\n" + body);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhooks.start();
    }

    private static String awaitWebhook(String contains) throws Exception {
        for (int i = 0; i < 60; i++) {
            for (String body : RECEIVED) {
                if (body.contains(contains)) {
                    return body;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no signed webhook about " + contains);
    }

    private JsonObject officerFilingFor(String type, String email, String evidence) {
        return officerFiling(type, email, "EU", Instant.now().minus(1, ChronoUnit.HOURS), evidence);
    }

    private static String email(UUID account) {
        return "acct." + account.toString().substring(0, 8) + "@customer.example";
    }

    /** An organization and one account in the gateway store. */
    private static UUID customer(String stem) throws Exception {
        webhookReceiver();
        UUID org = UUID.randomUUID();
        UUID account = UUID.randomUUID();
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO organizations (id, name, region, created_at) VALUES ('" + org + "', 'Org " + stem + "', 'global', now())");
            s.execute("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) VALUES ('" + account
                    + "', '" + org + "', '" + email(account) + "', 'Before Name', 'u-" + account.toString().substring(0, 8) + "', now(), now())");
        }
        return account;
    }

    private static String unique(String stem) {
        return stem + "." + UUID.randomUUID().toString().substring(0, 8) + "@subject.example";
    }

    private Api.Reply file(String type, String email, String region) {
        return api.post("api/public/requests", "{\"type\":\"" + type + "\",\"email\":\"" + email + "\",\"region\":\"" + region + "\"}",
                Api.ANONYMOUS);
    }

    private JsonObject officerFiling(String type, String email, String region, Instant receivedAt, String evidence) {
        Api.Reply reply = api.post("api/dsar/requests", "{\"type\":\"" + type + "\",\"email\":\"" + email + "\",\"region\":\"" + region
                + "\",\"receivedAt\":\"" + receivedAt + "\",\"evidence\":\"" + evidence + "\"}", officer);
        assertEquals(201, reply.status(), reply.body());
        return reply.json();
    }

    private Api.Reply step(String id, String body) {
        return api.post("api/dsar/requests/" + id + "/actions", body, officer);
    }

    private Api.Reply extend(String id, LocalDate until, String reason) {
        return api.post("api/dsar/requests/" + id + "/extension", "{\"until\":\"" + until + "\",\"reason\":\"" + reason + "\"}", officer);
    }

    private String status(String id) {
        return api.get("api/dsar/requests/" + id, officer).json().getString("status");
    }

    private static String shape(JsonObject filed) {
        return filed.keySet() + filed.getString("status") + filed.getString("message");
    }

    private static String code(String email) throws Exception {
        Matcher m = CODE.matcher(awaitMail(email, "Confirm your privacy request"));
        assertTrue(m.find(), "an 8-digit code in the email");
        return m.group(1);
    }

    private static String awaitMail(String to, String subjectContains) throws Exception {
        return smtp.awaitBody(to, subjectContains);
    }

    private static void assertCodeHashedOnly(String code) throws SQLException {
        assertEquals(0, count("SELECT count(*) FROM dsar_verification WHERE encode(code_hash, 'escape') LIKE '%" + code + "%'"));
    }

    private static void assertField(Api.Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        assertEquals(field, reply.json().getString("field"), reply.body());
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
}
