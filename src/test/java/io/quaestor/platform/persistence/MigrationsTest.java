package io.quaestor.platform.persistence;

import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quaestor's schema on real PostgreSQL: applied as the owner, with least privilege for the runtime role. */
class MigrationsTest {

    @BeforeAll
    static void migrate() {
        DatabaseMigrations.flyway(TestDatabase.quaestorOwner(), EmbeddedDatabase.QUAESTOR_RUNTIME).migrate();
    }

    @Test
    void applyingTwiceChangesNothing() {
        assertEquals(0, DatabaseMigrations.flyway(TestDatabase.quaestorOwner(), EmbeddedDatabase.QUAESTOR_RUNTIME).migrate().migrationsExecuted);
    }

    @Test
    void theRuntimeRoleCannotDeleteStaffOrCredentials() throws SQLException {
        for (String table : new String[]{"staff_user", "api_token", "browser_session"}) {
            assertTrue(privilege(table, "INSERT"), table);
            assertTrue(privilege(table, "SELECT"), table);
            assertFalse(privilege(table, "DELETE"), table + " rows are deactivated or closed, never deleted");
            assertFalse(privilege(table, "TRUNCATE"), table);
        }
    }

    @Test
    void theSchemaRefusesMalformedRowsWhateverTheApplicationDoes() throws SQLException {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO staff_user (id, username, display_name, kind, "
                    + "created_at, updated_at) VALUES (gen_random_uuid(), 'x''; DROP TABLE staff_user; --', 'X', 'PERSON', now(), now())"));
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO staff_user (id, username, display_name, kind, "
                    + "password_hash, created_at, updated_at) VALUES (gen_random_uuid(), 'svc-one', 'X', 'SERVICE', 'h', now(), now())"),
                    "a service identity never has a password");
        }
    }

    @Test
    void timestampsAreStoredWithTimeZone() throws SQLException {
        try (Connection c = TestDatabase.superuser("quaestor");
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                     + "AND column_name LIKE '%\\_at' AND data_type <> 'timestamp with time zone' AND table_name <> 'flyway_schema_history'");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            assertEquals(0, rs.getInt(1), "every *_at column is timestamptz");
        }
    }

    private static boolean privilege(String table, String privilege) throws SQLException {
        try (Connection c = TestDatabase.superuser("quaestor");
             PreparedStatement s = c.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
            s.setString(1, EmbeddedDatabase.QUAESTOR_RUNTIME);
            s.setString(2, table);
            s.setString(3, privilege);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

}
