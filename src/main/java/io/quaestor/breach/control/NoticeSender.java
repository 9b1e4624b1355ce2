package io.quaestor.breach.control;

import io.quaestor.dsar.control.Mailer;
import io.quaestor.platform.outbox.Outbox;
import io.quaestor.platform.outbox.Retry;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.LocalTransaction;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mails user notices, one recipient per local transaction: the delivery row is claimed with
 * SKIP LOCKED (one instance per recipient), the address read from the store, the notice sent and
 * the row settled while the claim holds. Outside JTA, because the store and Quaestor's database
 * are separate resources. A failing address is retried with doubling pauses and given up after
 * {@code quaestor.breach.notices.max-attempts}, visibly, so a campaign always ends.
 */
@ApplicationScoped
public class NoticeSender implements Outbox {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    UserNotices notices;

    @Inject
    Mailer mailer;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.breach.escalation.retry-base", defaultValue = "PT1M")
    Duration retryBase;

    @Inject
    @ConfigProperty(name = "quaestor.breach.notices.max-attempts", defaultValue = "8")
    int maxAttempts;

    private final Map<UUID, UserNotices.Wording> wordings = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "breach-notices";
    }

    @Override
    public boolean enabled() {
        return mailer.configured();
    }

    @Override
    public boolean deliverNext() {
        try (Connection c = quaestor.getConnection()) {
            Optional<UUID> settled = LocalTransaction.in(c, this::sendOne);
            settled.filter(id -> !id.equals(NONE)).ifPresent(notices::finishIfDone);
            return settled.isPresent();
        } catch (Exception e) {
            throw new IllegalStateException("the notice queue could not be worked", e);
        }
    }

    private static final UUID NONE = new UUID(0, 0);

    /** @return the campaign of a recipient just settled for good, NONE for a retry, empty when nothing was due */
    private Optional<UUID> sendOne(Connection c) throws Exception {
        Instant now = clock.instant();
        UUID id;
        UUID campaign;
        String key;
        int attempts;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT d.id, d.campaign_id, d.subject_key, d.attempts, k.templates, k.default_language, k.fields
                FROM notice_delivery d JOIN notice_campaign k ON k.id = d.campaign_id
                WHERE d.sent_at IS NULL AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT 1 FOR UPDATE OF d SKIP LOCKED""")) {
            s.setObject(1, Timestamps.utc(now));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getObject(1, UUID.class);
                campaign = rs.getObject(2, UUID.class);
                key = rs.getString(3);
                attempts = rs.getInt(4);
                String templates = rs.getString(5);
                String language = rs.getString(6);
                String values = rs.getString(7);
                wordings.computeIfAbsent(campaign, k -> UserNotices.wording(templates, language, values));
            }
        }
        UserNotices.Wording wording = wordings.get(campaign);
        Optional<String> address = notices.address(key);
        if (address.isEmpty()) {
            settle(c, id, now, "NO_ADDRESS", null);
            return Optional.of(campaign);
        }
        try {
            mailer.send(address.get(), wording.template().renderSubject(wording.values()), wording.template().render(wording.values()), now);
            settle(c, id, now, "SENT", null);
            return Optional.of(campaign);
        } catch (MessagingException e) {
            String error = e.getClass().getSimpleName();
            if (attempts + 1 >= maxAttempts) {
                settle(c, id, now, "GAVE_UP", error);
                return Optional.of(campaign);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE notice_delivery SET attempts = attempts + 1, next_attempt_at = ?, "
                    + "last_error = ? WHERE id = ?")) {
                s.setObject(1, Timestamps.utc(now.plus(Retry.pauseAfter(attempts, retryBase))));
                s.setString(2, error);
                s.setObject(3, id);
                s.executeUpdate();
            }
            return Optional.of(NONE);
        }
    }

    private static void settle(Connection c, UUID id, Instant now, String outcome, String error) throws Exception {
        try (PreparedStatement s = c.prepareStatement("UPDATE notice_delivery SET sent_at = ?, outcome = ?, attempts = attempts + 1, "
                + "last_error = ? WHERE id = ?")) {
            s.setObject(1, Timestamps.utc(now));
            s.setString(2, outcome);
            s.setString(3, error);
            s.setObject(4, id);
            s.executeUpdate();
        }
    }
}
