package io.quaestor.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the launcher needs to know, read the way MicroProfile Config reads it inside the server:
 * a system property ({@code quaestor.db.url}) wins over the environment ({@code QUAESTOR_DB_URL}).
 */
record LauncherSettings(
        int httpPort,
        int embeddedDbPort,
        Path dataDir,
        Optional<String> externalDbUrl,
        Optional<String> javaOptions,
        String logFormat) {

    static LauncherSettings fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    static LauncherSettings from(Map<String, String> env, java.util.Properties sys) {
        var source = new Source(env, sys);
        return new LauncherSettings(
                source.integer("quaestor.http.port", 8080),
                source.integer("quaestor.embedded-db.port", 54329),
                source.value("quaestor.data.dir")
                        .map(Path::of)
                        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".quaestor")),
                source.value("quaestor.db.url"),
                source.value("quaestor.java.options"),
                source.value("quaestor.log.format").orElse("text"));
    }

    /** JSON log lines (one object per line, for a log shipper) instead of lines a person reads: {@code QUAESTOR_LOG_FORMAT=json}. */
    boolean jsonLogs() {
        return "json".equalsIgnoreCase(logFormat);
    }

    boolean usesEmbeddedDatabase() {
        return externalDbUrl.isEmpty();
    }

    private record Source(Map<String, String> env, java.util.Properties sys) {
        Optional<String> value(String key) {
            String fromSys = sys.getProperty(key);
            if (fromSys != null && !fromSys.isBlank()) {
                return Optional.of(fromSys);
            }
            String fromEnv = env.get(key.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
            return Optional.ofNullable(fromEnv).filter(v -> !v.isBlank());
        }

        int integer(String key, int fallback) {
            return value(key).map(v -> {
                try {
                    return Integer.parseInt(v.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + " must be a port number, got '" + v + "'");
                }
            }).orElse(fallback);
        }
    }
}
