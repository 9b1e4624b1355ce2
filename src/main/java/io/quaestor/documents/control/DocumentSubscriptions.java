package io.quaestor.documents.control;

import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.control.ServerKey;
import io.quaestor.webhooks.control.GatewayWebhooks;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Subscriptions to material changes of the public documents, by double opt-in: subscribing mails
 * a confirmation link, and only a confirmed address is told of changes. The links' tokens are the
 * row's id with an HMAC under the server key, so no token is stored and a leaked database holds
 * none. Unsubscribing deletes the row. When a material change is approved, {@link #announce}
 * queues one notice per confirmed subscriber and, where configured, the gateway webhook through
 * which the gateway tells its account holders.
 */
@ApplicationScoped
public class DocumentSubscriptions {

    /** How long a confirmation link works; an unconfirmed subscription is deleted by housekeeping after it. */
    public static final Duration CONFIRM_WITHIN = Duration.ofDays(7);
    /** An address is mailed a confirmation link at most this often, whoever asks. */
    private static final Duration REMAIL_AFTER = Duration.ofMinutes(10);

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    ServerKey serverKey;

    @Inject
    GatewayWebhooks webhooks;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.documents.notify-account-holders", defaultValue = "false")
    boolean notifyAccountHolders;

    /**
     * Records the wish and queues the confirmation mail. The answer is the same whether the address
     * is new, pending or confirmed, so that nobody learns who subscribed.
     */
    @Transactional
    public void subscribe(String rawEmail, String language) {
        String email = email(rawEmail);
        byte[] key = serverKey.hmac("document-subscription-email", email.toLowerCase(Locale.ROOT));
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection()) {
            UUID id = null;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, confirmed_at IS NOT NULL, last_mailed_at FROM document_subscription WHERE email_key = ? FOR UPDATE")) {
                s.setBytes(1, key);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        if (rs.getBoolean(2) || Timestamps.instant(rs, 3).isAfter(now.minus(REMAIL_AFTER))) {
                            return;
                        }
                        id = rs.getObject(1, UUID.class);
                    }
                }
            }
            if (id == null) {
                id = UUID.randomUUID();
                try (PreparedStatement s = c.prepareStatement("INSERT INTO document_subscription (id, email, email_key, language, created_at, "
                        + "last_mailed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email_key) DO NOTHING")) {
                    s.setObject(1, id);
                    s.setString(2, email);
                    s.setBytes(3, key);
                    s.setString(4, language);
                    s.setObject(5, Timestamps.utc(now));
                    s.setObject(6, Timestamps.utc(now));
                    if (s.executeUpdate() == 0) {
                        return;
                    }
                }
            } else {
                update(c, "UPDATE document_subscription SET last_mailed_at = ?, language = ?, created_at = ? WHERE id = ?", now, language, now, id);
            }
            queue(c, "subscription", language, 0, "CONFIRMATION", id, null, now);
        } catch (SQLException e) {
            throw new IllegalStateException("the subscription could not be recorded", e);
        }
    }

    /** Confirms through the mailed link; confirming twice is fine. 404 for a link that is forged, expired, or unsubscribed. */
    @Transactional
    public void confirm(String token) {
        UUID id = verify(token, "confirm");
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE document_subscription SET confirmed_at = coalesce(confirmed_at, ?) WHERE id = ? AND (confirmed_at IS NOT NULL OR created_at > ?)")) {
            s.setObject(1, Timestamps.utc(now));
            s.setObject(2, id);
            s.setObject(3, Timestamps.utc(now.minus(CONFIRM_WITHIN)));
            if (s.executeUpdate() == 0) {
                throw new NotFoundException("This confirmation link is no longer valid (links work for 7 days); subscribe again.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the subscription could not be confirmed", e);
        }
    }

    /** Deletes the subscription, address and all. Unsubscribing twice is fine. */
    @Transactional
    public void unsubscribe(String token) {
        UUID id = verify(token, "unsubscribe");
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("DELETE FROM document_subscription WHERE id = ?")) {
            s.setObject(1, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the subscription could not be deleted", e);
        }
    }

    /** The notices of an approved material change, in the approving transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void announce(Documents.Version version, String url) {
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO document_notice (id, kind, language, version, channel, subscription_id, created_at, next_attempt_at)
                    SELECT gen_random_uuid(), ?, ?, ?, 'EMAIL', id, ?, ? FROM document_subscription
                    WHERE confirmed_at IS NOT NULL AND language = ?""")) {
                s.setString(1, version.kind());
                s.setString(2, version.language());
                s.setInt(3, version.version());
                s.setObject(4, Timestamps.utc(now));
                s.setObject(5, Timestamps.utc(now));
                s.setString(6, version.language());
                s.executeUpdate();
            }
            if (notifyAccountHolders) {
                UUID webhook = webhooks.queue("documents.material-change", Map.of("document", version.kind(), "language", version.language(),
                        "version", Integer.toString(version.version()), "effectiveAt", version.effectiveAt().toString(),
                        "changes", String.join("\n", version.changes()), "url", url));
                queue(c, version.kind(), version.language(), version.version(), "GATEWAY_WEBHOOK", null, webhook, now);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the notices could not be queued", e);
        }
    }

    /** The notices of one version: how many, by channel and outcome. */
    public record NoticeCount(String channel, String outcome, long count) {
    }

    public List<NoticeCount> notices(String kind, String language, int version) {
        List<NoticeCount> counts = new java.util.ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT n.channel, CASE WHEN n.channel = 'GATEWAY_WEBHOOK' THEN
                           CASE WHEN w.delivered_at IS NOT NULL THEN 'DELIVERED_TO_GATEWAY' ELSE 'WAITING_FOR_GATEWAY' END
                       ELSE coalesce(n.outcome, CASE WHEN n.attempts > 0 THEN 'RETRYING' ELSE 'PENDING' END) END, count(*)
                FROM document_notice n LEFT JOIN gateway_webhook w ON w.id = n.webhook_id
                WHERE n.kind = ? AND n.language = ? AND n.version = ? GROUP BY 1, 2 ORDER BY 1, 2""")) {
            s.setString(1, kind);
            s.setString(2, language);
            s.setInt(3, version);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.add(new NoticeCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the notices could not be read", e);
        }
        return counts;
    }

    /** A link token: the subscription's id and an HMAC binding it to one purpose. */
    String token(UUID id, String purpose) {
        byte[] raw = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "." + mac(id, purpose);
    }

    private UUID verify(String token, String purpose) {
        NotFoundException invalid = new NotFoundException("This link is not valid; use the newest link we mailed you, or subscribe again.");
        if (token == null || token.length() > 100 || token.indexOf('.') < 0) {
            throw invalid;
        }
        UUID id;
        try {
            ByteBuffer raw = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
            if (raw.remaining() != 16) {
                throw invalid;
            }
            id = new UUID(raw.getLong(), raw.getLong());
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        byte[] expected = mac(id, purpose).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] given = token.substring(token.indexOf('.') + 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw invalid;
        }
        return id;
    }

    private String mac(UUID id, String purpose) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(serverKey.hmac("document-subscription-" + purpose,
                id.toString()), 18));
    }

    static String email(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException("email", "Give the address to send the notices to.");
        }
        try {
            return (String) SubjectIdentifier.of("email", raw).value();
        } catch (InvalidInputException e) {
            throw new InvalidInputException("email", "This is not an email address.");
        }
    }

    private static void queue(Connection c, String kind, String language, int version, String channel, UUID subscription, UUID webhook,
                              Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO document_notice (id, kind, language, version, channel, subscription_id, "
                + "webhook_id, created_at, next_attempt_at, sent_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            boolean handedOver = webhook != null;
            s.setObject(1, UUID.randomUUID());
            s.setString(2, kind);
            s.setString(3, language);
            s.setInt(4, version);
            s.setString(5, channel);
            s.setObject(6, subscription);
            s.setObject(7, webhook);
            s.setObject(8, Timestamps.utc(now));
            s.setObject(9, Timestamps.utc(now));
            s.setObject(10, handedOver ? Timestamps.utc(now) : null);
            s.setString(11, handedOver ? "QUEUED_FOR_GATEWAY" : null);
            s.executeUpdate();
        }
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                s.setObject(i + 1, v instanceof Instant at ? Timestamps.utc(at) : v);
            }
            s.executeUpdate();
        }
    }
}
