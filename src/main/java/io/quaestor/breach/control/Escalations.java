package io.quaestor.breach.control;

import io.quaestor.dsar.control.Mailer;
import io.quaestor.platform.outbox.HttpDelivery;
import io.quaestor.platform.outbox.Outbox;
import io.quaestor.platform.outbox.OutboxRows;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.LocalTransaction;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.webhooks.control.GatewayWebhooks;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.mail.MessagingException;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reminders and escalations leaving Quaestor: an email to the owner (when the owner has an
 * address), and, once a clock is nearly out or past, an email or a signed webhook to every active
 * escalation contact. Each message is a row written in the transaction of the timer that caused
 * it, so it exists exactly when the timer fired; this outbox then delivers it once (SKIP LOCKED),
 * retrying with doubling pauses from {@code quaestor.breach.escalation.retry-base} up to an hour,
 * and logs every attempt. Messages carry the incident's reference and the clock, never subjects'
 * personal data. A webhook body carries its delivery's id, under the signature, so a receiver
 * de-duplicates retries by it.
 */
@ApplicationScoped
public class Escalations implements Outbox {

    /** What a message is about. */
    public record Alert(UUID incidentId, String reference, String severity, UUID obligationId, UUID taskId, String what,
                        Instant dueAt, String stage, boolean overdue) {
    }

    public record Delivery(UUID id, String stage, String channel, String recipient, String subject, Instant createdAt, int attemptCount,
                           Instant deliveredAt, String lastError, List<Attempt> attempts) {
    }

    public record Attempt(Instant at, String outcome, String error) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Mailer mailer;

    @Inject
    EscalationContacts contacts;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.breach.escalation.retry-base", defaultValue = "PT1M")
    Duration retryBase;

    @Inject
    @ConfigProperty(name = "quaestor.console.url", defaultValue = "http://localhost:8080")
    String consoleUrl;

    /**
     * Queues the messages of one alert on the caller's connection (the timer's transaction): to
     * the owner, and with {@code escalate} to every active contact as well.
     */
    void queue(Connection c, Alert alert, UUID owner, boolean escalate) throws SQLException {
        String subject = subject(alert);
        Instant now = clock.instant();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO escalation_delivery (id, incident_id, obligation_id, task_id, stage, channel, contact_id, staff_id, subject, payload,
                  created_at, next_attempt_at)
                SELECT gen_random_uuid(), ?::uuid, ?::uuid, ?::uuid, ?, 'EMAIL', NULL::uuid, u.id, ?, ?, ?::timestamptz, ?::timestamptz
                FROM staff_user u WHERE u.id = ?::uuid AND u.active AND u.email IS NOT NULL
                UNION ALL
                SELECT k.delivery_id, ?::uuid, ?::uuid, ?::uuid, ?, k.channel, k.contact_id, NULL::uuid, ?,
                  CASE WHEN k.channel = 'WEBHOOK' THEN jsonb_set(?::jsonb, '{id}', to_jsonb(k.delivery_id::text))::text ELSE ? END,
                  ?::timestamptz, ?::timestamptz
                FROM (SELECT gen_random_uuid() AS delivery_id, c.id AS contact_id, c.channel FROM escalation_contact c WHERE c.active AND ?) k""")) {
            String mail = mailBody(alert);
            String json = webhookBody(alert, now);
            int i = 0;
            s.setObject(++i, alert.incidentId());
            s.setObject(++i, alert.obligationId());
            s.setObject(++i, alert.taskId());
            s.setString(++i, alert.stage());
            s.setString(++i, subject);
            s.setString(++i, mail);
            s.setObject(++i, Timestamps.utc(now));
            s.setObject(++i, Timestamps.utc(now));
            s.setObject(++i, owner);
            s.setObject(++i, alert.incidentId());
            s.setObject(++i, alert.obligationId());
            s.setObject(++i, alert.taskId());
            s.setString(++i, alert.stage());
            s.setString(++i, subject);
            s.setString(++i, json);
            s.setString(++i, mail);
            s.setObject(++i, Timestamps.utc(now));
            s.setObject(++i, Timestamps.utc(now));
            s.setBoolean(++i, escalate);
            s.executeUpdate();
        }
    }

    @Override
    public String name() {
        return "breach-escalations";
    }

    @Override
    public boolean enabled() {
        return true;
    }

    /** Delivers the oldest due message; email waits while no SMTP server is configured. */
    /** One due message, claimed, sent and settled in a local transaction that holds its row lock throughout (see OutboxRows.deliverNext). */
    @Override
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public boolean deliverNext() {
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection()) {
            return LocalTransaction.in(c, tx -> deliverOne(tx, now));
        } catch (Exception e) {
            throw new IllegalStateException("the escalation queue could not be worked", e);
        }
    }

    private boolean deliverOne(Connection c, Instant now) throws SQLException {
        UUID id;
        String channel;
        String subject;
        String payload;
        int attempts;
        String address;
        UUID contact;
        byte[] sealed;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT d.id, d.channel, d.subject, d.payload, d.attempts, coalesce(k.address, u.email), k.id, k.secret_sealed
                FROM escalation_delivery d LEFT JOIN escalation_contact k ON k.id = d.contact_id LEFT JOIN staff_user u ON u.id = d.staff_id
                WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ? AND (d.channel = 'WEBHOOK' OR ?)
                ORDER BY d.next_attempt_at LIMIT 1 FOR UPDATE OF d SKIP LOCKED""")) {
            s.setObject(1, Timestamps.utc(now));
            s.setBoolean(2, mailer.configured());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                id = rs.getObject(1, UUID.class);
                channel = rs.getString(2);
                subject = rs.getString(3);
                payload = rs.getString(4);
                attempts = rs.getInt(5);
                address = rs.getString(6);
                contact = rs.getObject(7, UUID.class);
                sealed = rs.getBytes(8);
            }
        }
        String error = address == null ? "no address" : channel.equals("WEBHOOK")
                ? post(id, address, payload, contacts.secret(contact, sealed), now) : mail(address, subject, payload, now);
        settle(c, id, attempts, error, now);
        return true;
    }

    /** Every message an incident's clocks sent, with each attempt. */
    public List<Delivery> of(UUID incidentId) {
        List<Delivery> deliveries = new ArrayList<>();
        try (Connection c = quaestor.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT d.id, d.stage, d.channel, coalesce(k.name, u.username), d.subject, d.created_at, d.attempts, d.delivered_at, d.last_error
                    FROM escalation_delivery d LEFT JOIN escalation_contact k ON k.id = d.contact_id LEFT JOIN staff_user u ON u.id = d.staff_id
                    WHERE d.incident_id = ? ORDER BY d.created_at, d.id""")) {
                s.setObject(1, incidentId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        deliveries.add(new Delivery(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), Timestamps.instant(rs, 6), rs.getInt(7), Timestamps.instant(rs, 8), rs.getString(9), List.of()));
                    }
                }
            }
            List<Delivery> withAttempts = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT at, outcome, error FROM escalation_attempt WHERE delivery_id = ? ORDER BY at")) {
                for (Delivery d : deliveries) {
                    s.setObject(1, d.id());
                    List<Attempt> attempts = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            attempts.add(new Attempt(Timestamps.instant(rs, 1), rs.getString(2), rs.getString(3)));
                        }
                    }
                    withAttempts.add(new Delivery(d.id(), d.stage(), d.channel(), d.recipient(), d.subject(), d.createdAt(), d.attemptCount(),
                            d.deliveredAt(), d.lastError(), attempts));
                }
            }
            return withAttempts;
        } catch (SQLException e) {
            throw new IllegalStateException("the escalations could not be read", e);
        }
    }

    private String post(UUID id, String url, String body, byte[] secret, Instant now) {
        return HttpDelivery.post(url, body, Map.of("Quaestor-Event-Id", id.toString(),
                "Quaestor-Signature", GatewayWebhooks.signature(secret, now.getEpochSecond(), body)));
    }

    private String mail(String to, String subject, String body, Instant now) {
        try {
            mailer.send(to, subject, body, now);
            return null;
        } catch (MessagingException e) {
            return e.getClass().getSimpleName();
        }
    }

    /** Settles the row as every outbox does, then logs the attempt. */
    private void settle(Connection c, UUID id, int attempts, String error, Instant now) throws SQLException {
        OutboxRows.settle(c, "escalation_delivery", id, attempts, error, now, retryBase);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO escalation_attempt (id, delivery_id, at, outcome, error) VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, id);
            s.setObject(3, Timestamps.utc(now));
            s.setString(4, error == null ? "DELIVERED" : "FAILED");
            s.setString(5, error);
            s.executeUpdate();
        }
    }

    private static String subject(Alert a) {
        return (a.overdue() ? "OVERDUE: " : "Reminder: ") + a.reference() + " " + a.what() + (a.overdue() ? " was due " : " is due ") + a.dueAt();
    }

    private String mailBody(Alert a) {
        return "Incident " + a.reference() + " (" + a.severity() + ")\n\n"
                + a.what() + (a.overdue() ? " was due at " : " is due at ") + a.dueAt() + " (UTC).\n"
                + "Stage: " + a.stage() + "\n\n"
                + "Record how it was met, or waive it with the reason, in Quaestor:\n"
                + consoleUrl + "/api/incidents/" + a.incidentId() + "\n";
    }

    private static String webhookBody(Alert a, Instant now) {
        var data = Json.createObjectBuilder().add("incidentId", a.incidentId().toString()).add("reference", a.reference())
                .add("severity", a.severity()).add("what", a.what()).add("dueAt", a.dueAt().toString()).add("stage", a.stage());
        if (a.obligationId() != null) {
            data.add("obligationId", a.obligationId().toString());
        }
        if (a.taskId() != null) {
            data.add("taskId", a.taskId().toString());
        }
        return Json.createObjectBuilder().add("type", a.overdue() ? "breach.overdue" : "breach.reminder")
                .add("createdAt", now.toString()).add("data", data).build().toString();
    }
}
