package io.quaestor.launcher;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's promise, kept by the built launcher jar: it starts an embedded PostgreSQL and
 * Payara Micro, prints the first administrator's one-time password once, stops both on a signal,
 * and a restart finds everything where it was.
 */
class LauncherIT {

    private static final int HTTP_PORT = 18181;
    private static final int DB_PORT = 15434;
    private static final Pattern ONE_TIME = Pattern.compile("one-time password: (\\S+)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void startsStopsCleanlyAndARestartLosesNothing() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "launcher-it-");
        Path firstLog = dataDir.resolve("first.log");
        Process first = launch(dataDir, firstLog);
        String password;
        try {
            awaitReady(first, firstLog);
            Matcher printed = ONE_TIME.matcher(Files.readString(firstLog));
            assertTrue(printed.find(), "the first start prints the administrator's one-time password");
            password = printed.group(1);
            assertEquals(201, signIn(password).statusCode());
        } finally {
            stop(first);
        }
        assertFalse(listening(HTTP_PORT), "Payara Micro stopped with the launcher");
        assertFalse(listening(DB_PORT), "PostgreSQL stopped with the launcher");

        Path secondLog = dataDir.resolve("second.log");
        Process second = launch(dataDir, secondLog);
        try {
            awaitReady(second, secondLog);
            assertFalse(ONE_TIME.matcher(Files.readString(secondLog)).find(), "the password is shown only once");
            assertEquals(201, signIn(password).statusCode(), "the administrator survived the restart");
            assertTrue(Files.exists(dataDir.resolve("pgdata/postgresql.conf")), "data lives in QUAESTOR_DATA_DIR");
        } finally {
            stop(second);
        }
    }

    @Test
    void aBadDataMapStopsTheLauncherWithEveryProblemPlainlyAndNothingLeftListening() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "launcher-bad-map-");
        Path map = dataDir.resolve("broken.datamap.json");
        Files.writeString(map, Files.readString(Path.of("policy-templates/datamap/reference-gateway.datamap.json"))
                .replaceFirst("\"table\": \"accounts\"", "\"table\": \"no_such_accounts\""));
        Path log = dataDir.resolve("launcher.log");
        Process launcher = launch(dataDir, log, Map.of("QUAESTOR_DATAMAP_FILE", map.toString()));
        try {
            assertTrue(launcher.waitFor(4, TimeUnit.MINUTES), "the launcher exits by itself:\n" + tail(log));
            assertTrue(launcher.exitValue() != 0, "with a failure status");
            String output = Files.readString(log);
            assertTrue(output.contains("Quaestor cannot start: the data map"), tail(log));
            assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(map.toString()) + ":\\d+: [^:]+: .*no_such_accounts").matcher(output).find(),
                    "each problem as file:line: element: message\n" + tail(log));
        } finally {
            launcher.destroyForcibly();
        }
        assertFalse(listening(HTTP_PORT), "no Payara Micro left listening with nothing deployed");
        assertFalse(listening(DB_PORT), "PostgreSQL stopped too");
    }

    private Process launch(Path dataDir, Path log) throws IOException {
        return launch(dataDir, log, Map.of());
    }

    private Process launch(Path dataDir, Path log, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "quaestor-launcher.jar").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("QUAESTOR_DATA_DIR", dataDir.toAbsolutePath().toString());
        builder.environment().put("QUAESTOR_HTTP_PORT", Integer.toString(HTTP_PORT));
        builder.environment().put("QUAESTOR_EMBEDDED_DB_PORT", Integer.toString(DB_PORT));
        builder.environment().remove("QUAESTOR_DB_URL");
        builder.environment().putAll(environment);
        return builder.start();
    }

    private void awaitReady(Process process, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            assertTrue(process.isAlive(), () -> "the launcher exited early:\n" + tail(log));
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(uri("health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not ready in time:\n" + tail(log));
    }

    private HttpResponse<String> signIn(String password) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("api/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as Ctrl-C or an orchestrator would send: the launcher's shutdown hook stops both. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not stop within 60 s");
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + HTTP_PORT + "/" + path);
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
