package io.quaestor.retention;

import io.quaestor.testing.Api;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A retention run survives the death of the JVM running it: the Payara Micro process is killed
 * with SIGKILL in the middle of the purge, Quaestor is started again on the same data, the new
 * instance takes the run over, and the end state is what an uninterrupted run leaves: every
 * expired row gone, every unexpired row untouched (same checksum).
 */
class RetentionCrashIT {

    private static final int HTTP_PORT = 18182;
    private static final int DB_PORT = 15435;
    private static final Pattern ONE_TIME = Pattern.compile("one-time password: (\\S+)");
    private static final String PASSWORD = "Crash-Passphrase-4242";

    @Test
    void aRunKilledMidwayIsTakenOverAfterRestartAndEndsAsAnUninterruptedRunWould() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "retention-crash-");
        Process first = launch(dataDir, dataDir.resolve("first.log"));
        String runId;
        String unexpiredBefore;
        try {
            awaitReady(first, dataDir.resolve("first.log"));
            Api api = new Api(new URL("http://127.0.0.1:" + HTTP_PORT + "/"));
            Api.Session admin = admin(api, dataDir.resolve("first.log"));
            seed();
            unexpiredBefore = unexpiredChecksum();
            Api.Reply started = api.post("api/retention/runs", "{\"dryRun\":false}", admin);
            assertEquals(202, started.status(), started.body());
            runId = started.json().getString("id");
            awaitDeleted(runId, 30_000);
            ProcessHandle payara = first.toHandle().descendants().filter(p -> p.info().commandLine().orElse("").contains("payara-micro"))
                    .findFirst().orElseThrow(() -> new AssertionError("no Payara Micro child process"));
            payara.destroyForcibly();
            assertTrue(first.waitFor(90, TimeUnit.SECONDS), "the launcher exits when Payara dies");
        } finally {
            stopAll(first);
        }
        Process second = launch(dataDir, dataDir.resolve("second.log"));
        try {
            awaitReady(second, dataDir.resolve("second.log"));
            long deletedBeforeRestart = quaestorLong("SELECT sum(rows_deleted) FROM retention_partition WHERE run_id = '" + runId + "'");
            assertTrue(expired() > 0, "the kill left work undone (" + deletedBeforeRestart + " rows were deleted before it)");
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (Instant.now().isBefore(deadline) && !"COMPLETED".equals(quaestorString("SELECT state FROM retention_run WHERE id = '"
                    + runId + "'"))) {
                Thread.sleep(500);
            }
            assertEquals("COMPLETED", quaestorString("SELECT state FROM retention_run WHERE id = '" + runId + "'"));
            assertTrue(quaestorLong("SELECT executions FROM retention_run WHERE id = '" + runId + "'") >= 2, "taken over by the new instance");
            assertEquals(0, expired(), "every expired row is gone");
            assertEquals(unexpiredBefore, unexpiredChecksum(), "no unexpired row was touched");
            assertEquals(200_000, quaestorLong("SELECT sum(rows_deleted) FROM retention_partition WHERE run_id = '" + runId
                    + "' AND table_name = 'request_metadata'"), "each expired row counted once across the two executions");
        } finally {
            stopAll(second);
        }
    }

    /** The launcher, gracefully if it can (its shutdown hook stops Payara and PostgreSQL), else with everything it started. */
    private static void stopAll(Process launcher) throws InterruptedException {
        if (launcher.isAlive()) {
            launcher.destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }
    }

    /** 200,000 metadata rows 100-110 days old for a 90-day tenant; a 730-day tenant in the same days keeps the partitions whole. */
    private static void seed() throws SQLException {
        try (Connection c = gateway(); Statement s = c.createStatement()) {
            s.execute("SELECT ensure_request_metadata_partitions(current_date - 115, current_date)");
            s.execute("INSERT INTO organizations (id, name, region, metadata_retention_days, created_at) VALUES "
                    + "('00000000-0000-0000-0000-0000000000a1', 'crash short', 'global', 90, now()), "
                    + "('00000000-0000-0000-0000-0000000000a2', 'crash long', 'global', 730, now())");
            s.execute("INSERT INTO request_metadata (occurred_at, request_id, account_id, organization_id, model, prompt_tokens, "
                    + "completion_tokens, total_tokens, cost_micro_usd, latency_ms, http_status) SELECT now() - interval '100 days' - "
                    + "(g % 864000 || ' seconds')::interval, gen_random_uuid(), gen_random_uuid(), "
                    + "CASE WHEN g <= 200000 THEN '00000000-0000-0000-0000-0000000000a1'::uuid ELSE '00000000-0000-0000-0000-0000000000a2'::uuid END, "
                    + "'m', 1, 1, 2, 1, 1, 200 FROM generate_series(1, 230000) g");
        }
    }

    private static long expired() throws SQLException {
        return gatewayLong("SELECT count(*) FROM request_metadata WHERE organization_id = '00000000-0000-0000-0000-0000000000a1' "
                + "AND occurred_at < now() - interval '90 days'");
    }

    private static String unexpiredChecksum() throws SQLException {
        try (Connection c = gateway(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT md5(string_agg(request_id::text, ',' ORDER BY request_id)) FROM request_metadata "
                        + "WHERE organization_id <> '00000000-0000-0000-0000-0000000000a1' OR occurred_at >= now() - interval '89 days'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitDeleted(String runId, long atLeast) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            Long deleted = quaestorLongOrNull("SELECT sum(rows_deleted) FROM retention_partition WHERE run_id = '" + runId
                    + "' AND table_name = 'request_metadata'");
            if (deleted != null && deleted >= atLeast) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the purge did not get going");
    }

    private static Api.Session admin(Api api, Path log) throws IOException {
        Matcher printed = ONE_TIME.matcher(Files.readString(log));
        assertTrue(printed.find(), "the one-time password is printed");
        Api.Reply first = api.post("api/session", "{\"username\":\"admin\",\"password\":\"" + printed.group(1) + "\"}", Api.ANONYMOUS);
        Api.Session session = session(first);
        assertEquals(204, api.put("api/me/password", "{\"currentPassword\":\"" + printed.group(1) + "\",\"newPassword\":\"" + PASSWORD
                + "\"}", session).status());
        return session(api.post("api/session", "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}", Api.ANONYMOUS));
    }

    private static Api.Session session(Api.Reply reply) {
        assertEquals(201, reply.status(), reply.body());
        String cookie = reply.header("Set-Cookie").orElseThrow().split(";", 2)[0].split("=", 2)[1];
        return new Api.Session(cookie, reply.json().getString("csrfToken"), true);
    }

    private static Process launch(Path dataDir, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "quaestor-launcher.jar").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("QUAESTOR_DATA_DIR", dataDir.toAbsolutePath().toString());
        builder.environment().put("QUAESTOR_HTTP_PORT", Integer.toString(HTTP_PORT));
        builder.environment().put("QUAESTOR_EMBEDDED_DB_PORT", Integer.toString(DB_PORT));
        // Small chunks, a nightly schedule out of the way, and a quick take-over, so the test is short.
        builder.environment().put("QUAESTOR_RETENTION_CHUNK_BUDGET", "PT0.02S");
        builder.environment().put("QUAESTOR_RETENTION_SCHEDULE_ENABLED", "false");
        builder.environment().put("QUAESTOR_RETENTION_WATCH_SECONDS", "2");
        builder.environment().put("QUAESTOR_RETENTION_STALE_AFTER", "PT5S");
        builder.environment().remove("QUAESTOR_DB_URL");
        return builder.start();
    }

    private static void awaitReady(Process process, Path log) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            assertTrue(process.isAlive(), () -> "the launcher exited early:\n" + tail(log));
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + HTTP_PORT + "/health/ready"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not ready in time:\n" + tail(log));
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static Connection gateway() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + DB_PORT + "/gateway", "postgres", "");
    }

    private static long gatewayLong(String sql) throws SQLException {
        try (Connection c = gateway(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Long quaestorLongOrNull(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + DB_PORT + "/quaestor", "postgres", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long value = rs.getLong(1);
            return rs.wasNull() ? null : value;
        }
    }

    private static long quaestorLong(String sql) throws SQLException {
        Long value = quaestorLongOrNull(sql);
        return value == null ? 0 : value;
    }

    private static String quaestorString(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + DB_PORT + "/quaestor", "postgres", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
