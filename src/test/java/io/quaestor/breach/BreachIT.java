package io.quaestor.breach;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.StaffFixtures;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incidents over HTTP: bad input refused with nothing written; obligations and deadlines from the
 * rule set; a severity change with its reason; closing refused while obligations are open; an
 * overdue obligation marked missed by its durable timer and the responders told.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BreachIT {

    private static Api.Bearer responder;

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
        synchronized (BreachIT.class) {
            if (responder == null) {
                responder = new Api.Bearer(StaffFixtures.token(api, Role.INCIDENT_RESPONDER));
            }
        }
    }

    @Test
    void badInputIsRefusedAndNothingIsWritten() {
        int before = api.get("api/incidents", responder).array().size();
        Instant occurred = Instant.now().minus(5, ChronoUnit.HOURS);
        assertProblem(report("CRITICAL", occurred, occurred.plusSeconds(60), occurred.minusSeconds(60), false), 422, "awareAt");
        assertProblem(report("SEVERE", occurred, occurred.plusSeconds(60), null, false), 422, "severity");
        assertProblem(report("LOW", occurred, occurred.minusSeconds(60), null, false), 422, "detectedAt");
        assertProblem(api.post("api/incidents", "{\"title\":\"Unowned\",\"description\":\"x\",\"type\":\"INTEGRITY\",\"severity\":\"LOW\","
                + "\"occurredAt\":\"" + occurred + "\",\"detectedAt\":\"" + occurred + "\",\"ownerId\":\"" + java.util.UUID.randomUUID() + "\"}",
                responder), 422, "ownerId");
        assertProblem(report("LOW", Instant.parse("0001-01-01T00:00:00Z"), occurred, null, false), 422, "occurredAt");
        assertProblem(report("LOW", occurred.minus(30 * 365, ChronoUnit.DAYS), occurred, null, false), 422, "occurredAt");
        assertProblem(api.post("api/incidents", "{\"title\":\"Far\",\"description\":\"x\",\"type\":\"INTEGRITY\",\"severity\":\"LOW\","
                + "\"occurredAt\":\"+999999999-12-31T23:59:59Z\",\"detectedAt\":\"" + occurred + "\"}", responder), 422, "occurredAt");
        assertProblem(api.post("api/incidents", "{\"title\":\"Hidden\u202Etxt.exe\",\"description\":\"x\",\"type\":\"INTEGRITY\","
                + "\"severity\":\"LOW\",\"occurredAt\":\"" + occurred + "\",\"detectedAt\":\"" + occurred + "\"}", responder), 422, "title");
        assertEquals(before, api.get("api/incidents", responder).array().size(), "nothing was written");
        assertEquals(403, api.get("api/incidents", new Api.Bearer(StaffFixtures.token(api, Role.OPERATOR))).status());
        String unknown = java.util.UUID.randomUUID().toString();
        for (String sub : java.util.List.of("notification/authority-reports", "notification/scopes", "notification/notices",
                "response/escalations", "response/tasks", "response/review")) {
            Api.Reply reply = api.get("api/incidents/" + unknown + "/" + sub, responder);
            assertEquals(404, reply.status(), sub + ": " + reply.body());
        }
    }

    @Test
    void obligationsFollowTheRuleSetAndAnIncidentClosesOnlyWhenEachIsMetOrWaived() {
        Instant detected = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant aware = detected.plus(30, ChronoUnit.MINUTES);
        Api.Reply created = report("CRITICAL", detected.minus(1, ChronoUnit.HOURS), detected, null, true);
        assertEquals(201, created.status(), created.body());
        String id = created.json().getString("id");
        assertTrue(created.json().getString("reference").startsWith("INC-"));
        assertEquals(detected.plus(Duration.ofHours(24)), due(created.json(), "users-24h"));
        JsonObject authority = obligation(created.json(), "authority-72h");
        assertTrue(!authority.containsKey("dueAt") || authority.isNull("dueAt"), "no authority clock before awareness: " + authority);

        JsonObject decided = api.post("api/incidents/" + id + "/awareness", "{\"awareAt\":\"" + aware + "\"}", responder).json();
        assertEquals(aware.plus(Duration.ofHours(72)), due(decided, "authority-72h"));
        assertEquals(aware.plus(Duration.ofHours(24)), due(decided, "nis2-early-warning"));
        assertEquals(409, api.post("api/incidents/" + id + "/awareness", "{\"awareAt\":\"" + aware + "\"}", responder).status(),
                "awareness is decided once");

        assertProblem(api.post("api/incidents/" + id + "/severity", "{\"severity\":\"HIGH\"}", responder), 422, "reason");
        JsonObject high = api.post("api/incidents/" + id + "/severity", "{\"severity\":\"HIGH\",\"reason\":\"keys were rotated within "
                + "the hour; no use seen\"}", responder).json();
        assertEquals(detected.plus(Duration.ofHours(48)), due(high, "ack-high"), "the SLA still counts from detection");
        assertEquals("WAIVED", obligation(high, "ack-critical").getString("status"));

        Api.Reply refused = api.post("api/incidents/" + id + "/status", "{\"status\":\"CLOSED\"}", responder);
        assertEquals(409, refused.status());
        assertTrue(refused.json().getString("detail").contains("users-24h"), refused.body());
        for (JsonValue o : high.getJsonArray("obligations")) {
            String code = o.asJsonObject().getString("code");
            if (!o.asJsonObject().getString("status").equals("PENDING")) {
                continue;
            }
            String path = code.equals("users-24h") ? "waiver" : "met";
            String text = code.equals("users-24h") ? "no user data left the gateway: low risk, users not notified"
                    : "done, see ticket SEC-42";
            assertEquals(200, api.post("api/incidents/" + id + "/obligations/" + code + "/" + path, "{\"text\":\"" + text + "\"}",
                    responder).status(), code);
        }
        assertEquals(200, api.post("api/incidents/" + id + "/status", "{\"status\":\"CONTAINED\"}", responder).status());
        assertEquals(409, api.post("api/incidents/" + id + "/status", "{\"status\":\"CLOSED\"}", responder).status(),
                "a High incident closes after its review");
        assertEquals(200, api.put("api/incidents/" + id + "/response/review", "{\"rootCause\":\"a key in a public repository\","
                + "\"prevention\":\"secret scanning on push\"}", responder).status());
        JsonObject closed = api.post("api/incidents/" + id + "/status", "{\"status\":\"CLOSED\"}", responder).json();
        assertEquals("CLOSED", closed.getString("status"));
        JsonObject registered = api.get("api/incidents", responder).array().stream().map(JsonValue::asJsonObject)
                .filter(i -> i.getString("id").equals(id)).findFirst().orElseThrow();
        assertEquals("no user data left the gateway: low risk, users not notified", obligation(registered, "users-24h").getString("waivedReason"),
                "the register keeps the reasoning for not notifying");
        assertTrue(registered.getJsonArray("timeline").toString().contains("severity"), registered.toString());
    }

    @Test
    void anOverdueObligationIsMarkedMissedByItsTimerAndTheRespondersAreTold() throws Exception {
        Instant detected = Instant.now().minus(25, ChronoUnit.HOURS);
        Api.Reply created = report("MEDIUM", detected.minus(1, ChronoUnit.HOURS), detected, null, false);
        assertEquals(201, created.status(), created.body());
        String id = created.json().getString("id");
        JsonObject incident = null;
        for (int i = 0; i < 40; i++) {
            incident = api.get("api/incidents/" + id, responder).json();
            if (obligation(incident, "users-24h").getString("status").equals("MISSED")) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals("MISSED", obligation(incident, "users-24h").getString("status"));
        assertTrue(incident.getJsonArray("timeline").toString().contains("missed"), incident.toString());
        String reference = incident.getString("reference");
        assertTrue(api.get("api/me/notifications?limit=500", responder).body().contains("Overdue: incident " + reference), "responders are told");
        String prometheus = "";
        for (int i = 0; i < 80 && !prometheus.matches("(?s).*quaestor_breach_obligations\\{[^}]*status=\"MISSED\"[^}]*} [1-9].*"); i++) {
            Thread.sleep(250);
            prometheus = api.send(api.request("metrics").setHeader("Accept", "text/plain").GET()).body();
        }
        assertTrue(prometheus.matches("(?s).*quaestor_breach_obligations\\{[^}]*status=\"MISSED\"[^}]*} [1-9].*"),
                "a missed obligation shows on the gauge alerting watches: " + prometheus.lines().filter(l -> l.contains("breach")).toList());
        assertEquals(200, api.post("api/incidents/" + id + "/obligations/users-24h/met", "{\"text\":\"notice sent late, see NOTE-7\"}",
                responder).status(), "a missed obligation can still be met, late");
        assertTrue(api.get("api/incidents/" + id, responder).json().getJsonArray("timeline").toString().contains("(late)"));
    }

    private Api.Reply report(String severity, Instant occurred, Instant detected, Instant aware, boolean nis2) {
        return api.post("api/incidents", "{\"title\":\"Leaked key in a public repository\",\"description\":\"A provider key was pushed.\","
                + "\"type\":\"CONFIDENTIALITY\",\"severity\":\"" + severity + "\",\"nis2\":" + nis2 + ",\"occurredAt\":\"" + occurred
                + "\",\"detectedAt\":\"" + detected + "\"" + (aware == null ? "" : ",\"awareAt\":\"" + aware + "\"")
                + ",\"categories\":\"security\",\"regions\":\"global\"}", responder);
    }

    private static JsonObject obligation(JsonObject incident, String code) {
        return incident.getJsonArray("obligations").stream().map(JsonValue::asJsonObject).filter(o -> o.getString("code").equals(code))
                .findFirst().orElseThrow(() -> new AssertionError(code + " in " + incident));
    }

    private static Instant due(JsonObject incident, String code) {
        return Instant.parse(obligation(incident, code).getString("dueAt"));
    }

    private static void assertProblem(Api.Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.body().contains("\"" + field + "\""), reply.body());
    }
}
