package io.quaestor.apisurface;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the live OpenAPI document and sends every state-changing operation, as a caller its roles
 * admit, the input a hostile client would: malformed JSON, {@code null}, an empty body, the wrong
 * top-level type, missing fields, a body over the limit, and per field the wrong JSON type,
 * 100,000 characters, NUL and bidirectional controls, injection strings and out-of-range dates;
 * then traversal and malformed ids in the path. Nothing may answer 5xx, every error is
 * problem+json, and no row of any table changes while every answer is a refusal.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileInputIT {

    private static final List<String> INJECTIONS = List.of("' OR '1'='1", "x'; DROP TABLE staff_user; --", "<script>alert(1)</script>",
            "${jndi:ldap://127.0.0.1/x}", "../../../../etc/passwd", "%00", "{{7*7}}");
    private static final List<String> DATES = List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "2026-13-45T99:99:99Z");
    private static final List<String> BAD_IDS = List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "1%20OR%201%3D1", "x".repeat(300));
    /** Tables that background work writes on its own (seals, timers, outboxes, throttles, sessions), so their counts move anyway. */
    private static final Set<String> BACKGROUND = Set.of("audit_event", "audit_pending", "audit_append_signature", "audit_checkpoint", "audit_head",
            "intake_throttle", "login_failure", "login_throttle", "deadline_timer", "staff_notification", "escalation_delivery",
            "escalation_attempt", "subject_message", "gateway_webhook", "browser_session", "flyway_schema_history", "notice_delivery",
            "user_notice_campaign", "retention_run", "retention_partition", "audit_receipt", "api_token");

    @ArquillianResource
    URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @Test
    void noHostileInputGetsA5xxAnUnstructuredErrorOrAWrite() throws Exception {
        Api api = new Api(deployment);
        OpenApiOperations document = OpenApiOperations.read(api);
        Map<String, Api.Auth> callers = new LinkedHashMap<>();
        callers.put("ANONYMOUS", Api.ANONYMOUS);
        for (Role role : Role.values()) {
            callers.put(role.name(), new Api.Bearer(StaffFixtures.token(api, role)));
        }
        List<String> wrong = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        int operations = 0;
        for (OpenApiOperations.Operation operation : document.operations()) {
            if (!operation.stateChanging() || operation.key().equals("DELETE /session") || operation.key().startsWith("POST /reference-store")) {
                continue;
            }
            operations++;
            Api.Auth caller = operation.anonymous() ? Api.ANONYMOUS : callers.get(operation.roles().iterator().next());
            Map<String, Long> before = rowCounts();
            boolean anyAccepted = false;
            for (Variant variant : variants(document.document(), operation)) {
                Api.Reply reply = send(api, operation, variant, caller);
                counts.merge(variant.kind(), 1, Integer::sum);
                String problem = judge(reply, variant);
                if (problem != null) {
                    wrong.add(operation.key() + " [" + variant.kind() + " " + variant.label() + "]: " + problem);
                }
                anyAccepted |= reply.status() < 400;
            }
            if (!anyAccepted) {
                Map<String, Long> after = rowCounts();
                if (!after.equals(before)) {
                    wrong.add(operation.key() + ": refused requests changed rows: " + difference(before, after));
                }
            }
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("hostile input: " + operations + " state-changing operations, " + total + " requests " + counts);
        assertTrue(operations >= 50, "the document's state-changing operations were found (" + operations + ")");
        assertEquals(List.of(), wrong);
    }

    /** One request: what kind of hostility, which field, the path and the raw body. */
    private record Variant(String kind, String label, String path, String body, String contentType) {
    }

    private static List<Variant> variants(JsonObject document, OpenApiOperations.Operation operation) {
        List<Variant> variants = new ArrayList<>();
        String path = operation.concretePath();
        for (String id : BAD_IDS) {
            if (operation.path().contains("{")) {
                variants.add(new Variant("path-id", id, operation.path().replaceAll("\\{[^}]+}", id), operation.takesJson() ? "{}" : null,
                        "application/json"));
            }
        }
        if (!operation.takesJson()) {
            return variants;
        }
        variants.add(new Variant("malformed", "", path, "{\"a\": ", "application/json"));
        variants.add(new Variant("null", "", path, "null", "application/json"));
        variants.add(new Variant("empty", "", path, "", "application/json"));
        variants.add(new Variant("wrong-top-level", "", path, "[1,2,3]", "application/json"));
        variants.add(new Variant("missing-fields", "", path, "{}", "application/json"));
        variants.add(new Variant("over-limit", "", path, "{\"x\":\"" + "a".repeat(1_100_000) + "\"}", "application/json"));
        variants.add(new Variant("not-json", "", path, "<xml/>", "application/xml"));
        JsonObject schema = operation.bodySchema();
        if (schema == null || !schema.containsKey("properties")) {
            return variants;
        }
        schema.getJsonObject("properties").forEach((name, property) -> {
            JsonObject p = OpenApiOperations.resolve(document, property.asJsonObject());
            String type = p == null ? "object" : p.getString("type", p.containsKey("enum") ? "string" : "object");
            switch (type) {
                case "string" -> {
                    variants.add(field("wrong-type", name, Json.createValue(12345)));
                    variants.add(field("huge-string", name, Json.createValue("x".repeat(100_000))));
                    variants.add(field("nul", name, Json.createValue("before\u0000after")));
                    variants.add(field("bidi", name, Json.createValue("invoice\u202Etxt.exe")));
                    INJECTIONS.forEach(s -> variants.add(field("injection", name, Json.createValue(s))));
                    DATES.forEach(s -> variants.add(field("date", name, Json.createValue(s))));
                }
                case "integer", "number" -> {
                    variants.add(field("wrong-type", name, Json.createValue("12")));
                    variants.add(field("out-of-range", name, Json.createValue(new java.math.BigDecimal("1e40"))));
                    variants.add(field("out-of-range", name, Json.createValue(-1)));
                    variants.add(field("fraction", name, Json.createValue(1.5)));
                }
                case "boolean" -> variants.add(field("wrong-type", name, Json.createValue("yes")));
                case "array" -> {
                    variants.add(field("wrong-type", name, Json.createValue("not an array")));
                    variants.add(field("nul", name, Json.createArrayBuilder().add("a\u0000").build()));
                    variants.add(field("huge-array", name, hugeArray()));
                }
                default -> {
                    variants.add(field("wrong-type", name, Json.createValue(7)));
                    variants.add(field("nul", name, Json.createObjectBuilder().add("k", "v\u0000").build()));
                }
            }
        });
        return variants;
    }

    private static JsonValue hugeArray() {
        var array = Json.createArrayBuilder();
        for (int i = 0; i < 20_000; i++) {
            array.add("x" + i);
        }
        return array.build();
    }

    private static Variant field(String kind, String name, JsonValue value) {
        return new Variant(kind, name, null, Json.createObjectBuilder().add(name, value).build().toString(), "application/json");
    }

    private static Api.Reply send(Api api, OpenApiOperations.Operation operation, Variant variant, Api.Auth caller) {
        String path = variant.path() == null ? operation.concretePath() : variant.path();
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("api" + path))
                .timeout(java.time.Duration.ofSeconds(60)).header("Accept", operation.accept());
        if (variant.body() != null) {
            request.header("Content-Type", variant.contentType());
        }
        request.method(operation.method().toUpperCase(), variant.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(variant.body()));
        return api.send(caller.apply(request, true));
    }

    private static String judge(Api.Reply reply, Variant variant) {
        if (reply.status() >= 500) {
            return "answered " + reply.status() + " " + reply.body();
        }
        if (reply.status() >= 400 && !reply.contentType().startsWith("application/problem+json")) {
            return "answered " + reply.status() + " as " + reply.contentType() + " rather than a problem";
        }
        if (reply.status() >= 400) {
            try {
                JsonObject problem = reply.json();
                if (!problem.containsKey("type") || !problem.containsKey("status")) {
                    return "a problem document without type or status";
                }
                if (reply.body().contains("\u0000") || reply.body().contains("<script>")) {
                    return "the problem echoes the input";
                }
            } catch (RuntimeException e) {
                return "the problem is not JSON";
            }
        }
        if (Set.of("malformed", "null", "empty", "wrong-top-level", "wrong-type", "nul", "over-limit", "not-json").contains(variant.kind())
                && reply.status() < 400) {
            return "accepted (" + reply.status() + ")";
        }
        return null;
    }

    private static Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        for (String database : List.of("quaestor", "gateway")) {
            try (Connection c = TestDatabase.superuser(database); Statement s = c.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT quote_ident(relname) FROM pg_stat_user_tables WHERE schemaname = 'public' "
                        + "AND relname NOT LIKE 'jbatch%' AND relname NOT LIKE 'request_metadata%' ORDER BY relname")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                for (String table : tables) {
                    if (BACKGROUND.contains(table)) {
                        continue;
                    }
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                        rs.next();
                        counts.put(database + "." + table, rs.getLong(1));
                    }
                }
            }
        }
        return counts;
    }

    private static String difference(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((table, count) -> {
            if (!count.equals(before.get(table))) {
                out.append(table).append(' ').append(before.get(table)).append("->").append(count).append(' ');
            }
        });
        return out.toString();
    }
}
