package io.quaestor.audit.control;

import io.quaestor.security.control.ServerKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keyed pseudonyms for customer identifiers inside audit events: {@code cp_} and 128 bits of
 * HMAC-SHA256 under the tenant's own key. A tenant's key is {@code quaestor.audit.pseudonym-key.<tenant>}
 * (base64, at least 32 bytes) when configured, else derived from the server key for that tenant, so
 * pseudonyms do not link one tenant's subjects to another's. A tenant given its key can recompute the
 * pseudonyms of its own users to read its access-transparency feed; nobody without it can reverse them.
 */
@ApplicationScoped
public class CustomerPseudonyms {

    static final String PREFIX = "quaestor.audit.pseudonym-key.";

    @Inject
    Config config;

    @Inject
    ServerKey serverKey;

    /** The pseudonym of a customer identifier of a kind (account-id, email, ...) within a tenant. */
    public String of(String tenant, String kind, String value) {
        String normalized = "email".equals(kind) ? value.strip().toLowerCase(Locale.ROOT) : value.strip();
        return "cp_" + HexFormat.of().formatHex(hmac(tenantKey(tenant), kind + ":" + normalized), 0, 16);
    }

    private final Map<String, byte[]> tenantKeys = new ConcurrentHashMap<>();

    private byte[] tenantKey(String tenant) {
        return tenantKeys.computeIfAbsent(tenant == null ? "" : tenant, this::loadTenantKey);
    }

    private byte[] loadTenantKey(String tenant) {
        Optional<String> configured = config.getOptionalValue(PREFIX + tenant, String.class);
        if (configured.isPresent()) {
            byte[] key = Base64.getDecoder().decode(configured.get().trim());
            if (key.length < 32) {
                throw new IllegalStateException(PREFIX + "<tenant> must hold at least 32 bytes");
            }
            return key;
        }
        return serverKey.hmac("audit-pseudonym-key", tenant);
    }

    static byte[] hmac(byte[] key, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
