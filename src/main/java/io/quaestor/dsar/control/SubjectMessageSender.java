package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.platform.outbox.Outbox;
import io.quaestor.platform.outbox.Retry;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * Sends queued subject messages, one per transaction, claimed with SKIP LOCKED so that each is
 * sent by one instance. A verification message gets its code here, at sending time: the code's
 * HMAC is stored in the same transaction, and the code itself never is. A failed send is retried
 * with growing pauses (1 min doubling to 1 h); the error's class, never its text, is kept.
 */
@ApplicationScoped
public class SubjectMessageSender implements Outbox {

    private static final String CLAIM = """
            SELECT id, request_id, kind, attempts FROM subject_message
            WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED""";

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    Mailer mailer;

    @Inject
    IdentityVerification verification;

    @Inject
    Clock clock;

    @Inject
    jakarta.enterprise.inject.Instance<MessageExtras> extras;

    @Override
    public String name() {
        return "subject-messages";
    }

    @Override
    public boolean enabled() {
        return mailer.configured();
    }

    /** @return whether a message was due (sent or failed); false when the queue is empty */
    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean deliverNext() {
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection()) {
            UUID id;
            UUID requestId;
            SubjectMessages.Kind kind;
            int attempts;
            try (PreparedStatement s = c.prepareStatement(CLAIM)) {
                s.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    id = rs.getObject(1, UUID.class);
                    requestId = rs.getObject(2, UUID.class);
                    kind = SubjectMessages.Kind.valueOf(rs.getString(3));
                    attempts = rs.getInt(4);
                }
            }
            DataSubjectRequest request = em.find(DataSubjectRequest.class, requestId);
            if (request.getSubjectEmail() == null) {
                finish(c, id, now, "no-address");
                return true;
            }
            Map<String, String> extra = new java.util.HashMap<>();
            if (kind == SubjectMessages.Kind.VERIFICATION_CODE || kind == SubjectMessages.Kind.DOWNLOAD_CODE) {
                extra.putAll(IdentityVerification.placeholders(verification.issue(request)));
            }
            for (MessageExtras more : extras) {
                if (more.kinds().contains(kind)) {
                    extra.putAll(more.placeholders(request, now));
                }
            }
            SubjectMessages.Rendered message = SubjectMessages.render(kind, request, extra);
            try {
                mailer.send(request.getSubjectEmail(), message.subject(), message.body(), now);
            } catch (MessagingException e) {
                retryLater(c, id, attempts, now, e.getClass().getSimpleName());
                return true;
            }
            finish(c, id, now, null);
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("the message queue could not be read", e);
        }
    }

    private static void finish(Connection c, UUID id, Instant now, String note) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE subject_message SET sent_at = ?, attempts = attempts + 1, "
                + "last_error = ? WHERE id = ?")) {
            s.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            s.setString(2, note);
            s.setObject(3, id);
            s.executeUpdate();
        }
    }

    private static void retryLater(Connection c, UUID id, int attempts, Instant now, String error) throws SQLException {
        Duration pause = Retry.pauseAfter(attempts);
        try (PreparedStatement s = c.prepareStatement("UPDATE subject_message SET attempts = attempts + 1, "
                + "next_attempt_at = ?, last_error = ? WHERE id = ?")) {
            s.setObject(1, OffsetDateTime.ofInstant(now.plus(pause), ZoneOffset.UTC));
            s.setString(2, error);
            s.setObject(3, id);
            s.executeUpdate();
        }
    }
}
