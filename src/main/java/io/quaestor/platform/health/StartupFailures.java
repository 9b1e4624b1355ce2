package io.quaestor.platform.health;

import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What happens when Quaestor cannot start (its migrations or its data map fail): every problem is
 * written plainly, one per line, to standard error and to {@code quaestor.startup.report-file}
 * when set (the launcher reads it), and, unless {@code quaestor.startup.exit-on-failure} is false,
 * the process exits with status 3 once the failed deployment is logged. Payara Micro would
 * otherwise keep listening with nothing deployed, answering 404 to everything, which an operator
 * or an orchestrator can mistake for a running service.
 */
public final class StartupFailures {

    static final int EXIT_STATUS = 3;

    private StartupFailures() {
    }

    public static void stop(String what, List<String> problems) {
        List<String> lines = new ArrayList<>();
        lines.add("Quaestor cannot start: " + what);
        problems.forEach(p -> lines.add("  " + p));
        lines.forEach(System.err::println);
        setting("quaestor.startup.report-file").ifPresent(file -> write(Path.of(file), lines));
        if (setting("quaestor.startup.exit-on-failure").map(Boolean::parseBoolean).orElse(true)) {
            Thread exit = new Thread(() -> {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.exit(EXIT_STATUS);
            }, "quaestor-startup-failed");
            exit.start();
        }
    }

    private static Optional<String> setting(String key) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            return Optional.ofNullable(System.getProperty(key));
        }
    }

    private static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("(the startup report could not be written to " + file + ")");
        }
    }
}
