package io.quaestor.testing;

import io.quaestor.launcher.EmbeddedDatabase;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one embedded PostgreSQL of a test run (started by {@link EmbeddedPostgresSessionListener}):
 * real PostgreSQL binaries on a fixed port, fresh for every run, with Quaestor's two databases
 * and roles exactly as the launcher creates them.
 */
public final class TestDatabase {

    public static final EmbeddedDatabase.Credentials CREDENTIALS = new EmbeddedDatabase.Credentials(
            "test-owner-password-0001", "test-runtime-password-0001", "test-gateway-password-0001");

    private static EmbeddedDatabase database;

    private TestDatabase() {
    }

    static synchronized void start() {
        if (database != null) {
            return;
        }
        int port = Integer.getInteger("quaestor.test.pg.port", 15432);
        Path dir = Path.of("target", "test-pgdata-" + ProcessHandle.current().pid());
        try {
            database = EmbeddedDatabase.start(dir, port, true, CREDENTIALS);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    static synchronized void stop() {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    public static synchronized EmbeddedDatabase get() {
        start();
        return database;
    }

    /** A gateway database of the test server (the reference store, or one a test creates), as the gateway role. */
    /** A new, empty database owned by the gateway role (dropped first if a previous run left it), for one test class. */
    public static PGSimpleDataSource freshGateway(String database) throws SQLException {
        try (Connection c = superuser("postgres"); java.sql.Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database + " OWNER gateway");
        }
        return gateway(database);
    }

    public static PGSimpleDataSource gateway(String database) {
        return login(database, EmbeddedDatabase.GATEWAY_ROLE, CREDENTIALS.gateway());
    }

    /** Quaestor's database as its owner role, the one that runs migrations. */
    public static PGSimpleDataSource quaestorOwner() {
        return login(EmbeddedDatabase.QUAESTOR_DB, EmbeddedDatabase.QUAESTOR_OWNER, CREDENTIALS.quaestorOwner());
    }

    /** Quaestor's database as the runtime role, with exactly the rights the application has. */
    public static PGSimpleDataSource quaestorRuntime() {
        return login(EmbeddedDatabase.QUAESTOR_DB, EmbeddedDatabase.QUAESTOR_RUNTIME, CREDENTIALS.quaestorRuntime());
    }

    /** Any database of the test server as any role. */
    public static PGSimpleDataSource login(String database, String role, String password) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(get().jdbcUrl(database));
        source.setUser(role);
        source.setPassword(password);
        return source;
    }

    /** A superuser connection: for set-up, inspection, and tests that play a hostile DBA. */
    public static Connection superuser(String databaseName) throws SQLException {
        return get().superuserConnection(databaseName);
    }
}
