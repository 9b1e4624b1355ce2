package io.quaestor.retention.control;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes one rule's expired rows for one tenant in chunks: keyset order on the clock column and
 * the row's key, so each chunk starts where the last one ended (the position is the checkpoint a
 * restarted job resumes from), and each chunk is its own short transaction, so the gateway's own
 * writes are never held up for long. Rows of accounts under a legal hold are skipped; the hold
 * check runs again inside each deleting transaction, before it commits, and a chunk whose holds
 * changed is rolled back. A dry run counts what would go and touches nothing.
 */
public final class RetentionPurge {

    /** Where the purge stands: the last (clock, key) handled; null for the start. */
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

    private final DataSource store;
    private final Target target;
    private boolean direct = true;

    public RetentionPurge(DataSource store, Target target) {
        this.store = store;
        this.target = target;
    }

    /** Deletes (or, dry, counts) at most {@code size} expired rows after {@code from}. */
    public Chunk next(Position from, int size, HeldAccounts held, boolean dryRun) throws Exception {
        try (Connection c = store.getConnection()) {
            return io.quaestor.platform.persistence.LocalTransaction.in(c, tx -> {
                List<String> heldNow = held.now();
                Chunk chunk = run(tx, from, size, heldNow, dryRun);
                if (!dryRun && !heldNow.equals(held.now())) {
                    throw new IllegalStateException("legal holds changed during the chunk; it was rolled back");
                }
                return chunk;
            });
        }
    }

    /** How many rows are expired now, held accounts aside (the dry run's total). */
    public long expired(List<String> heldAccounts) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + q(target.table())
                + " t WHERE " + where(false, !heldAccounts.isEmpty()))) {
            bind(c, s, null, heldAccounts);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The oldest row still here past the cutoff (held accounts aside); null when none is overdue. */
    public Instant oldestExpired(List<String> heldAccounts) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement("SELECT min(t." + q(target.clockColumn())
                + ") FROM " + q(target.table()) + " t WHERE " + where(false, !heldAccounts.isEmpty()))) {
            bind(c, s, null, heldAccounts);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Timestamp oldest = rs.getTimestamp(1);
                return oldest == null ? null : oldest.toInstant();
            }
        }
    }

    /**
     * Selects the chunk in keyset order, then deletes its rows by physical address, partition by
     * partition: a DELETE joined to the selection on a partitioned table would be planned against
     * every partition, while a delete by ctid from the one partition holding the rows is direct.
     */
    private Chunk run(Connection c, Position from, int size, List<String> heldAccounts, boolean dryRun) throws SQLException {
        String select = "SELECT t." + q(target.clockColumn()) + ", t." + q(target.keyColumn()) + "::text, t.tableoid::regclass::text, "
                + "t.ctid::text FROM " + q(target.table()) + " t WHERE " + where(from != null, !heldAccounts.isEmpty())
                + " ORDER BY t." + q(target.clockColumn()) + ", t." + q(target.keyColumn()) + " LIMIT " + size;
        long rows = 0;
        Position last = from;
        java.util.Map<String, List<String>> byPartition = new java.util.LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(select)) {
            bind(c, s, from, heldAccounts);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    last = new Position(rs.getTimestamp(1).toInstant(), rs.getString(2));
                    byPartition.computeIfAbsent(rs.getString(3), k -> new ArrayList<>()).add(rs.getString(4));
                }
            }
        }
        if (!dryRun) {
            long deleted = 0;
            for (java.util.Map.Entry<String, List<String>> partition : byPartition.entrySet()) {
                deleted += deleteFrom(c, partition.getKey(), partition.getValue());
            }
            if (deleted != rows) {
                throw new IllegalStateException("the chunk changed while it was deleted; it is rolled back and retried");
            }
        }
        return new Chunk(rows, last, rows < size);
    }

    /**
     * Deletes rows of one partition by physical address: from the partition itself when the role
     * may (the direct way), else through the parent table, whose grant is what a role that does not
     * own the partitions has (every partition then looked at, filtered by the partition's oid).
     */
    private long deleteFrom(Connection c, String partition, List<String> ctids) throws SQLException {
        java.sql.Array addresses = c.createArrayOf("text", ctids.toArray());
        if (direct) {
            java.sql.Savepoint before = c.setSavepoint();
            // The partition's name comes from PostgreSQL's own regclass output, already quoted where it must be.
            try (PreparedStatement d = c.prepareStatement("DELETE FROM " + partition + " WHERE ctid = ANY(?::tid[])")) {
                d.setArray(1, addresses);
                long n = d.executeUpdate();
                c.releaseSavepoint(before);
                return n;
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(before);
                direct = false;
            }
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM " + q(target.table()) + " WHERE tableoid = ?::regclass AND ctid = ANY(?::tid[])")) {
            d.setString(1, partition);
            d.setArray(2, addresses);
            return d.executeUpdate();
        }
    }

    private String where(boolean after, boolean skipAccounts) {
        List<String> conditions = new ArrayList<>();
        conditions.add("t." + q(target.clockColumn()) + " < ?");
        if (target.tenant() != null) {
            conditions.add("t." + q(target.tenantColumn()) + " = ?::" + target.tenantType());
        }
        if (after) {
            conditions.add("(t." + q(target.clockColumn()) + ", t." + q(target.keyColumn()) + ") > (?, ?::" + target.keyType() + ")");
        }
        if (skipAccounts && target.heldRows() != null) {
            conditions.add("(" + target.heldRows() + ") IS NOT TRUE");
        }
        return String.join(" AND ", conditions);
    }

    private void bind(Connection c, PreparedStatement s, Position from, List<String> heldAccounts) throws SQLException {
        int i = 1;
        s.setTimestamp(i++, Timestamp.from(target.cutoff()));
        if (target.tenant() != null) {
            s.setString(i++, target.tenant());
        }
        if (from != null) {
            s.setTimestamp(i++, Timestamp.from(from.clock()));
            s.setString(i++, from.key());
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
