package io.quaestor.security;

import io.quaestor.security.entity.Role;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security model against the real WAR on Payara Micro: who gets what, how credentials end,
 * and that no secret reaches a log line.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

    /** Secrets seen during this class; none may appear in the server log. */
    private static final List<String> SECRETS = new ArrayList<>();

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
    }

    /** Each protected endpoint with the roles that may call it. */
    private static final Map<String, Set<Role>> READ_MATRIX = Map.of(
            "api/users", EnumSet.of(Role.ADMIN),
            "api/tokens", EnumSet.of(Role.ADMIN),
            "api/me", EnumSet.allOf(Role.class),
            "api/datamap", EnumSet.of(Role.ADMIN, Role.PRIVACY_OFFICER, Role.AUDITOR),
            "api/audit/verification", EnumSet.of(Role.ADMIN, Role.AUDITOR));

    @Test
    @Order(1)
    void everyRoleGetsExactlyWhatItIsAllowed() {
        for (var endpoint : READ_MATRIX.entrySet()) {
            assertEquals(401, api.get(endpoint.getKey(), Api.ANONYMOUS).status(), "anonymous " + endpoint.getKey());
            for (Role role : Role.values()) {
                String token = StaffFixtures.token(api, role);
                SECRETS.add(token);
                int expected = endpoint.getValue().contains(role) ? 200 : 403;
                Api.Reply reply = api.get(endpoint.getKey(), new Api.Bearer(token));
                assertEquals(expected, reply.status(), role + " on " + endpoint.getKey() + ": " + reply.body());
                assertTrue(reply.contentType().startsWith(expected == 200 ? "application/json" : "application/problem+json"));
            }
        }
        assertEquals(200, api.get("api/system/info", Api.ANONYMOUS).status());
    }

    @Test
    @Order(2)
    void onlyAdministratorsWriteStaffAndTokens() {
        for (Role role : EnumSet.complementOf(EnumSet.of(Role.ADMIN))) {
            Api.Bearer caller = new Api.Bearer(StaffFixtures.token(api, role));
            assertEquals(403, api.post("api/users", "{}", caller).status(), role.name());
            assertEquals(403, api.post("api/tokens", "{}", caller).status(), role.name());
            assertEquals(403, api.post("api/datamap/reload", "", caller).status(), role.name());
            assertEquals(403, api.post("api/reference-store/generations", "{}", caller).status(), role.name());
            if (role != Role.AUDITOR) {
                assertEquals(403, api.get("api/audit/proofs/inclusion?seq=0", caller).status(), role.name());
            }
        }
        assertEquals(401, api.post("api/users", "{}", Api.ANONYMOUS).status());
        assertEquals(401, api.get("api/audit/proofs/inclusion?seq=0", Api.ANONYMOUS).status());
    }

    @Test
    @Order(3)
    void anonymousGetsAChallengeAndAProblem() {
        Api.Reply reply = api.get("api/me", Api.ANONYMOUS);
        assertEquals(401, reply.status());
        assertEquals("unauthenticated", reply.problemSlug());
        assertEquals("Bearer", reply.header("WWW-Authenticate").orElse(""));
    }

    @Test
    @Order(4)
    void aTokenIsShownOnceStoredAsAHashAndEndsWhenRevoked() throws Exception {
        Api.Session admin = StaffFixtures.admin(api);
        JsonObject user = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("auditor"), "PERSON", Role.AUDITOR)
                .getJsonObject("user");
        String token = StaffFixtures.issueToken(api, admin, user.getString("id"), Role.AUDITOR);
        SECRETS.add(token);
        assertTrue(token.matches("qst_[A-Za-z0-9_-]{43}"), "256 random bits, URL-safe");
        assertEquals(200, api.get("api/me", new Api.Bearer(token)).status());

        Api.Reply listed = api.get("api/tokens?ownerId=" + user.getString("id"), admin);
        assertFalse(listed.body().contains(token), "a listing never shows the secret");
        assertEquals(1, countRows("SELECT count(*) FROM api_token WHERE token_hash = sha256(convert_to('" + token
                + "', 'UTF8'))"), "the token is stored as its SHA-256");
        assertEquals(0, countRows("SELECT count(*) FROM api_token WHERE position('" + token.substring(12)
                + "' IN (name || display_prefix)) > 0"), "no column holds the secret part in clear");

        String tokenId = listed.array().getJsonObject(0).getString("id");
        String adminId = api.get("api/me", admin).json().getString("id");
        Api.Reply search = api.get("api/audit/events?action=token.issued&resourceId=" + tokenId, admin);
        assertEquals(200, search.status(), search.body());
        assertEquals(1, search.json().getJsonArray("events").size(), "the auditor finds the token's issuance");
        assertEquals(adminId, search.json().getJsonArray("events").getJsonObject(0).getString("actor"));
        Api.Reply page = api.get("api/audit/events?limit=1", admin);
        assertEquals(1, page.json().getJsonArray("events").size());
        assertTrue(page.json().containsKey("nextAfterSeq"), "more than one event: a next page");
        assertEquals(422, api.get("api/audit/events?limit=0", admin).status());
        assertEquals("from", api.get("api/audit/events?from=yesterday", admin).json().getString("field"));
        assertEquals(1, countRows("SELECT count(*) FROM audit_event WHERE action = 'token.issued' AND resource_id = '" + tokenId
                + "' AND actor = '" + adminId + "' AND actor_role = 'ADMIN' AND authentication_method = 'PASSWORD_SESSION'"
                + " AND request_id IS NOT NULL AND origin LIKE '%/24'"), "issuing the token is in the audit trail");
        assertEquals(204, api.delete("api/tokens/" + tokenId, admin).status());
        assertEquals(204, api.delete("api/tokens/" + tokenId, admin).status(), "revoking twice changes nothing");
        Api.Reply refused = api.get("api/me", new Api.Bearer(token));
        assertEquals(401, refused.status());
        assertEquals("invalid-token", refused.problemSlug());
        assertTrue(refused.json().getString("detail").contains("revoked"));
    }

    @Test
    @Order(5)
    void expiredAndMalformedTokensAreRefused() throws Exception {
        Api.Session admin = StaffFixtures.admin(api);
        JsonObject user = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("officer"), "PERSON",
                Role.PRIVACY_OFFICER).getJsonObject("user");
        String token = StaffFixtures.issueToken(api, admin, user.getString("id"), Role.PRIVACY_OFFICER);
        SECRETS.add(token);
        execute("UPDATE api_token SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' "
                + "WHERE owner_id = '" + user.getString("id") + "'");
        Api.Reply expired = api.get("api/me", new Api.Bearer(token));
        assertEquals(401, expired.status());
        assertTrue(expired.json().getString("detail").contains("expired"));

        for (String bad : List.of("qst_short", "not-a-token", token.substring(0, token.length() - 1) + "A")) {
            Api.Reply reply = api.get("api/me", new Api.Bearer(bad));
            assertEquals(401, reply.status(), bad);
            assertEquals("invalid-token", reply.problemSlug());
        }
        Api.Reply basic = api.send(api.request("api/me").header("Authorization", "Basic YWRtaW46YWRtaW4=").GET());
        assertEquals(401, basic.status());
    }

    @Test
    @Order(6)
    void aTokenCannotCarryRolesItsOwnerLacksAndLosesRolesTheOwnerLoses() {
        Api.Session admin = StaffFixtures.admin(api);
        JsonObject user = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("responder"), "PERSON",
                Role.INCIDENT_RESPONDER, Role.PRIVACY_OFFICER).getJsonObject("user");
        String id = user.getString("id");
        Api.Reply escalation = api.post("api/tokens", "{\"ownerId\":\"" + id + "\",\"name\":\"too much\",\"roles\":[\"ADMIN\"]}", admin);
        assertEquals(422, escalation.status());
        assertEquals("roles", escalation.json().getString("field"));

        String token = StaffFixtures.issueToken(api, admin, id, Role.PRIVACY_OFFICER);
        SECRETS.add(token);
        assertEquals(200, api.get("api/me", new Api.Bearer(token)).status());
        assertEquals(200, api.put("api/users/" + id + "/roles", "{\"roles\":[\"INCIDENT_RESPONDER\"]}", admin).status());
        Api.Reply me = api.get("api/me", new Api.Bearer(token));
        assertEquals(403, me.status(), "the token lost PRIVACY_OFFICER with its owner and now carries no role at all");
    }

    @Test
    @Order(7)
    void deactivationEndsSessionsAndTokensAtOnce() {
        Api.Session admin = StaffFixtures.admin(api);
        String username = StaffFixtures.uniqueUsername("operator");
        JsonObject created = StaffFixtures.createUser(api, admin, username, "PERSON", Role.OPERATOR);
        String id = created.getJsonObject("user").getString("id");
        String temporary = created.getString("temporaryPassword");
        SECRETS.add(temporary);
        Api.Session session = StaffFixtures.signIn(api, username, temporary);
        String token = StaffFixtures.issueToken(api, admin, id, Role.OPERATOR);
        SECRETS.add(token);

        assertEquals(200, api.post("api/users/" + id + "/deactivation", "", admin).status());
        assertEquals(401, api.get("api/me", session).status());
        assertEquals(401, api.get("api/me", new Api.Bearer(token)).status());
        assertEquals(409, api.post("api/users/" + id + "/deactivation", "", admin).status());
        Api.Reply again = api.post("api/session", "{\"username\":\"" + username + "\",\"password\":\"" + temporary + "\"}",
                Api.ANONYMOUS);
        assertEquals(401, again.status());
    }

    @Test
    @Order(8)
    void aTemporaryPasswordAllowsNothingButItsReplacement() {
        Api.Session admin = StaffFixtures.admin(api);
        String username = StaffFixtures.uniqueUsername("newcomer");
        JsonObject created = StaffFixtures.createUser(api, admin, username, "PERSON", Role.AUDITOR);
        String temporary = created.getString("temporaryPassword");
        SECRETS.add(temporary);
        Api.Session session = StaffFixtures.signIn(api, username, temporary);

        Api.Reply me = api.get("api/me", session);
        assertEquals(200, me.status());
        assertTrue(me.json().getBoolean("passwordChangeRequired"));
        Api.Reply blocked = api.get("api/users", session);
        assertEquals(403, blocked.status());

        Api.Reply weak = api.put("api/me/password", "{\"currentPassword\":\"" + temporary + "\",\"newPassword\":\"short\"}", session);
        assertEquals(422, weak.status());
        assertEquals("newPassword", weak.json().getString("field"));
        Api.Reply wrong = api.put("api/me/password", "{\"currentPassword\":\"not-it-at-all\",\"newPassword\":\"A-good-long-passphrase\"}", session);
        assertEquals(422, wrong.status());
        assertEquals("currentPassword", wrong.json().getString("field"));

        assertEquals(204, api.put("api/me/password", "{\"currentPassword\":\"" + temporary
                + "\",\"newPassword\":\"A-good-long-passphrase\"}", session).status());
        assertFalse(api.get("api/me", session).json().getBoolean("passwordChangeRequired"));
    }

    @Test
    @Order(9)
    void aBrowserSessionNeedsItsCsrfTokenToChangeAnything() {
        Api.Session admin = StaffFixtures.admin(api);
        String body = "{\"username\":\"" + StaffFixtures.uniqueUsername("csrf") + "\",\"displayName\":\"Csrf Probe\","
                + "\"kind\":\"PERSON\",\"roles\":[\"AUDITOR\"]}";
        long before = staffCount();
        Api.Reply forged = api.post("api/users", body, admin.withoutCsrf());
        assertEquals(403, forged.status(), forged.body());
        assertEquals("csrf-token-invalid", forged.problemSlug());
        assertEquals(before, staffCount(), "nothing written");
        assertEquals(200, api.get("api/users", admin.withoutCsrf()).status(), "reads need no CSRF token");
        assertEquals(201, api.post("api/users", body, admin).status());
    }

    @Test
    @Order(10)
    void theSessionCookieIsHttpOnlyStrictAndSecure() {
        Api.Reply reply = api.post("api/session", "{\"username\":\"admin\",\"password\":\"" + StaffFixtures.ADMIN_PASSWORD + "\"}",
                Api.ANONYMOUS);
        String cookie = reply.header("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("Secure"), cookie);
        assertTrue(cookie.toLowerCase().contains("samesite=strict"), cookie);
        Api.Session session = StaffFixtures.signIn(api, "admin", StaffFixtures.ADMIN_PASSWORD);
        assertEquals(204, api.delete("api/session", session).status());
        assertEquals(401, api.get("api/me", session).status(), "signed out everywhere");
    }

    @Test
    @Order(11)
    void failedSignInsAreThrottledPerAccount() {
        Api.Session admin = StaffFixtures.admin(api);
        String username = StaffFixtures.uniqueUsername("target");
        JsonObject created = StaffFixtures.createUser(api, admin, username, "PERSON", Role.AUDITOR);
        SECRETS.add(created.getString("temporaryPassword"));
        String wrong = "{\"username\":\"" + username + "\",\"password\":\"guess-guess-guess\"}";
        for (int i = 0; i < 5; i++) {
            Api.Reply reply = api.post("api/session", wrong, Api.ANONYMOUS);
            assertEquals(401, reply.status());
            assertEquals("invalid-credentials", reply.problemSlug());
        }
        Api.Reply locked = api.post("api/session", "{\"username\":\"" + username + "\",\"password\":\""
                + created.getString("temporaryPassword") + "\"}", Api.ANONYMOUS);
        assertEquals(429, locked.status(), "even the right password waits out the lock");
        assertEquals("rate-limited", locked.problemSlug());
        assertTrue(Integer.parseInt(locked.header("Retry-After").orElseThrow()) > 0);

        Api.Reply unknown = api.post("api/session", "{\"username\":\"nobody-here\",\"password\":\"guess-guess-guess\"}", Api.ANONYMOUS);
        assertEquals(401, unknown.status(), "an unknown user is answered like a wrong password");
        assertEquals("invalid-credentials", unknown.problemSlug());
    }

    @Test
    @Order(12)
    void theLastActiveAdministratorCannotBeRemoved() {
        Api.Session admin = StaffFixtures.admin(api);
        String adminId = api.get("api/me", admin).json().getString("id");
        for (var user : api.get("api/users", admin).array()) {
            JsonObject other = user.asJsonObject();
            boolean otherActiveAdmin = other.getBoolean("active") && !other.getString("id").equals(adminId)
                    && other.getJsonArray("roles").getValuesAs(jakarta.json.JsonString::getString).contains("ADMIN");
            if (otherActiveAdmin) {
                assertEquals(200, api.post("api/users/" + other.getString("id") + "/deactivation", "", admin).status());
            }
        }
        StaffFixtures.forgetTokens();
        Api.Reply demote = api.put("api/users/" + adminId + "/roles", "{\"roles\":[\"AUDITOR\"]}", admin);
        assertEquals(403, demote.status(), "nobody changes their own roles, the last administrator included");
        assertEquals("own-roles", demote.problemSlug());
        assertEquals(409, api.post("api/users/" + adminId + "/deactivation", "", admin).status());
    }

    @Test
    @Order(14)
    void rolesThatDefeatFourEyesAreRefusedAndEveryChangeIsToldToTheOtherAdministrators() throws Exception {
        Api.Session admin = StaffFixtures.admin(api);
        for (String roles : List.of("\"OPERATOR\",\"PRIVACY_OFFICER\"", "\"OPERATOR\",\"ADMIN\"", "\"AUDITOR\",\"INCIDENT_RESPONDER\"")) {
            Api.Reply refused = api.post("api/users", "{\"username\":\"" + StaffFixtures.uniqueUsername("sod")
                    + "\",\"displayName\":\"Two Hats\",\"kind\":\"PERSON\",\"roles\":[" + roles + "]}", admin);
            assertEquals(422, refused.status(), roles + ": " + refused.body());
            assertEquals("roles", refused.json().getString("field"));
        }
        String otherName = StaffFixtures.uniqueUsername("second-admin");
        JsonObject other = StaffFixtures.createUser(api, admin, otherName, "PERSON", Role.ADMIN);
        String otherId = other.getJsonObject("user").getString("id");
        String officerId = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("promoted"), "PERSON", Role.PRIVACY_OFFICER)
                .getJsonObject("user").getString("id");
        assertEquals(422, api.put("api/users/" + officerId + "/roles", "{\"roles\":[\"PRIVACY_OFFICER\",\"OPERATOR\"]}", admin).status());
        assertEquals(200, api.put("api/users/" + officerId + "/roles", "{\"roles\":[\"PRIVACY_OFFICER\",\"INCIDENT_RESPONDER\"]}", admin).status());
        assertEquals(1, countRows("SELECT count(*) FROM staff_notification WHERE user_id = '" + otherId + "' AND kind = 'user.roles-changed' "
                + "AND ref_id = '" + officerId + "'"), "the other administrator is told");
        assertTrue(countRows("SELECT count(*) FROM audit_event WHERE action = 'user.roles-changed' AND resource_id = '" + officerId + "'") >= 1,
                "the change is an audit event");
        Api.Reply own = api.put("api/users/" + api.get("api/me", admin).json().getString("id") + "/roles", "{\"roles\":[\"ADMIN\",\"PRIVACY_OFFICER\"]}", admin);
        assertEquals(403, own.status(), own.body());
        assertEquals("own-roles", own.problemSlug());
    }

    @Test
    @Order(13)
    void serviceIdentitiesHoldOnlyGatewayAndPeopleNeverDo() {
        Api.Session admin = StaffFixtures.admin(api);
        Api.Reply person = api.post("api/users", "{\"username\":\"" + StaffFixtures.uniqueUsername("person")
                + "\",\"displayName\":\"Gate Keeper\",\"kind\":\"PERSON\",\"roles\":[\"GATEWAY\"]}", admin);
        assertEquals(422, person.status());
        Api.Reply service = api.post("api/users", "{\"username\":\"" + StaffFixtures.uniqueUsername("service")
                + "\",\"displayName\":\"Gateway Two\",\"kind\":\"SERVICE\",\"roles\":[\"ADMIN\"]}", admin);
        assertEquals(422, service.status());
        Api.Reply ok = api.post("api/users", "{\"username\":\"" + StaffFixtures.uniqueUsername("service")
                + "\",\"displayName\":\"Gateway Two\",\"kind\":\"SERVICE\",\"roles\":[\"GATEWAY\"]}", admin);
        assertEquals(201, ok.status());
        assertFalse(ok.json().containsKey("temporaryPassword"), "a service identity never gets a password");
    }

    @Test
    @Order(100)
    void noSecretOrPasswordReachesTheServerLog() throws Exception {
        SECRETS.add(StaffFixtures.ADMIN_PASSWORD);
        SECRETS.add(StaffFixtures.BOOTSTRAP_PASSWORD);
        SECRETS.add("A-good-long-passphrase");
        SECRETS.add("guess-guess-guess");
        Path log = Path.of(System.getProperty("quaestor.it.log"));
        assertTrue(Files.exists(log), "the server log is written to " + log);
        String text = Files.readString(log);
        assertTrue(text.contains("security.token.issued"), "security events are logged");
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), "a secret reached the log");
        }
        assertFalse(text.matches("(?s).*qs[tsc]_[A-Za-z0-9_-]{20,}.*"), "no token-shaped value in the log");
        for (String line : text.split("\n")) {
            if (line.contains("\"event\"")) {
                assertTrue(line.startsWith("{") && line.endsWith("}"), "JSON object per line: " + line);
            }
            if (line.contains("\"event\":\"security.")) {
                assertTrue(line.contains("requestId"), "security events, all caused by requests, carry the request id: " + line);
            }
        }
    }

    private static long staffCount() {
        return countRows("SELECT count(*) FROM staff_user");
    }

    private static long countRows(String sql) {
        try {
            io.quaestor.testing.Sql.auditSettled();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
