package io.quaestor.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Starts the embedded PostgreSQL before the first test class of a run and stops it after the last. */
public class EmbeddedPostgresSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        TestDatabase.start();
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestDatabase.stop();
    }
}
