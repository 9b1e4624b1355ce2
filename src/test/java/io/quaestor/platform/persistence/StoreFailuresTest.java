package io.quaestor.platform.persistence;

import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A database failure is described by its SQL state, its message and the objects it names, never by the values involved. */
class StoreFailuresTest {

    @Test
    void realFailuresKeepTheirCauseAndLoseTheirValues() throws Exception {
        try (Connection c = TestDatabase.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE people (email text PRIMARY KEY, age integer NOT NULL CHECK (age > 0))");
            s.execute("INSERT INTO people VALUES ('alice@example.com', 30)");

            String duplicate = failure(s, "INSERT INTO people VALUES ('alice@example.com', 31)");
            assertTrue(duplicate.startsWith("SQLSTATE 23505: duplicate key value violates unique constraint \"people_pkey\""), duplicate);
            assertTrue(duplicate.contains("[table people, constraint people_pkey]"), duplicate);

            String cast = failure(s, "SELECT 'bob@example.com'::uuid");
            assertTrue(cast.startsWith("SQLSTATE 22P02: invalid input syntax for type uuid: \"…\""), cast);

            String notNull = failure(s, "INSERT INTO people VALUES ('carol@example.com', NULL)");
            assertTrue(notNull.contains("SQLSTATE 23502") && notNull.contains("column age"), notNull);

            for (String described : List.of(duplicate, cast, notNull)) {
                assertFalse(described.contains("example.com"), described);
            }
        }
    }

    @Test
    void somethingElseIsNamedByItsKindAlone() {
        assertEquals("IllegalStateException", StoreFailures.describe(new IllegalStateException("secret@example.com")));
    }

    private static String failure(Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql));
        return StoreFailures.describe(new IllegalStateException("wrapped", e));
    }
}
