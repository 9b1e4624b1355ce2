package io.quaestor.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the embedded PostgreSQL before the first test class of a run and stops it after the last.
 * For the integration tests it also lays out the data map the server reads from a file (a copy of
 * the reference map, {@code quaestor.it.datamap}), which a test may change and reload.
 */
public class EmbeddedPostgresSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        TestDatabase.start();
        String map = System.getProperty("quaestor.it.datamap");
        if (map != null && !map.isBlank()) {
            try {
                java.nio.file.Files.copy(java.nio.file.Path.of("policy-templates/datamap/reference-gateway.datamap.json"),
                        java.nio.file.Path.of(map), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestDatabase.stop();
    }
}
