package io.quaestor.dsar.control;

import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The privacy office's figures: what is open, what is due, what is late, how long closing takes. */
@ApplicationScoped
public class DsarMetrics {

    public record Count(String status, String type, long requests) {
    }

    public record CloseTime(String type, long closed, double medianDays, double p90Days) {
    }

    public record Snapshot(Instant at, Instant from, Instant to, List<Count> open, long dueWithin7Days, long overdue,
                           List<CloseTime> timeToClose, long closedInPeriod, long extendedInPeriod, double extensionRate) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    public Snapshot snapshot(Instant from, Instant to) {
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection()) {
            List<Count> open = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT status, type, count(*) FROM dsar_request WHERE closed_at IS NULL "
                    + "GROUP BY status, type ORDER BY status, type"); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(new Count(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
            long dueSoon = count(c, "SELECT count(*) FROM dsar_request WHERE closed_at IS NULL AND coalesce(extended_due_at, due_at) >= ? "
                    + "AND coalesce(extended_due_at, due_at) < ?", now, now.plus(java.time.Duration.ofDays(7)));
            long overdue = count(c, "SELECT count(*) FROM dsar_request WHERE closed_at IS NULL AND coalesce(extended_due_at, due_at) < ?", now);
            List<CloseTime> close = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT type, count(*),
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - received_at)) / 86400,
                           percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - received_at)) / 86400
                    FROM dsar_request WHERE closed_at >= ? AND closed_at < ? AND status IN ('COMPLETED', 'REJECTED')
                    GROUP BY type ORDER BY type""")) {
                s.setObject(1, utc(from));
                s.setObject(2, utc(to));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        close.add(new CloseTime(rs.getString(1), rs.getLong(2), round(rs.getDouble(3)), round(rs.getDouble(4))));
                    }
                }
            }
            long closed = count(c, "SELECT count(*) FROM dsar_request WHERE closed_at >= ? AND closed_at < ?", from, to);
            long extended = count(c, "SELECT count(*) FROM dsar_request WHERE closed_at >= ? AND closed_at < ? "
                    + "AND extended_due_at IS NOT NULL", from, to);
            return new Snapshot(now, from, to, open, dueSoon, overdue, close, closed, extended,
                    closed == 0 ? 0 : round((double) extended / closed));
        } catch (SQLException e) {
            throw new IllegalStateException("request metrics could not be read", e);
        }
    }

    private static long count(Connection c, String sql, Instant... instants) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < instants.length; i++) {
                s.setObject(i + 1, utc(instants[i]));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
