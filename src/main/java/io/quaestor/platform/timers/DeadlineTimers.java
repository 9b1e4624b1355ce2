package io.quaestor.platform.timers;

import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Schedules timers and fires due ones. Each due timer is claimed with {@code FOR UPDATE SKIP
 * LOCKED} in a transaction of its own, its observers run in that transaction, and it is marked
 * fired when they succeed: so a timer fires once however many instances poll, and a failing
 * observer leaves it due for the next poll rather than lost.
 */
@ApplicationScoped
public class DeadlineTimers {

    private static final String CLAIM = """
            SELECT id, kind, ref_id, fire_at FROM deadline_timer
            WHERE fired_at IS NULL AND fire_at <= ? AND NOT (id = ANY(?)) ORDER BY fire_at LIMIT 1 FOR UPDATE SKIP LOCKED""";

    /** A timer whose observer failed: its transaction is rolled back, so it stays due. */
    public static final class TimerFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final UUID timerId;
        private final String kind;

        TimerFailed(UUID timerId, String kind, RuntimeException cause) {
            super("timer " + timerId + " (" + kind + ") failed", cause);
            this.timerId = timerId;
            this.kind = kind;
        }

        public UUID timerId() {
            return timerId;
        }

        public String kind() {
            return kind;
        }
    }

    /** Which process fired a timer (pid@host): shows how firing spreads over instances, and that each timer fired once. */
    static final String INSTANCE = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Event<TimerDue> due;

    @Inject
    Clock clock;

    /** In the caller's transaction; scheduling the same kind, reference and time twice is a no-op. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void schedule(String kind, UUID refId, Instant fireAt) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO deadline_timer (id, kind, ref_id, fire_at, created_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (kind, ref_id, fire_at) DO NOTHING")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, kind);
            s.setObject(3, refId);
            s.setObject(4, OffsetDateTime.ofInstant(fireAt, ZoneOffset.UTC));
            s.setObject(5, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the timer could not be scheduled", e);
        }
    }

    /**
     * Claims and fires one due timer, passing over {@code skipping} (timers that failed lately on
     * this instance, so one failing observer cannot hold back every timer behind it); empty when
     * none is due (or all due ones are being fired elsewhere).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<TimerDue> fireNext(java.util.Collection<UUID> skipping) {
        try (Connection c = quaestor.getConnection()) {
            TimerDue timer;
            UUID id;
            try (PreparedStatement s = c.prepareStatement(CLAIM)) {
                s.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                s.setArray(2, c.createArrayOf("uuid", skipping.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    id = rs.getObject(1, UUID.class);
                    timer = new TimerDue(rs.getString(2), rs.getObject(3, UUID.class), rs.getObject(4, OffsetDateTime.class).toInstant());
                }
            }
            try {
                due.fire(timer);
            } catch (RuntimeException e) {
                throw new TimerFailed(id, timer.kind(), e);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE deadline_timer SET fired_at = ?, fired_by = ? WHERE id = ?")) {
                s.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                s.setString(2, INSTANCE);
                s.setObject(3, id);
                s.executeUpdate();
            }
            return Optional.of(timer);
        } catch (SQLException e) {
            throw new IllegalStateException("timers could not be fired", e);
        }
    }
}
