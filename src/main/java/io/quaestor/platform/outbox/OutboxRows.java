package io.quaestor.platform.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Marks an outbox row delivered, or failed and due again after {@link Retry}. For tables with
 * {@code delivered_at}, {@code next_attempt_at}, {@code attempts} and {@code last_error}; the
 * table name is a constant of the calling outbox, never input.
 */
public final class OutboxRows {

    private OutboxRows() {
    }

    /** A claimed row: locked until the claiming transaction ends. {@code url} is null for outboxes with one fixed address. */
    public record Claimed(UUID id, String url, String payload, int attempts) {
    }

    /** The oldest due row, locked ({@code SKIP LOCKED}, so each row is claimed by one instance); empty when none is due. */
    public static Optional<Claimed> claimNext(Connection c, String table, boolean perRowUrl, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, " + (perRowUrl ? "url" : "NULL") + ", payload, attempts FROM "
                + table + " WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED")) {
            s.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Claimed(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getInt(4)))
                        : Optional.empty();
            }
        }
    }

    /**
     * Claims the next due row, delivers it and settles it in one local transaction of its own
     * connection, so the row lock is held for the whole delivery and no other instance can claim
     * the row meanwhile. Deliberately not a JTA transaction: on an executor thread Payara did not
     * keep the connection in one, and the lock went with the claiming statement (two instances
     * delivered one webhook 11 ms apart). Callers run outside any transaction.
     *
     * @param deliver returns null when delivered, else what went wrong
     * @return whether a row was due
     */
    public static boolean deliverNext(javax.sql.DataSource quaestor, String table, boolean perRowUrl, Instant now,
                                      java.util.function.Function<Claimed, String> deliver) {
        try (Connection c = quaestor.getConnection()) {
            return io.quaestor.platform.persistence.LocalTransaction.in(c, tx -> {
                Optional<Claimed> claimed = claimNext(tx, table, perRowUrl, now);
                if (claimed.isEmpty()) {
                    return false;
                }
                Claimed row = claimed.get();
                settle(tx, table, row.id(), row.attempts(), deliver.apply(row), now);
                return true;
            });
        } catch (Exception e) {
            throw new IllegalStateException("the " + table + " queue could not be worked", e);
        }
    }

    /** @param error null when the delivery succeeded */
    public static void settle(Connection c, String table, UUID id, int attempts, String error, Instant now) throws SQLException {
        settle(c, table, id, attempts, error, now, java.time.Duration.ofMinutes(1));
    }

    /** As {@link #settle(Connection, String, UUID, int, String, Instant)}, the retry pause doubling from {@code retryBase}. */
    public static void settle(Connection c, String table, UUID id, int attempts, String error, Instant now, java.time.Duration retryBase)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(error == null
                ? "UPDATE " + table + " SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?"
                : "UPDATE " + table + " SET next_attempt_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?")) {
            if (error == null) {
                s.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                s.setObject(2, id);
            } else {
                s.setObject(1, OffsetDateTime.ofInstant(now.plus(Retry.pauseAfter(attempts, retryBase)), ZoneOffset.UTC));
                s.setString(2, error);
                s.setObject(3, id);
            }
            s.executeUpdate();
        }
    }
}
