package io.quaestor.retention.control;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes one rule's expired rows for one tenant in chunks, each a window of the clock column:
 * one DELETE on the server per chunk, pruned by PostgreSQL to the one or two time partitions the
 * window touches, with no row or address travelling to the client. Each window starts where the
 * last one ended (the position is the checkpoint a restarted job resumes from) and is sized from
 * the density the last one met, and each chunk is its own short transaction, so the gateway's own
 * writes are never held up for long. Rows of accounts under a legal hold are skipped; the hold
 * check runs again inside each deleting transaction, before it commits, and a chunk whose holds
 * changed is rolled back. A dry run counts what would go and touches nothing.
 */
public final class RetentionPurge {

    /**
     * Where the purge stands: every expired row with a clock before {@code clock} is handled (a
     * {@code key} from runs of the earlier keyset purge is kept but no longer needed: resuming at
     * its clock, inclusive, handles the rest); null for the start.
     */
    public record Position(Instant clock, String key) {
    }

    /** What one chunk did. */
    public record Chunk(long rows, Position next, boolean done) {
    }

    /** The accounts under hold now (ids as text); called inside each deleting transaction. */
    @FunctionalInterface
    public interface HeldAccounts {
        List<String> now() throws Exception;
    }

    /**
     * One rule applied to one tenant's rows (tenant null: every row of the table). {@code heldRows}
     * is the condition, on row {@code t}, that the row belongs to one of the held accounts bound as
     * its one text-array parameter (any link of the table counts); {@code accountColumn} the plain
     * column that alone links the rows to accounts, where there is one (partition drops check it).
     */
    public record Target(String table, String clockColumn, String keyColumn, String keyType, String tenantColumn, String tenantType,
                         String tenant, String accountColumn, String heldRows, Instant cutoff) {

        /** A target whose rows are linked to accounts by one plain column (or by none). */
        public Target(String table, String clockColumn, String keyColumn, String keyType, String tenantColumn, String tenantType,
                      String tenant, String accountColumn, Instant cutoff) {
            this(table, clockColumn, keyColumn, keyType, tenantColumn, tenantType, tenant, accountColumn,
                    accountColumn == null ? null : "t." + q(accountColumn) + "::text = ANY(?)", cutoff);
        }
    }

    /** The narrowest and widest clock window one chunk covers. */
    private static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    /** Resuming from a checkpoint, before any density is known. */
    private static final Duration FIRST_WINDOW = Duration.ofMinutes(10);

    private final DataSource store;
    private final Target target;
    /** The clock window of the next chunk, sized from the rows per second of clock the last one met. */
    private Duration window = FIRST_WINDOW;

    public RetentionPurge(DataSource store, Target target) {
        this.store = store;
        this.target = target;
    }

    /**
     * Deletes (or, dry, counts) the expired rows of the next window of the clock, about {@code size}
     * of them. The window starts where the last one ended ({@code from}, inclusive; the oldest
     * expired row at the start) and is sized from the rows per second of clock the last chunk met.
     * Windows are half-open and follow each other, so every row falls in exactly one.
     */
    public Chunk next(Position from, int size, HeldAccounts held, boolean dryRun) throws Exception {
        return next(from, size, held, dryRun, chunk -> { });
    }

    /** What must be written before a chunk commits on the store (the pending chunk of the checkpoint). */
    @FunctionalInterface
    public interface BeforeCommit {
        void record(Chunk chunk) throws Exception;
    }

    /** As {@link #next(Position, int, HeldAccounts, boolean)}, calling {@code beforeCommit} after the delete and before its commit. */
    public Chunk next(Position from, int size, HeldAccounts held, boolean dryRun, BeforeCommit beforeCommit) throws Exception {
        try (Connection c = store.getConnection()) {
            return io.quaestor.platform.persistence.LocalTransaction.in(c, tx -> {
                List<String> heldNow = held.now();
                Instant low = from == null ? oldest(tx, heldNow) : from.clock();
                if (low == null || !low.isBefore(target.cutoff())) {
                    return new Chunk(0, from, true);
                }
                if (from == null) {
                    // A first guess: a 64th of what is expired; the next window is sized from what this one met.
                    Duration span = Duration.between(low, target.cutoff()).dividedBy(64);
                    window = span.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : span;
                }
                Instant high = low.plus(window).isBefore(target.cutoff()) ? low.plus(window) : target.cutoff();
                long rows = inWindow(tx, low, high, heldNow, dryRun);
                if (!dryRun && !heldNow.equals(held.now())) {
                    throw new IllegalStateException("legal holds changed during the chunk; it was rolled back");
                }
                resize(size, rows, Duration.between(low, high));
                Chunk chunk = new Chunk(rows, new Position(high, null), !high.isBefore(target.cutoff()));
                if (!dryRun) {
                    beforeCommit.record(chunk);
                }
                return chunk;
            });
        }
    }

    /**
     * The next window holds about {@code size} rows at the density just met. A window with too few
     * rows to judge the density by grows at most eightfold, an empty one eightfold.
     */
    private void resize(int size, long rows, Duration covered) {
        Duration next;
        if (rows == 0) {
            next = covered.multipliedBy(8);
        } else {
            double nanosPerRow = (double) covered.toNanos() / rows;
            next = Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 16.0, nanosPerRow * size));
            Duration limit = covered.multipliedBy(8);
            next = rows < 16 && next.compareTo(limit) > 0 ? limit : next;
        }
        window = next.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : next;
    }

    /**
     * A commit on the store, timed, for the purge's pacing: an empty transaction given an id, so
     * that its commit waits for the WAL to be flushed as each of the gateway's own writes does.
     * That wait, not a bare round trip, is what a busy store (or the purge) makes the gateway pay.
     */
    public static Duration probe(DataSource store) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement("SELECT txid_current()")) {
            boolean autoCommit = c.getAutoCommit();
            long started = System.nanoTime();
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
            }
            if (!autoCommit) {
                c.commit();
            }
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    /** One statement on the server: the rows of the window go (or are counted), nothing travels to the client. */
    private long inWindow(Connection c, Instant low, Instant high, List<String> heldAccounts, boolean dryRun) throws SQLException {
        String where = "t." + q(target.clockColumn()) + " >= ? AND " + where(!heldAccounts.isEmpty());
        String sql = dryRun ? "SELECT count(*) FROM " + q(target.table()) + " t WHERE " + where
                : "DELETE FROM " + q(target.table()) + " t WHERE " + where;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(low));
            bind(c, s, 2, high, heldAccounts);
            if (dryRun) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
            return s.executeLargeUpdate();
        }
    }

    /**
     * Whether a chunk recorded as pending (window end {@code pendingClock}, {@code pendingRows} rows)
     * when the last execution died did commit: its window no longer holds any of the rule's rows.
     * A pending chunk of no rows changed nothing either way.
     */
    public boolean committed(Position from, Instant pendingClock, long pendingRows, List<String> heldAccounts) throws SQLException {
        if (pendingRows == 0) {
            return false;
        }
        try (Connection c = store.getConnection()) {
            return inWindow(c, from == null ? Instant.EPOCH : from.clock(), pendingClock, heldAccounts, true) == 0;
        }
    }

    /** The clock of the oldest expired row (held accounts aside); null when none is left. */
    private Instant oldest(Connection c, List<String> heldAccounts) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT min(t." + q(target.clockColumn()) + ") FROM " + q(target.table())
                + " t WHERE " + where(!heldAccounts.isEmpty()))) {
            bind(c, s, 1, target.cutoff(), heldAccounts);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Timestamp oldest = rs.getTimestamp(1);
                return oldest == null ? null : oldest.toInstant();
            }
        }
    }

    /** How many rows are expired now, held accounts aside (the dry run's total). */
    public long expired(List<String> heldAccounts) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + q(target.table())
                + " t WHERE " + where(!heldAccounts.isEmpty()))) {
            bind(c, s, 1, target.cutoff(), heldAccounts);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The oldest row still here past the cutoff (held accounts aside); null when none is overdue. */
    public Instant oldestExpired(List<String> heldAccounts) throws SQLException {
        try (Connection c = store.getConnection()) {
            return oldest(c, heldAccounts);
        }
    }

    /** The rows the rule lets go: before the upper bound, of the tenant, not of a held account. */
    private String where(boolean skipAccounts) {
        List<String> conditions = new ArrayList<>();
        conditions.add("t." + q(target.clockColumn()) + " < ?");
        if (target.tenant() != null) {
            conditions.add("t." + q(target.tenantColumn()) + " = ?::" + target.tenantType());
        }
        if (skipAccounts && target.heldRows() != null) {
            conditions.add("(" + target.heldRows() + ") IS NOT TRUE");
        }
        return String.join(" AND ", conditions);
    }

    /** Binds, from parameter {@code first} on: the upper clock bound, the tenant, the held accounts. */
    private void bind(Connection c, PreparedStatement s, int first, Instant upTo, List<String> heldAccounts) throws SQLException {
        int i = first;
        s.setTimestamp(i++, Timestamp.from(upTo));
        if (target.tenant() != null) {
            s.setString(i++, target.tenant());
        }
        if (!heldAccounts.isEmpty() && target.heldRows() != null) {
            Array array = c.createArrayOf("text", heldAccounts.toArray());
            s.setArray(i, array);
        }
    }

    private static String q(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
