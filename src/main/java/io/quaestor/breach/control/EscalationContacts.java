package io.quaestor.breach.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.platform.crypto.SealedStream;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.Secrets;
import io.quaestor.security.control.ServerKey;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Who is told when a breach clock runs down beyond the incident's owner: people by email and
 * systems (a paging tool, a chat bridge) by signed webhook. A webhook's signing secret is made
 * here, shown once, and kept sealed under a key derived from the server key, bound to the
 * contact; webhook addresses must be https unless {@code quaestor.breach.webhooks.allow-http} is
 * set, which only a test setup should do.
 */
@ApplicationScoped
public class EscalationContacts {

    static final String SECRET_PURPOSE = "escalation-webhook-secret";

    public record Contact(UUID id, String name, String channel, String address, boolean active, Instant createdAt) {
    }

    /** A new contact; {@code secret} is the webhook's signing secret, shown this once (null for email). */
    public record Created(Contact contact, String secret) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    ServerKey serverKey;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.breach.webhooks.allow-http", defaultValue = "false")
    boolean allowHttp;

    @Transactional
    public Created add(String name, String channel, String address, Caller by) {
        String secret = null;
        byte[] sealed = null;
        UUID id = UUID.randomUUID();
        if (channel.equals("WEBHOOK")) {
            requireWebhookUrl(address, allowHttp);
            secret = Secrets.newSecret("qwhsec_");
            sealed = SealedStream.seal(serverKey.derivedKey(SECRET_PURPOSE), secret.getBytes(StandardCharsets.UTF_8), context(id));
        } else {
            requireEmail(address);
        }
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO escalation_contact (id, name, channel, address, secret_sealed, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setString(2, name);
            s.setString(3, channel);
            s.setString(4, address);
            s.setBytes(5, sealed);
            s.setObject(6, Timestamps.utc(now));
            s.setObject(7, by.userId());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the contact could not be stored", e);
        }
        audit.appendAction(by, "breach.contact-added", "escalation-contact", id.toString(), null, Map.of("channel", channel));
        return new Created(new Contact(id, name, channel, address, true, now), secret);
    }

    @Transactional
    public Contact deactivate(UUID id, Caller by) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE escalation_contact SET active = false WHERE id = ? AND active")) {
            s.setObject(1, id);
            if (s.executeUpdate() == 0) {
                Contact existing = get(id);
                throw new StateConflictException("The contact " + existing.name() + " is already inactive.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the contact could not be updated", e);
        }
        audit.appendAction(by, "breach.contact-deactivated", "escalation-contact", id.toString(), null, Map.of());
        return get(id);
    }

    public List<Contact> list() {
        List<Contact> contacts = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, name, channel, address, active, created_at FROM escalation_contact ORDER BY created_at");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                contacts.add(contact(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the contacts could not be read", e);
        }
        return contacts;
    }

    public Contact get(UUID id) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, name, channel, address, active, created_at FROM escalation_contact WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("No escalation contact has this id.");
                }
                return contact(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the contact could not be read", e);
        }
    }

    /** The signing secret of a webhook contact, opened for one delivery. */
    byte[] secret(UUID contactId, byte[] sealed) {
        return SealedStream.open(serverKey.derivedKey(SECRET_PURPOSE), sealed, context(contactId));
    }

    /** An absolute https URL without credentials; http only where {@code allowHttp} (the documented test setting). */
    public static void requireWebhookUrl(String address, boolean allowHttp) {
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("address", "The webhook address is not a URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new InvalidInputException("address", "The webhook address must be an absolute https URL.");
        }
        if (scheme.equals("http") && !allowHttp) {
            throw new InvalidInputException("address", "The webhook address must use https: escalations carry incident details and "
                    + "their signature must not be replayable from the wire.");
        }
        if (uri.getUserInfo() != null) {
            throw new InvalidInputException("address", "The webhook address must not carry credentials; it is signed instead.");
        }
    }

    private static void requireEmail(String address) {
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            throw new InvalidInputException("address", "The address is not a valid email address.");
        }
    }

    private static Contact contact(ResultSet rs) throws SQLException {
        return new Contact(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                Timestamps.instant(rs, 6));
    }

    private static byte[] context(UUID contactId) {
        return ("escalation-contact:" + contactId).getBytes(StandardCharsets.UTF_8);
    }
}
