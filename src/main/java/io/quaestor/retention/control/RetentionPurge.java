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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deletes one rule's expired rows in chunks, each a window of the clock column, for one or more
 * tenants at once (each with its own cutoff): one DELETE on the server per chunk, pruned by
 * PostgreSQL to the one or two time partitions the window touches, with no row or address
 * travelling to the client, and the rows each tenant lost counted on the server. Each window
 * starts where the last one ended (the position is the checkpoint a restarted job resumes from)
 * and is sized from the density the last one met, and each chunk is its own short transaction, so
 * the gateway's own writes are never held up for long.
 * <p>
 * Why all of a rule's tenants in one window: the gateway writes its tenants' rows interleaved in
 * time, so every page holds rows of many tenants. Deleting tenant by tenant rewrites each page once
 * per tenant, and after each checkpoint PostgreSQL logs the whole page again on its first change:
 * about ten times the WAL (measured in docs/benchmarks.md), which every gateway commit waits for.
 * <p>
 * Rows of accounts under a legal hold are skipped; the hold check runs again inside each deleting
 * transaction, before it commits, and a chunk whose holds changed is rolled back. A dry run counts
 * what would go and touches nothing.
 */
public final class RetentionPurge {

    /**
     * Where the purge stands: every expired row with a clock before {@code clock} is handled (a
     * {@code key} from runs of the earlier keyset purge is kept but no longer needed: resuming at
     * its clock, inclusive, handles the rest); null for the start.
     */
    public record Position(Instant clock, String key) {
    }

    /**
     * What one chunk did: its rows, and of those each target's (in the order the purge was given
     * its targets); each target whose cutoff the window reached is done.
     */
    public record Chunk(long rows, List<Long> rowsByTarget, Position next, boolean done) {

        public Chunk {
            rowsByTarget = List.copyOf(rowsByTarget);
        }
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

        /** The same rule for another tenant and cutoff. */
        public Target forTenant(String otherTenant, Instant otherCutoff) {
            return new Target(table, clockColumn, keyColumn, keyType, tenantColumn, tenantType, otherTenant, accountColumn, heldRows,
                    otherCutoff);
        }

        /** Whether the two apply one rule to one table (and may be purged in the same windows). */
        boolean sameRule(Target other) {
            return table.equals(other.table) && clockColumn.equals(other.clockColumn) && Objects.equals(tenantColumn, other.tenantColumn)
                    && Objects.equals(tenantType, other.tenantType) && Objects.equals(heldRows, other.heldRows);
        }
    }

    /** The narrowest and widest clock window one chunk covers. */
    private static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    /** Resuming from a checkpoint, before any density is known. */
    private static final Duration FIRST_WINDOW = Duration.ofMinutes(10);

    private final DataSource store;
    private final List<Target> targets;
    /** The clock window of the next chunk, sized from the rows per second of clock the last one met. */
    private Duration window = FIRST_WINDOW;

    public RetentionPurge(DataSource store, Target target) {
        this(store, List.of(target));
    }

    /**
     * One rule's targets purged together: the same table and columns, one target per tenant (a
     * target of no tenant, the whole table, stands alone).
     */
    public RetentionPurge(DataSource store, List<Target> targets) {
        if (targets.isEmpty() || targets.stream().anyMatch(t -> !t.sameRule(targets.get(0)))) {
            throw new IllegalArgumentException("a purge takes one rule's targets, at least one");
        }
        if (targets.size() > 1 && targets.stream().anyMatch(t -> t.tenant() == null)) {
            throw new IllegalArgumentException("a target of the whole table stands alone");
        }
        this.store = store;
        this.targets = List.copyOf(targets);
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
        Instant end = lastCutoff();
        try (Connection c = store.getConnection()) {
            return io.quaestor.platform.persistence.LocalTransaction.in(c, tx -> {
                List<String> heldNow = held.now();
                Instant low = from == null ? oldest(tx, targets, heldNow) : from.clock();
                if (low == null || !low.isBefore(end)) {
                    return new Chunk(0, Collections.nCopies(targets.size(), 0L), from, true);
                }
                if (from == null) {
                    // A first guess: a 64th of what is expired; the next window is sized from what this one met.
                    Duration span = Duration.between(low, end).dividedBy(64);
                    window = span.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : span;
                }
                Instant high = low.plus(window).isBefore(end) ? low.plus(window) : end;
                List<Long> rows = inWindow(tx, low, high, heldNow, dryRun);
                if (!dryRun && !heldNow.equals(held.now())) {
                    throw new IllegalStateException("legal holds changed during the chunk; it was rolled back");
                }
                long total = rows.stream().mapToLong(Long::longValue).sum();
                resize(size, total, Duration.between(low, high));
                Chunk chunk = new Chunk(total, rows, new Position(high, null), !high.isBefore(end));
                if (!dryRun) {
                    beforeCommit.record(chunk);
                }
                return chunk;
            });
        }
    }

    private Instant lastCutoff() {
        return targets.stream().map(Target::cutoff).max(Comparator.naturalOrder()).orElseThrow();
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

    /**
     * One statement on the server: the rows of the window go (or are counted) for every target whose
     * cutoff lies past the window's start, each below its own cutoff; only the count per target
     * travels to the client.
     */
    private List<Long> inWindow(Connection c, Instant low, Instant high, List<String> heldAccounts, boolean dryRun) throws SQLException {
        List<Target> open = targets.stream().filter(t -> t.cutoff().isAfter(low)).toList();
        String table = q(targets.get(0).table());
        String clock = "t." + q(targets.get(0).clockColumn());
        String where = clock + " >= ? AND " + clock + " < ? AND " + rowsOf(targets.get(0), !heldAccounts.isEmpty());
        String sql = dryRun ? "SELECT r.tenant, count(*) FROM " + table + " t JOIN " + TARGETS + " ON true WHERE " + where + " GROUP BY r.tenant"
                : "WITH gone AS (DELETE FROM " + table + " t USING " + TARGETS + " WHERE " + where + " RETURNING r.tenant) "
                + "SELECT tenant, count(*) FROM gone GROUP BY tenant";
        Map<String, Long> counted = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = bindTargets(c, s, 1, open);
            s.setTimestamp(i++, Timestamp.from(low));
            s.setTimestamp(i++, Timestamp.from(high));
            bindHeld(c, s, i, heldAccounts, targets.get(0));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counted.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return targets.stream().map(t -> counted.getOrDefault(t.tenant(), 0L)).toList();
    }

    /**
     * Whether a chunk recorded as pending (window end {@code pendingClock}, {@code pendingRows} rows
     * over all targets) when the last execution died did commit: its window no longer holds any of
     * the targets' rows. A pending chunk of no rows changed nothing either way.
     */
    public boolean committed(Position from, Instant pendingClock, long pendingRows, List<String> heldAccounts) throws SQLException {
        if (pendingRows == 0) {
            return false;
        }
        try (Connection c = store.getConnection()) {
            return inWindow(c, from == null ? Instant.EPOCH : from.clock(), pendingClock, heldAccounts, true).stream()
                    .mapToLong(Long::longValue).sum() == 0;
        }
    }

    /** The clock of the oldest expired row of the targets (held accounts aside); null when none is left. */
    private static Instant oldest(Connection c, List<Target> of, List<String> heldAccounts) throws SQLException {
        Target rule = of.get(0);
        try (PreparedStatement s = c.prepareStatement("SELECT min(o.clock) FROM " + TARGETS + " CROSS JOIN LATERAL (SELECT min(t."
                + q(rule.clockColumn()) + ") AS clock FROM " + q(rule.table()) + " t WHERE " + rowsOf(rule, !heldAccounts.isEmpty()) + ") o")) {
            bindHeld(c, s, bindTargets(c, s, 1, of), heldAccounts, rule);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Timestamp oldest = rs.getTimestamp(1);
                return oldest == null ? null : oldest.toInstant();
            }
        }
    }

    /** How many rows are expired now, held accounts aside (the dry run's total). */
    public long expired(List<String> heldAccounts) throws SQLException {
        Target rule = targets.get(0);
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(o.n), 0) FROM " + TARGETS
                + " CROSS JOIN LATERAL (SELECT count(*) AS n FROM " + q(rule.table()) + " t WHERE " + rowsOf(rule, !heldAccounts.isEmpty())
                + ") o")) {
            bindHeld(c, s, bindTargets(c, s, 1, targets), heldAccounts, rule);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The oldest row still here past its cutoff (held accounts aside); null when none is overdue. */
    public Instant oldestExpired(List<String> heldAccounts) throws SQLException {
        try (Connection c = store.getConnection()) {
            return oldest(c, targets, heldAccounts);
        }
    }

    /** The targets as a relation {@code r(tenant, cutoff)}, bound as two arrays. */
    private static final String TARGETS = "unnest(?::text[], ?::timestamptz[]) AS r(tenant, cutoff)";

    /** Binds the targets' tenants and cutoffs from parameter {@code first}; returns the next parameter's index. */
    private static int bindTargets(Connection c, PreparedStatement s, int first, List<Target> of) throws SQLException {
        s.setArray(first, c.createArrayOf("text", of.stream().map(Target::tenant).toArray()));
        s.setArray(first + 1, c.createArrayOf("timestamptz", of.stream().map(t -> Timestamp.from(t.cutoff())).toArray()));
        return first + 2;
    }

    /** Binds the held accounts, where the rule's condition asks for them. */
    private static void bindHeld(Connection c, PreparedStatement s, int index, List<String> heldAccounts, Target rule) throws SQLException {
        if (!heldAccounts.isEmpty() && rule.heldRows() != null) {
            Array array = c.createArrayOf("text", heldAccounts.toArray());
            s.setArray(index, array);
        }
    }

    /** The rows a target {@code r} lets go: before its cutoff, of its tenant, not of a held account. */
    private static String rowsOf(Target rule, boolean skipAccounts) {
        List<String> conditions = new ArrayList<>();
        conditions.add("t." + q(rule.clockColumn()) + " < r.cutoff");
        if (rule.tenant() != null) {
            conditions.add("t." + q(rule.tenantColumn()) + " = r.tenant::" + rule.tenantType());
        }
        if (skipAccounts && rule.heldRows() != null) {
            conditions.add("(" + rule.heldRows() + ") IS NOT TRUE");
        }
        return String.join(" AND ", conditions);
    }

    private static String q(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
