package io.quaestor.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Payara Micro in its own JVM, serving the Quaestor WAR on the root context. Configuration goes to
 * the child through its environment (MicroProfile Config reads {@code QUAESTOR_DB_URL} for
 * {@code quaestor.db.url}), so no password appears on a command line visible to {@code ps}.
 */
public final class PayaraProcess {

    private final Process process;

    private PayaraProcess(Process process) {
        this.process = process;
    }

    public static PayaraProcess start(Path payaraJar, Path war, Path postgresDriver, Path loggingProperties, Path prebootCommands,
                                      int httpPort, Map<String, String> config, List<String> javaOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-jar");
        command.add(payaraJar.toString());
        command.addAll(List.of(
                "--deploy", war.toString(),
                "--contextroot", "/",
                "--port", Integer.toString(httpPort),
                // Instances coordinate through PostgreSQL, never through a Hazelcast cluster.
                "--nocluster",
                "--addlibs", postgresDriver.toString(),
                "--logproperties", loggingProperties.toString(),
                // No Server header, and a DELETE with a body reaches the application (which answers
                // it as a problem) instead of the HTTP layer's bare 400.
                "--prebootcommandfile", prebootCommands.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        config.forEach((key, value) -> builder.environment().put(environmentName(key), value));
        return new PayaraProcess(builder.start());
    }

    static String environmentName(String configKey) {
        return configKey.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }

    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Asks Payara to shut down (SIGTERM runs its shutdown hooks), forcing it after a grace period. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
