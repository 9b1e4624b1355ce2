package io.quaestor.access.control;

import io.quaestor.audit.control.AuditSealer;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The daily review of operator access for one UTC day. It flags what a reviewer must look at:
 * reads under a reference that is not a valid ticket or incident id, break-glass grants past their
 * review deadline, refused attempts outside a grant's scope, an operator reading far more than
 * usual, and reads of the audit trail itself. Producing the review reads the trail, so it is audited.
 */
@ApplicationScoped
public class DailyReview {

    public enum Kind {
        INVALID_REFERENCE,
        BREAK_GLASS_NOT_REVIEWED,
        OUT_OF_SCOPE_DENIED,
        VOLUME_SPIKE,
        AUDIT_TRAIL_READ
    }

    public record Flag(Kind kind, String actor, String grantId, Long seq, long count, String detail) {
    }

    public record Review(LocalDate day, Instant generatedAt, String referencePattern, List<Flag> flags) {
    }

    private static final String READS_WITH_REFERENCE = """
            SELECT seq, actor, grant_id, justification_reference FROM audit_event
            WHERE action = 'customer-data.read' AND outcome = 'success' AND occurred_at >= ? AND occurred_at < ?
            ORDER BY seq""";
    private static final String OVERDUE_BREAK_GLASS = """
            SELECT id, requester_id, review_due_at FROM access_grant
            WHERE break_glass AND reviewed_at IS NULL AND review_due_at < ? ORDER BY review_due_at""";
    private static final String OUT_OF_SCOPE = """
            SELECT seq, actor, grant_id, details FROM audit_event
            WHERE action = 'customer-data.read' AND outcome = 'denied' AND occurred_at >= ? AND occurred_at < ?
              AND CAST(details AS jsonb) ->> 'reason' IN ('tenant-out-of-scope', 'account-out-of-scope', 'category-out-of-scope')
            ORDER BY seq""";
    // Reads per operator that day against their daily average over the 28 days before.
    private static final String VOLUMES = """
            SELECT actor,
                   count(*) FILTER (WHERE occurred_at >= ?) AS today,
                   count(*) FILTER (WHERE occurred_at < ?) / 28.0 AS usual
            FROM audit_event
            WHERE action = 'customer-data.read' AND outcome = 'success' AND occurred_at >= ? AND occurred_at < ?
            GROUP BY actor ORDER BY actor""";
    private static final String TRAIL_READS = """
            SELECT actor, count(*), min(seq) FROM audit_event
            WHERE resource_type = 'audit-trail' AND occurred_at >= ? AND occurred_at < ?
            GROUP BY actor ORDER BY actor""";

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AccessPolicy policy;

    @Inject
    AuditSealer sealer;

    @Inject
    AuditLog log;

    @Inject
    Clock clock;

    @Transactional
    public Review of(LocalDate day, Caller caller, String origin) {
        sealer.catchUp();
        OffsetDateTime from = day.atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = from.plusDays(1);
        Instant now = clock.instant();
        List<Flag> flags = new ArrayList<>();
        try (Connection c = quaestor.getConnection()) {
            invalidReferences(c, from, to, flags);
            overdueBreakGlass(c, now, flags);
            outOfScope(c, from, to, flags);
            volumeSpikes(c, from, to, flags);
            trailReads(c, from, to, flags);
        } catch (SQLException e) {
            throw new IllegalStateException("the daily review could not be produced", e);
        }
        log.appendTrailRead(caller, origin, "audit.daily-review-read", Map.of("day", day.toString(),
                "flags", Integer.toString(flags.size())));
        return new Review(day, now, policy.referencePattern().pattern(), flags);
    }

    private void invalidReferences(Connection c, OffsetDateTime from, OffsetDateTime to, List<Flag> flags) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(READS_WITH_REFERENCE)) {
            s.setObject(1, from);
            s.setObject(2, to);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String reference = rs.getString(4);
                    if (reference == null || !policy.referencePattern().matcher(reference).matches()) {
                        flags.add(new Flag(Kind.INVALID_REFERENCE, rs.getString(2), rs.getString(3), rs.getLong(1), 1,
                                "The read's reference is not a ticket or incident id."));
                    }
                }
            }
        }
    }

    private static void overdueBreakGlass(Connection c, Instant now, List<Flag> flags) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OVERDUE_BREAK_GLASS)) {
            s.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    flags.add(new Flag(Kind.BREAK_GLASS_NOT_REVIEWED, rs.getString(2), rs.getString(1), null, 1,
                            "Break-glass grant not reviewed; review was due at " + rs.getTimestamp(3).toInstant() + "."));
                }
            }
        }
    }

    private static void outOfScope(Connection c, OffsetDateTime from, OffsetDateTime to, List<Flag> flags) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(OUT_OF_SCOPE)) {
            s.setObject(1, from);
            s.setObject(2, to);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    flags.add(new Flag(Kind.OUT_OF_SCOPE_DENIED, rs.getString(2), rs.getString(3), rs.getLong(1), 1,
                            "A read outside the grant's scope was refused."));
                }
            }
        }
    }

    private void volumeSpikes(Connection c, OffsetDateTime from, OffsetDateTime to, List<Flag> flags) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(VOLUMES)) {
            s.setObject(1, from);
            s.setObject(2, from);
            s.setObject(3, from.minusDays(28));
            s.setObject(4, to);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long today = rs.getLong(2);
                    double usual = rs.getDouble(3);
                    if (today >= policy.spikeMinimum() && today > policy.spikeFactor() * usual) {
                        flags.add(new Flag(Kind.VOLUME_SPIKE, rs.getString(1), null, null, today,
                                String.format(java.util.Locale.ROOT, "%d reads against a usual %.1f a day.", today, usual)));
                    }
                }
            }
        }
    }

    private static void trailReads(Connection c, OffsetDateTime from, OffsetDateTime to, List<Flag> flags) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(TRAIL_READS)) {
            s.setObject(1, from);
            s.setObject(2, to);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    flags.add(new Flag(Kind.AUDIT_TRAIL_READ, rs.getString(1), null, rs.getLong(3), rs.getLong(2),
                            "Read the audit trail " + rs.getLong(2) + " time(s)."));
                }
            }
        }
    }
}
