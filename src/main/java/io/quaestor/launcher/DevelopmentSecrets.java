package io.quaestor.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Keys for a local installation, generated once and kept beside the embedded database in a file
 * only its owner can read. Production supplies the same keys through its secret store as
 * MicroProfile Config values; a key given in the environment always wins over this file.
 */
final class DevelopmentSecrets {

    static final String HMAC_KEY = "quaestor.secrets.hmac-key";
    static final String AUDIT_SIGNING_KEY = "quaestor.audit.signing-key";
    static final String AUDIT_PUBLIC_KEY = "quaestor.audit.public-key";
    static final String OWNER_PASSWORD = "embedded-db.quaestor-owner-password";
    static final String RUNTIME_PASSWORD = "embedded-db.quaestor-runtime-password";
    static final String GATEWAY_PASSWORD = "embedded-db.gateway-password";

    private DevelopmentSecrets() {
    }

    /** Every secret kept for this installation: server keys and embedded database passwords. */
    static Map<String, String> loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve("secrets.properties");
        Properties secrets = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                secrets.load(in);
            }
        }
        boolean changed = false;
        if (secrets.getProperty(HMAC_KEY) == null) {
            secrets.setProperty(HMAC_KEY, Base64.getEncoder().encodeToString(randomBytes()));
            changed = true;
        }
        if (secrets.getProperty(AUDIT_SIGNING_KEY) == null) {
            KeyPair pair = ed25519();
            secrets.setProperty(AUDIT_SIGNING_KEY, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            secrets.setProperty(AUDIT_PUBLIC_KEY, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
            changed = true;
        }
        for (String password : new String[]{OWNER_PASSWORD, RUNTIME_PASSWORD, GATEWAY_PASSWORD}) {
            if (secrets.getProperty(password) == null) {
                secrets.setProperty(password, Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes()));
                changed = true;
            }
        }
        if (changed) {
            write(file, secrets);
        }
        Map<String, String> result = new TreeMap<>();
        secrets.stringPropertyNames().forEach(k -> result.put(k, secrets.getProperty(k)));
        return result;
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK 15+", e);
        }
    }

    private static byte[] randomBytes() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static void write(Path file, Properties secrets) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            secrets.store(out, "Quaestor development secrets. Do not copy to production; do not commit.");
        }
    }
}
