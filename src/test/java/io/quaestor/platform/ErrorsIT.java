package io.quaestor.platform;

import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestDatabase;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input of every kind gets its RFC 9457 problem with the right status and the field named,
 * carries no stack trace, SQL or input echo, and writes nothing.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ErrorsIT {

    private static final List<String> SQL_LIKE = List.of(
            "x'; DROP TABLE staff_user; --",
            "' OR '1'='1",
            "admin\" OR 1=1 --",
            "1; SELECT pg_sleep(5)",
            "Robert'); DELETE FROM api_token;--");

    @ArquillianResource
    URL deployment;

    Api api;
    Api.Session admin;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeEach
    void signIn() {
        api = new Api(deployment);
        admin = StaffFixtures.admin(api);
    }

    @Test
    void malformedJsonIs400() {
        assertNothingWritten(() -> {
            Api.Reply reply = api.post("api/users", "{\"username\": ", admin);
            assertProblem(reply, 400, "malformed-request");
        });
    }

    @Test
    void aWrongTypeIs400NamingTheField() {
        assertNothingWritten(() -> {
            Api.Reply reply = api.post("api/users", "{\"username\":\"typed-user\",\"displayName\":\"T\",\"kind\":\"PERSON\",\"roles\":\"ADMIN\"}", admin);
            assertProblem(reply, 400, "malformed-request");
        });
    }

    @Test
    void anUnknownFieldIs400NamingTheField() {
        assertNothingWritten(() -> {
            Api.Reply reply = api.post("api/users", "{\"username\":\"field-user\",\"displayName\":\"Field User\","
                    + "\"kind\":\"PERSON\",\"roles\":[\"AUDITOR\"],\"isAdmin\":true}", admin);
            assertProblem(reply, 400, "unknown-field");
            assertEquals("isAdmin", reply.json().getString("field"));
        });
    }

    @Test
    void aWrongContentTypeIs415() {
        assertNothingWritten(() -> {
            Api.Reply reply = api.send(admin.apply(api.request("api/users").header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("username=x")), true));
            assertProblem(reply, 415, "unsupported-media-type");
        });
    }

    @Test
    void anOversizedBodyIs413WhetherDeclaredOrStreamed() {
        String big = "{\"username\":\"" + "a".repeat(1_100_000) + "\"}";
        assertNothingWritten(() -> {
            assertProblem(api.post("api/users", big, admin), 413, "payload-too-large");
            Api.Reply chunked = api.send(admin.apply(api.request("api/users").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))), true));
            assertProblem(chunked, 413, "payload-too-large");
        });
    }

    @Test
    void aMissingBodyIs400() {
        assertNothingWritten(() -> {
            Api.Reply reply = api.send(admin.apply(api.request("api/users").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.noBody()), true));
            assertProblem(reply, 400, "malformed-request");
        });
    }

    @Test
    void validationNamesEveryOffendingField() {
        assertNothingWritten(() -> {
            Api.Reply reply = api.post("api/users", "{\"username\":\"A\",\"kind\":\"ROBOT\",\"roles\":[]}", admin);
            assertProblem(reply, 422, "validation");
            JsonObject json = reply.json();
            List<String> fields = json.getJsonArray("errors").stream()
                    .map(v -> v.asJsonObject().getString("field")).sorted().toList();
            assertEquals(List.of("displayName", "kind", "roles", "username"), fields);
        });
    }

    @Test
    void sqlLookingTextInEveryFieldIsRefusedAndWritesNothing() {
        String ownerId = api.get("api/me", admin).json().getString("id");
        for (String hostile : SQL_LIKE) {
            String quoted = jsonString(hostile);
            assertNothingWritten(() -> {
                assertField(api.post("api/users", "{\"username\":" + quoted + ",\"displayName\":\"Valid Name\","
                        + "\"kind\":\"PERSON\",\"roles\":[\"AUDITOR\"]}", admin), "username");
                assertField(api.post("api/users", "{\"username\":\"valid-name\",\"displayName\":" + quoted + ","
                        + "\"kind\":\"PERSON\",\"roles\":[\"AUDITOR\"]}", admin), "displayName");
                assertField(api.post("api/users", "{\"username\":\"valid-name\",\"displayName\":\"Valid Name\","
                        + "\"kind\":" + quoted + ",\"roles\":[\"AUDITOR\"]}", admin), "kind");
                assertField(api.post("api/users", "{\"username\":\"valid-name\",\"displayName\":\"Valid Name\","
                        + "\"kind\":\"PERSON\",\"roles\":[" + quoted + "]}", admin), "roles");
                assertField(api.post("api/tokens", "{\"ownerId\":\"" + ownerId + "\",\"name\":" + quoted
                        + ",\"roles\":[\"ADMIN\"]}", admin), "name");
                Api.Reply signIn = api.post("api/session", "{\"username\":" + quoted + ",\"password\":" + quoted + "}",
                        Api.ANONYMOUS);
                assertEquals(401, signIn.status(), "a hostile sign-in is just a failed sign-in");
                assertFalse(signIn.body().contains(hostile), "never echoed");
            });
        }
    }

    @Test
    void aMalformedQueryParameterIs422NamingIt() {
        Api.Reply reply = api.get("api/tokens?ownerId=not-a-uuid", admin);
        assertProblem(reply, 422, "validation");
        assertEquals("ownerId", reply.json().getString("field"));
    }

    @Test
    void unknownPathsMethodsAndIdsAreProblemsToo() {
        assertProblem(api.get("api/no-such-thing", admin), 404, "not-found");
        assertProblem(api.get("api/users/not-a-uuid", admin), 404, "not-found");
        assertProblem(api.get("api/users/00000000-0000-0000-0000-000000000000", admin), 404, "not-found");
        Api.Reply wrongMethod = api.send(admin.apply(api.request("api/system/info")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"), true));
        assertProblem(wrongMethod, 405, "method-not-allowed");
        assertProblem(api.get("api/users/..%2F..%2Fetc%2Fpasswd", admin), 404, "not-found");
        assertProblem(api.get("no-such-page", Api.ANONYMOUS), 404, "not-found");
        Api.Reply deleteWithBody = api.send(admin.apply(api.request("api/tokens/" + java.util.UUID.randomUUID())
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"why\":1}")).header("Content-Type", "application/json"), true));
        assertProblem(deleteWithBody, 404, "not-found");
    }

    @Test
    void theServerNamesNoProductAndEveryAnswerCarriesItsPolicy() {
        Api.Reply root = api.send(HttpRequest.newBuilder(api.uri("")).GET());
        assertEquals(303, root.status(), "the root leads to the staff console");
        Api.Reply console = api.send(HttpRequest.newBuilder(api.uri("console/")).GET());
        assertEquals(200, console.status());
        assertTrue(console.body().contains("href=\"../privacy/\""), "the console's page names the public request page, even without script");
        for (Api.Reply reply : List.of(root, console, api.get("api/system/info", Api.ANONYMOUS), api.get("api/no-such-thing", admin))) {
            assertTrue(reply.header("Server").isEmpty(), "no Server header: " + reply.header("Server"));
            assertTrue(reply.header("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        }
        assertTrue(api.get("api/system/info", Api.ANONYMOUS).header("Content-Security-Policy").orElseThrow().startsWith("default-src 'none'"));
        assertEquals(404, api.get("api/application.wadl", admin).status(), "no generated WADL");
    }

    @Test
    void generatingWithASeedWhoseRowsExistIsAConflictAndWritesNothing() throws Exception {
        String body = "{\"organizations\":1,\"accounts\":2,\"metadataRows\":0,\"days\":1,\"seed\":977}";
        Api.Reply first = api.post("api/reference-store/generations", body, admin);
        assertEquals(201, first.status(), first.body());
        long accounts = gatewayCount();
        Api.Reply again = api.post("api/reference-store/generations", body, admin);
        assertProblem(again, 409, "state-conflict");
        assertEquals("seed", again.json().getString("field"));
        assertEquals(accounts, gatewayCount(), "nothing written");
        assertEquals(201, api.post("api/reference-store/generations", body.replace(",\"seed\":977", ""), admin).status(),
                "without a seed, a fresh one");
    }

    private static long gatewayCount() throws Exception {
        try (java.sql.Connection c = io.quaestor.testing.TestDatabase.superuser("gateway"); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void problemsCarryTheRequestIdAndNoInternals() {
        Api.Reply reply = api.send(api.request("api/users").header("X-Request-Id", "trace-abc-12345").GET());
        assertEquals("trace-abc-12345", reply.header("X-Request-Id").orElseThrow());
        assertEquals("trace-abc-12345", reply.json().getString("requestId"));
        Api.Reply hostileId = api.send(api.request("api/system/info").header("X-Request-Id", "<script>").GET());
        assertFalse(hostileId.header("X-Request-Id").orElseThrow().contains("<"), "an unusable id is replaced");
    }

    private void assertField(Api.Reply reply, String field) {
        assertTrue(reply.status() == 422 || reply.status() == 400, reply.status() + " " + reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"));
        assertEquals(field, reply.json().getString("field"), reply.body());
    }

    private static void assertProblem(Api.Reply reply, int status, String slug) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        assertEquals(slug, reply.problemSlug());
        assertEquals(status, reply.json().getInt("status"));
        String body = reply.body().toLowerCase();
        for (String internal : List.of("exception", "\tat ", "select ", "insert ", "org.postgresql", "eclipselink")) {
            assertFalse(body.contains(internal), "no internals in a problem: " + internal);
        }
    }

    private static void assertNothingWritten(Runnable action) {
        long before = rowCount();
        action.run();
        assertEquals(before, rowCount(), "nothing written");
    }

    private static long rowCount() {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM staff_user) + (SELECT count(*) FROM api_token)"
                     + " + (SELECT count(*) FROM staff_user_role) + (SELECT count(*) FROM api_token_role)")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jsonString(String value) {
        return jakarta.json.Json.createValue(value).toString();
    }
}
