package io.quaestor.testing;

import io.quaestor.security.entity.Role;
import jakarta.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Staff identities for tests that cross HTTP: the administrator's browser session, and one token
 * per role (a person per human role, a service identity for GATEWAY), made through the API as an
 * administrator would. The database outlives each Payara start of a run, so identities are made
 * once and reused by every test class.
 */
public final class StaffFixtures {

    /** Given to the server by arquillian.xml; replaced by {@link #ADMIN_PASSWORD} at first sign-in. */
    public static final String BOOTSTRAP_PASSWORD = "Bootstrap-Admin-Pass-01";
    public static final String ADMIN_PASSWORD = "Chosen-Passphrase-4242";

    private static final Map<Role, String> TOKENS = new EnumMap<>(Role.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private StaffFixtures() {
    }

    /** Signs in as the initial administrator, replacing the bootstrap password the first time. */
    public static synchronized Api.Session admin(Api api) {
        if (adminMustChangePassword()) {
            Api.Session first = signIn(api, "admin", BOOTSTRAP_PASSWORD);
            Api.Reply changed = api.put("api/me/password", "{\"currentPassword\":\"" + BOOTSTRAP_PASSWORD
                    + "\",\"newPassword\":\"" + ADMIN_PASSWORD + "\"}", first);
            assertEquals(204, changed.status(), changed.body());
        }
        return signIn(api, "admin", ADMIN_PASSWORD);
    }

    public static Api.Session signIn(Api api, String username, String password) {
        Api.Reply reply = api.post("api/session", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
                Api.ANONYMOUS);
        assertEquals(201, reply.status(), reply.body());
        String cookie = reply.header("Set-Cookie").orElseThrow().split(";", 2)[0].split("=", 2)[1];
        return new Api.Session(cookie, reply.json().getString("csrfToken"), true);
    }

    /** A bearer token carrying exactly this role. */
    public static synchronized String token(Api api, Role role) {
        return TOKENS.computeIfAbsent(role, r -> {
            Api.Session admin = admin(api);
            // Unique: after forgetTokens() the earlier fixture user still exists under its name.
            JsonObject user = createUser(api, admin, uniqueUsername(r.name().toLowerCase().replace('_', '-') + "-fixture"),
                    r == Role.GATEWAY ? "SERVICE" : "PERSON", r).getJsonObject("user");
            return issueToken(api, admin, user.getString("id"), r);
        });
    }

    /** After a test deactivates fixture identities, the next call makes new ones. */
    public static synchronized void forgetTokens() {
        TOKENS.clear();
    }

    public static JsonObject createUser(Api api, Api.Session admin, String username, String kind, Role... roles) {
        StringBuilder list = new StringBuilder();
        for (Role role : roles) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(role.name()).append('"');
        }
        Api.Reply reply = api.post("api/users", "{\"username\":\"" + username + "\",\"displayName\":\"Fixture "
                + "User\",\"kind\":\"" + kind + "\",\"roles\":[" + list + "]}", admin);
        assertEquals(201, reply.status(), reply.body());
        return reply.json();
    }

    public static String issueToken(Api api, Api.Session admin, String ownerId, Role role) {
        Api.Reply reply = api.post("api/tokens", "{\"ownerId\":\"" + ownerId + "\",\"name\":\"fixture " + role
                + "\",\"roles\":[\"" + role + "\"]}", admin);
        assertEquals(201, reply.status(), reply.body());
        return reply.json().getString("token");
    }

    /** A fresh username, unique in this run. */
    public static String uniqueUsername(String stem) {
        return stem + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    private static boolean adminMustChangePassword() {
        try (Connection c = TestDatabase.superuser("quaestor");
             PreparedStatement s = c.prepareStatement("SELECT password_change_required FROM staff_user WHERE username = 'admin'");
             ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("the server has not created its initial administrator");
            }
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
