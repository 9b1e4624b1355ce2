package io.quaestor.apisurface;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.StaffFixtures;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation of the live OpenAPI document, called anonymously and as every role, by bearer
 * token and (for people) by browser session: each answers as the roles it publishes say. A role
 * it names gets past authorization (never 401, never 403 forbidden); any other role gets 403
 * forbidden; nobody gets in anonymously unless the operation is published as anonymous.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RoleMatrixIT {

    /** Operations whose effect would disturb other tests when they pass authorization; their denials are still checked. */
    private static final Set<String> NOT_RUN_WHEN_ALLOWED = Set.of("POST /retention/closed-account-erasures",
            "POST /audit/retention-runs", "POST /reference-store/generations");

    @ArquillianResource
    URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @Test
    void theDocumentIsServedAsYamlOrJsonWithItsMediaType() {
        Api api = new Api(deployment);
        Api.Reply yaml = api.send(HttpRequest.newBuilder(api.uri("openapi")).GET());
        assertEquals(200, yaml.status());
        assertTrue(yaml.contentType().startsWith("application/yaml"), yaml.contentType());
        assertTrue(yaml.body().startsWith("openapi:"), "YAML");
        Api.Reply json = api.send(HttpRequest.newBuilder(api.uri("openapi")).header("Accept", "application/json").GET());
        assertTrue(json.contentType().startsWith("application/json"), json.contentType());
        assertTrue(json.body().contains("\"x-roles\""), "the roles are published");
    }

    @Test
    void everyOperationAnswersEveryCallerAsItsPublishedRolesSay() {
        Api api = new Api(deployment);
        OpenApiOperations document = OpenApiOperations.read(api);
        List<OpenApiOperations.Operation> operations = new ArrayList<>(document.operations());
        // Signing out ends the session the rest of the matrix uses: last.
        operations.sort(Comparator.comparing((OpenApiOperations.Operation o) -> o.key().equals("DELETE /session")).thenComparing(o -> o.key()));
        assertTrue(operations.size() >= 90, "the document lists the API (" + operations.size() + " operations)");

        Map<String, Api.Auth> callers = callers(api);
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Map.Entry<String, Api.Auth> caller : callers.entrySet()) {
            for (OpenApiOperations.Operation operation : operations) {
                String role = caller.getKey().replaceFirst(" .*", "");
                boolean allowed = operation.anonymous() || operation.roles().contains(role);
                if (allowed && NOT_RUN_WHEN_ALLOWED.contains(operation.key())) {
                    continue;
                }
                if (caller.getKey().startsWith("ANONYMOUS") && operation.key().equals("POST /session")) {
                    continue;
                }
                Api.Reply reply = call(api, operation, caller.getValue());
                calls++;
                String verdict = verdict(operation, role, allowed, reply);
                if (verdict != null) {
                    wrong.add(caller.getKey() + " " + operation.key() + ": " + verdict);
                }
            }
        }
        System.out.println("role matrix: " + operations.size() + " operations x " + callers.size() + " callers, " + calls + " calls");
        assertEquals(List.of(), wrong);
    }

    private static String verdict(OpenApiOperations.Operation operation, String role, boolean allowed, Api.Reply reply) {
        if (reply.status() >= 500) {
            return "answered " + reply.status();
        }
        boolean problem = reply.contentType().startsWith("application/problem+json");
        String slug = problem ? reply.problemSlug() : "";
        if ("ANONYMOUS".equals(role) && !allowed) {
            return reply.status() == 401 && problem ? null : "expected 401, got " + reply.status() + " " + slug;
        }
        if (!allowed) {
            return reply.status() == 403 && "forbidden".equals(slug) ? null : "expected 403 forbidden, got " + reply.status() + " " + slug;
        }
        if (reply.status() == 401 || (reply.status() == 403 && "forbidden".equals(slug))) {
            return "a published role was refused: " + reply.status() + " " + slug;
        }
        return null;
    }

    private static Api.Reply call(Api api, OpenApiOperations.Operation operation, Api.Auth auth) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("api" + operation.concretePath()))
                .timeout(java.time.Duration.ofSeconds(60)).header("Accept", operation.accept());
        String body = operation.takesJson() ? "{}" : null;
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        if (body != null) {
            request.header("Content-Type", "application/json");
        } else if (!operation.bodyTypes().isEmpty()) {
            request.header("Content-Type", operation.bodyTypes().get(0));
            publisher = HttpRequest.BodyPublishers.ofString("x");
        }
        request.method(operation.method().toUpperCase(), publisher);
        return api.send(auth.apply(request, operation.stateChanging()));
    }

    /** Anonymous; a token per role; a session per role a person can hold. */
    private static Map<String, Api.Auth> callers(Api api) {
        Map<String, Api.Auth> callers = new LinkedHashMap<>();
        callers.put("ANONYMOUS", Api.ANONYMOUS);
        Api.Session admin = StaffFixtures.admin(api);
        for (Role role : Role.values()) {
            callers.put(role.name() + " token", new Api.Bearer(StaffFixtures.token(api, role)));
            if (role != Role.GATEWAY) {
                callers.put(role.name() + " session", session(api, admin, role));
            }
        }
        return callers;
    }

    private static Api.Session session(Api api, Api.Session admin, Role role) {
        String username = StaffFixtures.uniqueUsername("matrix-" + role.name().toLowerCase().replace('_', '-'));
        JsonObject created = StaffFixtures.createUser(api, admin, username, "PERSON", role);
        Api.Session first = StaffFixtures.signIn(api, username, created.getString("temporaryPassword"));
        Api.Reply changed = api.put("api/me/password", "{\"currentPassword\":\"" + created.getString("temporaryPassword")
                + "\",\"newPassword\":\"Matrix-Passphrase-" + role.ordinal() + "-2026\"}", first);
        assertEquals(204, changed.status(), changed.body());
        return StaffFixtures.signIn(api, username, "Matrix-Passphrase-" + role.ordinal() + "-2026");
    }
}
