package io.quaestor.breach;

import com.sun.net.httpserver.HttpServer;
import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.ExtraInstance;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Quaestor instances on one database: the Arquillian one and a second Payara Micro started
 * here with the same configuration. Thirty breach deadlines fall due while both poll; each is
 * marked missed once, escalated once (one delivery, one id at the receiver; a post whose answer
 * was lost is retried under that id and logged) and fired within 5 s of its time. Then the second instance is killed with deadlines pending, and the
 * first still fires every one, once.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BreachTwoInstancesIT {

    private static final int SECOND_PORT = 18280;
    private static final int HOOK_PORT = 13082;

    private static ExtraInstance second;
    private static HttpServer hooks;
    /** Per obligation and stage, the delivery id of every webhook post received (a retried post repeats its id). */
    private static final Map<String, List<String>> webhooksPerObligation = new ConcurrentHashMap<>();

    @ArquillianResource
    URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeAll
    static void secondInstanceAndReceiver() throws Exception {
        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", HOOK_PORT), 0);
        hooks.createContext("/escalations", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonObject event = Json.createReader(new StringReader(body)).readObject();
            JsonObject data = event.getJsonObject("data");
            webhooksPerObligation.computeIfAbsent(data.getString("obligationId", "") + "/" + data.getString("stage"),
                    k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(event.getString("id"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hooks.start();
        second = ExtraInstance.start("second-instance", SECOND_PORT, List.of());
        second.awaitReady(Duration.ofMinutes(4));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (second != null) {
            second.close();
        }
        hooks.stop(0);
    }

    @Test
    void eachDeadlineFiresOnceAcrossTwoInstancesAndStillFiresWhenOneDies() throws Exception {
        Api api = new Api(deployment);
        Api.Session admin = StaffFixtures.admin(api);
        Api.Bearer responder = new Api.Bearer(StaffFixtures.token(api, Role.INCIDENT_RESPONDER));
        String contact = api.post("api/escalation-contacts", "{\"name\":\"Two-instance receiver\",\"channel\":\"WEBHOOK\",\"address\":"
                + "\"http://127.0.0.1:" + HOOK_PORT + "/escalations\"}", admin).json().getJsonObject("contact").getString("id");
        try {
            List<String> both = dueSoon(api, responder, 30, Duration.ofSeconds(12));
            awaitMissed(both);
            Thread.sleep(4_000);
            assertFiredOnce(both);

            List<String> orphaned = dueSoon(api, responder, 5, Duration.ofSeconds(10));
            second.close();
            awaitMissed(orphaned);
            Thread.sleep(3_000);
            assertFiredOnce(orphaned);
            assertEquals(0, Sql.quaestorLong("SELECT count(*) FROM deadline_timer WHERE ref_id IN (" + in(orphaned) + ") AND fired_by LIKE '"
                    + second.process().pid() + "@%'"), "the dead instance fired none of them");
        } finally {
            api.post("api/escalation-contacts/" + contact + "/deactivation", "{}", admin);
        }
    }

    /** Incidents whose users-24h obligation falls due in the next seconds, spread half a second apart; their obligation ids. */
    private static List<String> dueSoon(Api api, Api.Bearer responder, int count, Duration firstIn) {
        List<String> obligations = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            Instant detected = now.minus(Duration.ofHours(24)).plus(firstIn).plusMillis(500L * i);
            Api.Reply reply = api.post("api/incidents", "{\"title\":\"Deadline " + i + "\",\"description\":\"two instances\","
                    + "\"type\":\"AVAILABILITY\",\"severity\":\"LOW\",\"occurredAt\":\"" + detected.minusSeconds(60) + "\",\"detectedAt\":\""
                    + detected + "\"}", responder);
            assertEquals(201, reply.status(), reply.body());
            obligations.add(reply.json().getJsonArray("obligations").stream().map(JsonValue::asJsonObject)
                    .filter(o -> o.getString("code").equals("users-24h")).findFirst().orElseThrow().getString("id"));
        }
        return obligations;
    }

    private static void awaitMissed(List<String> obligations) throws Exception {
        for (int i = 0; i < 240; i++) {
            if (Sql.quaestorLong("SELECT count(*) FROM obligation WHERE status = 'MISSED' AND id IN (" + in(obligations) + ")") == obligations.size()
                    && Sql.quaestorLong("SELECT count(*) FROM escalation_delivery WHERE delivered_at IS NULL AND obligation_id IN ("
                    + in(obligations) + ")") == 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not every obligation was marked missed and escalated");
    }

    private static void assertFiredOnce(List<String> obligations) throws Exception {
        String ids = in(obligations);
        assertEquals(obligations.size(), Sql.quaestorLong("SELECT count(*) FROM incident_event e JOIN obligation o ON o.incident_id = e.incident_id "
                + "WHERE e.action = 'missed' AND o.id IN (" + ids + ")"), "one 'missed' per deadline");
        assertEquals(obligations.size(), Sql.quaestorLong("SELECT count(*) FROM deadline_timer t JOIN obligation o ON o.id = t.ref_id "
                + "WHERE t.fire_at = o.due_at AND t.fired_at IS NOT NULL AND o.id IN (" + ids + ")"));
        assertEquals(obligations.size(), Sql.quaestorLong("SELECT count(*) FROM escalation_delivery WHERE stage = 'deadline' AND channel = 'WEBHOOK' "
                + "AND obligation_id IN (" + ids + ")"), "one escalation per deadline");
        for (String obligation : obligations) {
            List<String> received = webhooksPerObligation.getOrDefault(obligation + "/deadline", List.of());
            assertEquals(1, received.stream().distinct().count(), "one escalation (one delivery id) for " + obligation + ": " + received);
            // Webhooks are at least once: a post whose answer was lost is retried under the same id. Every post is a logged attempt.
            assertEquals(received.size(), Sql.quaestorLong("SELECT count(*) FROM escalation_attempt WHERE delivery_id = '" + received.get(0) + "'"),
                    "every post received is an attempt in the delivery log");
            assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM escalation_attempt WHERE outcome = 'DELIVERED' AND delivery_id = '"
                    + received.get(0) + "'"), "delivered once: no two instances sent the same delivery");
        }
        long lateMs = Sql.quaestorLong("SELECT extract(epoch FROM max(t.fired_at - t.fire_at)) * 1000 FROM deadline_timer t JOIN obligation o "
                + "ON o.id = t.ref_id WHERE t.fire_at = o.due_at AND o.id IN (" + ids + ")");
        String spread = Sql.quaestorString("SELECT string_agg(fired_by || ': ' || n, ', ') FROM (SELECT fired_by, count(*) n FROM deadline_timer "
                + "WHERE ref_id IN (" + ids + ") AND fired_at IS NOT NULL GROUP BY fired_by) f");
        System.out.println("two-instance firing: latest " + lateMs + " ms after its time; fired by " + spread);
        assertTrue(lateMs <= 5_000, "every deadline fired within 5 s of its time (latest " + lateMs + " ms; " + spread + ")");
    }

    private static String in(List<String> ids) {
        return "'" + String.join("','", ids) + "'";
    }
}
