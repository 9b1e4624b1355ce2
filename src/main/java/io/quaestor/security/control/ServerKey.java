package io.quaestor.security.control;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The server's HMAC key ({@code quaestor.secrets.hmac-key}, base64, at least 32 bytes), used to
 * key values that must be comparable but not readable, such as the throttle's per-address
 * counters. Without one configured, a random key lives for this process only: throttling still
 * works, but its counters do not survive a restart and are not shared between instances.
 */
@ApplicationScoped
public class ServerKey {

    private static final StructuredLog LOG = StructuredLog.of(ServerKey.class);

    @Inject
    @ConfigProperty(name = "quaestor.secrets.hmac-key")
    Optional<String> configuredKey;

    private SecretKeySpec key;

    @PostConstruct
    void load() {
        byte[] material = configuredKey.map(ServerKey::decode).orElseGet(() -> {
            LOG.warn("secrets.hmac-key.missing", Map.of("effect", "an ephemeral key is used; set quaestor.secrets.hmac-key"));
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        });
        key = new SecretKeySpec(material, "HmacSHA256");
    }

    private static byte[] decode(String base64) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("quaestor.secrets.hmac-key is not valid base64");
        }
        if (material.length < 32) {
            throw new IllegalStateException("quaestor.secrets.hmac-key must hold at least 32 bytes");
        }
        return material;
    }

    /**
     * A 256-bit AES key for one purpose, derived from the server key (HMAC as a PRF), so that one
     * configured secret yields independent keys and rotating it rotates them all.
     */
    public javax.crypto.SecretKey derivedKey(String purpose) {
        return new SecretKeySpec(hmac("derived-key:" + purpose, "v1"), "AES");
    }

    public byte[] hmac(String purpose, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
