package io.quaestor.launcher;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherSettingsTest {

    @Test
    void withoutConfigurationItRunsTheEmbeddedDatabaseUnderTheHomeDirectory() {
        LauncherSettings settings = LauncherSettings.from(Map.of(), new Properties());
        assertTrue(settings.usesEmbeddedDatabase());
        assertEquals(8080, settings.httpPort());
        assertEquals(Path.of(System.getProperty("user.home"), ".quaestor"), settings.dataDir());
    }

    @Test
    void readsTheEnvironmentAsMicroProfileConfigWould() {
        LauncherSettings settings = LauncherSettings.from(Map.of(
                "QUAESTOR_DB_URL", "jdbc:postgresql://db.internal/quaestor",
                "QUAESTOR_HTTP_PORT", "9090",
                "QUAESTOR_DATA_DIR", "/var/lib/quaestor"), new Properties());
        assertFalse(settings.usesEmbeddedDatabase());
        assertEquals(9090, settings.httpPort());
        assertEquals(Path.of("/var/lib/quaestor"), settings.dataDir());
    }

    @Test
    void systemPropertiesWinOverTheEnvironment() {
        Properties sys = new Properties();
        sys.setProperty("quaestor.http.port", "7070");
        assertEquals(7070, LauncherSettings.from(Map.of("QUAESTOR_HTTP_PORT", "9090"), sys).httpPort());
    }

    @Test
    void aPortThatIsNotANumberIsNamedInTheError() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LauncherSettings.from(Map.of("QUAESTOR_HTTP_PORT", "eighty"), new Properties()));
        assertTrue(error.getMessage().contains("quaestor.http.port"));
    }

    @Test
    void configurationKeysBecomeEnvironmentNames() {
        assertEquals("QUAESTOR_DB_URL", PayaraProcess.environmentName("quaestor.db.url"));
        assertEquals("QUAESTOR_SECRETS_HMAC_KEY", PayaraProcess.environmentName("quaestor.secrets.hmac-key"));
    }
}
