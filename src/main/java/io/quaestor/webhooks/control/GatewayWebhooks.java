package io.quaestor.webhooks.control;

import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.transaction.Transactional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Queues a webhook for the gateway in the caller's transaction. The body is JSON with the event
 * id, type, time and data; {@link #signature} is what the receiver recomputes:
 * {@code Quaestor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 */
@ApplicationScoped
public class GatewayWebhooks {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public UUID queue(String event, Map<String, String> data) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        JsonObjectBuilder fields = Json.createObjectBuilder();
        new TreeMap<>(data).forEach(fields::add);
        String body = Json.createObjectBuilder().add("id", id.toString()).add("type", event)
                .add("createdAt", now.toInstant().toString()).add("data", fields).build().toString();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO gateway_webhook (id, event, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setString(2, event);
            s.setString(3, body);
            s.setObject(4, now);
            s.setObject(5, now);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the webhook could not be queued", e);
        }
        return id;
    }

    /** The signature header's value for a body sent at a time. */
    public static String signature(byte[] secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
