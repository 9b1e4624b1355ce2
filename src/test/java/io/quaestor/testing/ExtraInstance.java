package io.quaestor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Payara Micro of its own beside the Arquillian one, started with the same options
 * (arquillian.xml's {@code cmdOptions}) plus overrides, serving the build's WAR on its own port,
 * with its log and checkpoint directory under {@code target/<name>}.
 */
public final class ExtraInstance implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private ExtraInstance(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts the instance; {@code overrides} are {@code -Dkey=value} options that win over arquillian.xml's. */
    public static ExtraInstance start(String name, int port, List<String> overrides) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", name));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(arquillianOptions().trim().split("\\s+")));
        command.add("-Dquaestor.audit.checkpoint-dir=" + dir.resolve("checkpoints").toAbsolutePath());
        command.add("-Dquaestor.audit.archive-dir=" + dir.resolve("archive").toAbsolutePath());
        command.addAll(overrides);
        command.addAll(List.of("-jar", System.getenv("MICRO_JAR"), "--deploy", System.getProperty("quaestor.war"), "--port",
                Integer.toString(port), "--nocluster", "--contextroot", "/"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("payara.log").toFile()).start();
        return new ExtraInstance(process, port, dir);
    }

    /** arquillian.xml's JVM options, with the build's system properties filled in. */
    public static String arquillianOptions() throws IOException {
        String options;
        try (InputStream in = ExtraInstance.class.getClassLoader().getResourceAsStream("arquillian.xml")) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<property name=\"cmdOptions\">([^<]*)</property>").matcher(xml);
            if (!m.find()) {
                throw new IllegalStateException("arquillian.xml has no cmdOptions");
            }
            options = m.group(1);
        }
        Matcher placeholder = Pattern.compile("\\$\\{([^}]+)}").matcher(options);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(System.getProperty(placeholder.group(1), "")));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Process process() {
        return process;
    }

    public void awaitReady(Duration limit) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the instance exited; see " + dir.resolve("payara.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(base().resolve("health/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not ready in " + limit + "; see " + dir.resolve("payara.log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
