package io.quaestor.documents.control;

import io.quaestor.dsar.control.Mailer;
import io.quaestor.platform.outbox.Outbox;
import io.quaestor.platform.outbox.Retry;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Timestamps;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Mails the subscription confirmations and the notices of material changes, one per transaction,
 * claimed with SKIP LOCKED so that each goes out once across instances. A notice to a subscriber
 * who unsubscribed meanwhile is closed as such, unsent. Failures are retried with growing pauses,
 * up to {@code quaestor.documents.notices.max-attempts}, then given up; only the error's class is kept.
 */
@ApplicationScoped
public class DocumentNoticeSender implements Outbox {

    private static final String CLAIM = """
            SELECT n.id, n.kind, n.language, n.version, n.channel, n.attempts, s.id, s.email
            FROM document_notice n LEFT JOIN document_subscription s ON s.id = n.subscription_id
            WHERE n.sent_at IS NULL AND n.next_attempt_at <= ? AND n.channel IN ('CONFIRMATION', 'EMAIL')
            ORDER BY n.next_attempt_at LIMIT 1 FOR UPDATE OF n SKIP LOCKED""";

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Mailer mailer;

    @Inject
    DocumentSubscriptions subscriptions;

    @Inject
    Documents documents;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.public-url", defaultValue = "http://localhost:8080")
    String publicUrl;

    /** As the breach notices: an address that keeps failing is given up, recorded, not retried for ever. */
    @Inject
    @ConfigProperty(name = "quaestor.documents.notices.max-attempts", defaultValue = "8")
    int maxAttempts;

    @Override
    public String name() {
        return "document-notices";
    }

    @Override
    public boolean enabled() {
        return mailer.configured();
    }

    /**
     * Claims, mails and settles one notice in a local transaction of its own connection, as
     * {@link io.quaestor.platform.outbox.OutboxRows#deliverNext} does and for its reason: the row
     * lock must last for the whole delivery, which a JTA transaction on an executor thread did not
     * keep.
     */
    @Override
    public boolean deliverNext() {
        try (Connection c = quaestor.getConnection()) {
            return io.quaestor.platform.persistence.LocalTransaction.in(c, this::deliverNext);
        } catch (Exception e) {
            throw new IllegalStateException("the document notices could not be worked", e);
        }
    }

    private boolean deliverNext(Connection c) throws SQLException {
        Instant now = clock.instant();
        UUID id;
        String kind;
        String language;
        int version;
        boolean confirmation;
        int attempts;
        UUID subscriber;
        String email;
        try (PreparedStatement s = c.prepareStatement(CLAIM)) {
            s.setObject(1, Timestamps.utc(now));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                id = rs.getObject(1, UUID.class);
                kind = rs.getString(2);
                language = rs.getString(3);
                version = rs.getInt(4);
                confirmation = rs.getString(5).equals("CONFIRMATION");
                attempts = rs.getInt(6);
                subscriber = rs.getObject(7, UUID.class);
                email = rs.getString(8);
            }
        }
        if (subscriber == null) {
            close(c, id, now, "UNSUBSCRIBED", null);
            return true;
        }
        Texts t = new Texts(language);
        String unsubscribe = publicUrl + "/privacy/subscribe.html#unsubscribe=" + subscriptions.token(subscriber, "unsubscribe");
        String subject;
        String body;
        if (confirmation) {
            subject = t.s("mail.confirmSubject");
            body = t.f("mail.confirmBody", publicUrl + "/privacy/subscribe.html#confirm=" + subscriptions.token(subscriber, "confirm"),
                    DocumentSubscriptions.CONFIRM_WITHIN.toDays());
        } else {
            Documents.Version v = documents.require(DocumentGenerator.Kind.of(kind).orElseThrow(), language, version);
            subject = t.f("mail.changeSubject", v.body().getString("title"));
            body = t.f("mail.changeBody", v.body().getString("title"), v.effectiveAt().toString().substring(0, 10),
                    "- " + String.join("\n- ", v.changes()), publicUrl + "/privacy/documents.html#" + kind + (language.equals("en") ? "" : "/" + language),
                    unsubscribe);
        }
        try {
            mailer.send(email, subject, body, now);
        } catch (MessagingException e) {
            if (attempts + 1 >= maxAttempts) {
                close(c, id, now, "GAVE_UP", e.getClass().getSimpleName());
            } else {
                retryLater(c, id, attempts, now, e.getClass().getSimpleName());
            }
            return true;
        }
        close(c, id, now, "SENT", null);
        return true;
    }

    private static void close(Connection c, UUID id, Instant now, String outcome, String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE document_notice SET sent_at = ?, outcome = ?, attempts = attempts + 1, "
                + "last_error = ? WHERE id = ?")) {
            s.setObject(1, Timestamps.utc(now));
            s.setString(2, outcome);
            s.setString(3, error);
            s.setObject(4, id);
            s.executeUpdate();
        }
    }

    private static void retryLater(Connection c, UUID id, int attempts, Instant now, String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE document_notice SET attempts = attempts + 1, next_attempt_at = ?, "
                + "last_error = ? WHERE id = ?")) {
            s.setObject(1, Timestamps.utc(now.plus(Retry.pauseAfter(attempts))));
            s.setString(2, error);
            s.setObject(3, id);
            s.executeUpdate();
        }
    }
}
