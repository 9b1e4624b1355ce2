package io.quaestor.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Direct looks into the test run's databases, as their superuser: for checking what the server did, never for doing it. */
public final class Sql {

    private Sql() {
    }

    /** The first column of the first row, as a number (0 for NULL). */
    public static long quaestorLong(String sql) throws SQLException {
        auditSettledIfRead(sql);
        return number("quaestor", sql);
    }

    /**
     * Waits until the sequencer has moved every pending audit event into audit_event, so a test that
     * looks at the trail right after the server answered sees what the request wrote (the server's
     * own readers do the same through AuditSealer.catchUp()).
     */
    public static void auditSettled() throws SQLException {
        auditSettled("quaestor");
    }

    /** As {@link #auditSettled()}, for the database of another test instance. */
    public static void auditSettled(String database) throws SQLException {
        for (int i = 0; i < 300; i++) {
            if (number(database, "SELECT count(*) FROM audit_pending") == 0) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the audit sequencer", e);
            }
        }
        throw new AssertionError("the audit sequencer left events pending for 15 s");
    }

    private static void auditSettledIfRead(String sql) throws SQLException {
        if (sql.contains("audit_event")) {
            auditSettled();
        }
    }

    public static long gatewayLong(String sql) throws SQLException {
        return number("gateway", sql);
    }

    /** The first column of the first row as text; null without a row. */
    public static String quaestorString(String sql) throws SQLException {
        auditSettledIfRead(sql);
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public static void quaestorUpdate(String sql) throws SQLException {
        update("quaestor", sql);
    }

    /** The first column of the first row of the gateway's store as text; null without a row. */
    public static String gatewayString(String sql) throws SQLException {
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** For a test that plants what a gateway's store could hold (a row past its period); never to do the server's work. */
    public static void gatewayUpdate(String sql) throws SQLException {
        update("gateway", sql);
    }

    private static void update(String database, String sql) throws SQLException {
        try (Connection c = TestDatabase.superuser(database); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** Waits up to a minute for a count query on Quaestor's database to answer 1. */
    public static void awaitQuaestor(String countSql) throws Exception {
        for (int i = 0; i < 240; i++) {
            if (quaestorLong(countSql) == 1) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("never true: " + countSql);
    }

    private static long number(String database, String sql) throws SQLException {
        try (Connection c = TestDatabase.superuser(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
