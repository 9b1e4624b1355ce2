package io.quaestor.bench;

import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.launcher.PayaraProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark runs against: a fresh embedded PostgreSQL and Payara Micro serving the WAR the
 * build produced, on ports of their own so a developer's running Quaestor is not disturbed.
 */
final class BenchStack implements AutoCloseable {

    /** The benchmarks' audit key pair (a test key, never a production one). */
    static final String AUDIT_SIGNING_KEY = "MC4CAQAwBQYDK2VwBCIEIN8ocU57aLWi5+N2mLaZgcE121PlAHd8T+Y4mHohkQNB";
    static final String AUDIT_PUBLIC_KEY = "MCowBQYDK2VwAyEAVqJvXur9rM51apLlS+n4ZiXP/q478PXu0gT8TX2aFNI=";


    static final String ADMIN_BOOTSTRAP_PASSWORD = "Bench-Bootstrap-Pass-01";
    static final String GATEWAY_PASSWORD = "bench-gateway-password-01";
    static final String HMAC_KEY = "YmVuY2gtaG1hYy1rZXktYmVuY2gtaG1hYy1rZXktYmVuY2g=";
    private static final EmbeddedDatabase.Credentials CREDENTIALS = new EmbeddedDatabase.Credentials(
            "bench-owner-password-0001", "bench-runtime-password-001", GATEWAY_PASSWORD);

    final EmbeddedDatabase database;
    final PayaraProcess payara;
    final URI base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private BenchStack(EmbeddedDatabase database, PayaraProcess payara, URI base) {
        this.database = database;
        this.payara = payara;
        this.base = base;
    }

    static BenchStack start(Path target, int httpPort, int dbPort) throws Exception {
        EmbeddedDatabase database = EmbeddedDatabase.start(target.resolve("bench-pgdata"), dbPort, true, CREDENTIALS);
        Map<String, String> config = new HashMap<>(Map.of(
                "quaestor.db.url", database.jdbcUrl(EmbeddedDatabase.QUAESTOR_DB),
                "quaestor.db.user", EmbeddedDatabase.QUAESTOR_RUNTIME,
                "quaestor.db.password", CREDENTIALS.quaestorRuntime(),
                "quaestor.db.migration.user", EmbeddedDatabase.QUAESTOR_OWNER,
                "quaestor.db.migration.password", CREDENTIALS.quaestorOwner(),
                "quaestor.gateway.db.url", database.jdbcUrl(EmbeddedDatabase.GATEWAY_DB),
                "quaestor.gateway.db.user", EmbeddedDatabase.GATEWAY_ROLE,
                "quaestor.gateway.db.password", CREDENTIALS.gateway(),
                "quaestor.secrets.hmac-key", HMAC_KEY,
                "quaestor.bootstrap.admin-password", ADMIN_BOOTSTRAP_PASSWORD));
        config.put("quaestor.gateway.reference-store", "true");
        // Benchmarks start their runs themselves; the nightly schedule would purge the data under them.
        config.put("quaestor.retention.schedule.enabled", "false");
        config.put("quaestor.audit.signing-key", AUDIT_SIGNING_KEY);
        config.put("quaestor.audit.public-key", AUDIT_PUBLIC_KEY);
        Path logging = target.resolve("bench-logging.properties");
        Files.writeString(logging, """
                handlers=java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.formatter=fish.payara.enterprise.server.logging.JSONLogFormatter
                java.util.logging.ConsoleHandler.level=WARNING
                .level=WARNING
                """);
        PayaraProcess payara = PayaraProcess.start(target.resolve("lib/payara-micro.jar"), target.resolve("quaestor.war"),
                target.resolve("lib/postgresql.jar"), logging, target.resolve("classes/io/quaestor/launcher/payara-preboot.asadmin"),
                httpPort, config,
                List.of("-Xmx1g", "-Duser.timezone=UTC"));
        BenchStack stack = new BenchStack(database, payara, URI.create("http://127.0.0.1:" + httpPort + "/"));
        stack.awaitReady(Duration.ofMinutes(3));
        return stack;
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    }

    private void awaitReady(Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (send(request("health/ready")).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Payara Micro was not ready within " + limit);
    }

    @Override
    public void close() {
        payara.stop();
        database.close();
    }

    /** Quaestor's own database, as its owner (for seeding what a benchmark needs in bulk). */
    org.postgresql.ds.PGSimpleDataSource quaestorOwner() {
        org.postgresql.ds.PGSimpleDataSource quaestor = new org.postgresql.ds.PGSimpleDataSource();
        quaestor.setURL(database.jdbcUrl(EmbeddedDatabase.QUAESTOR_DB));
        quaestor.setUser(EmbeddedDatabase.QUAESTOR_OWNER);
        quaestor.setPassword(CREDENTIALS.quaestorOwner());
        return quaestor;
    }

    /** The gateway store, as the gateway's own role reaches it. */
    org.postgresql.ds.PGSimpleDataSource gateway() {
        org.postgresql.ds.PGSimpleDataSource gateway = new org.postgresql.ds.PGSimpleDataSource();
        gateway.setURL(database.jdbcUrl(EmbeddedDatabase.GATEWAY_DB));
        gateway.setUser(EmbeddedDatabase.GATEWAY_ROLE);
        gateway.setPassword(GATEWAY_PASSWORD);
        return gateway;
    }

    /** Runs a script with psql on the gateway store, as the baselines do; returns the seconds it took. */
    double psqlOnGateway(String script, boolean singleTransaction) throws Exception {
        return psqlOn(EmbeddedDatabase.GATEWAY_DB, script, singleTransaction);
    }

    /** A database of the stack's server, as the gateway role reaches it. */
    org.postgresql.ds.PGSimpleDataSource asGateway(String name) {
        org.postgresql.ds.PGSimpleDataSource store = new org.postgresql.ds.PGSimpleDataSource();
        store.setURL(database.jdbcUrl(name));
        store.setUser(EmbeddedDatabase.GATEWAY_ROLE);
        store.setPassword(GATEWAY_PASSWORD);
        return store;
    }

    /** Runs a script with psql on one database of the stack, as the gateway role; returns the seconds it took. */
    double psqlOn(String databaseName, String script, boolean singleTransaction) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("bench-script", ".sql");
        java.nio.file.Files.writeString(file, script);
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("psql", "-q", "-h", "127.0.0.1", "-p",
                Integer.toString(database.port()), "-U", EmbeddedDatabase.GATEWAY_ROLE, "-d", databaseName,
                "-v", "ON_ERROR_STOP=1", "-f", file.toString()));
        if (singleTransaction) {
            command.add("--single-transaction");
        }
        ProcessBuilder psql = new ProcessBuilder(command).redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", GATEWAY_PASSWORD);
        long start = System.nanoTime();
        Process process = psql.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        java.nio.file.Files.delete(file);
        return seconds;
    }

    /** One of the engine's statements with the subjects' keys written in (an SQL array literal) instead of bound, for psql. */
    static String withKeys(String sql, String keysArray) {
        if (!sql.startsWith(io.quaestor.datamap.control.SubjectQueries.WITH_KEYS)) {
            throw new IllegalArgumentException("not a statement about the subjects' keys: " + sql);
        }
        return "WITH subject_keys AS (SELECT " + keysArray + " AS k) " + sql.substring(io.quaestor.datamap.control.SubjectQueries.WITH_KEYS.length());
    }
}
