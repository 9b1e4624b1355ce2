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

    /** One rule applied to one tenant's rows (tenant null: every row of the table). */
    public record Target(String table, String clockColumn, String keyColumn, String keyType, String tenantColumn, String tenant,
                         String accountColumn, Instant cutoff) {
        boolean numericKey() {
            return keyType.equals("bigint") || keyType.equals("integer");
        }
    }

    private final DataSource store;
    private final Target target;

    public RetentionPurge(DataSource store, Target target) {
        this.store = store;
        this.target = target;
    }

    /** Deletes (or, dry, counts) at most {@code size} expired rows after {@code from}. */
    public Chunk next(Position from, int size, HeldAccounts held, boolean dryRun) throws Exception {
        try (Connection c = store.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                List<String> heldNow = held.now();
                Chunk chunk = run(c, from, size, heldNow, dryRun);
                if (!dryRun && !heldNow.equals(held.now())) {
                    c.rollback();
                    throw new IllegalStateException("legal holds changed during the chunk; it was rolled back");
                }
                c.commit();
                return chunk;
            } catch (Exception e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
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

    private Chunk run(Connection c, Position from, int size, List<String> heldAccounts, boolean dryRun) throws SQLException {
        String select = "SELECT t." + q(target.clockColumn()) + ", t." + q(target.keyColumn()) + " FROM " + q(target.table())
                + " t WHERE " + where(from != null, !heldAccounts.isEmpty()) + " ORDER BY 1, 2 LIMIT " + size;
        // Keyset on the key's own type, so the (clock, key) index serves every chunk from where the last ended.
        String sql = dryRun ? select : "WITH doomed AS (" + select + ") DELETE FROM " + q(target.table()) + " t USING doomed d WHERE t."
                + q(target.clockColumn()) + " = d." + q(target.clockColumn()) + " AND t." + q(target.keyColumn()) + " = d."
                + q(target.keyColumn()) + " RETURNING t." + q(target.clockColumn()) + ", t." + q(target.keyColumn()) + "::text";
        if (dryRun) {
            sql = "SELECT " + q(target.clockColumn()) + ", " + q(target.keyColumn()) + "::text FROM (" + select + ") d";
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, from, heldAccounts);
            long rows = 0;
            Position last = from;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    Position p = new Position(rs.getTimestamp(1).toInstant(), rs.getString(2));
                    if (last == null || after(p, last, target.numericKey())) {
                        last = p;
                    }
                }
            }
            return new Chunk(rows, last, rows < size);
        }
    }

    private String where(boolean after, boolean skipAccounts) {
        List<String> conditions = new ArrayList<>();
        conditions.add("t." + q(target.clockColumn()) + " < ?");
        if (target.tenant() != null) {
            conditions.add("t." + q(target.tenantColumn()) + "::text = ?");
        }
        if (after) {
            conditions.add("(t." + q(target.clockColumn()) + ", t." + q(target.keyColumn()) + ") > (?, ?::" + target.keyType() + ")");
        }
        if (skipAccounts && target.accountColumn() != null) {
            conditions.add("(t." + q(target.accountColumn()) + " IS NULL OR t." + q(target.accountColumn()) + "::text <> ALL(?))");
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
        if (!heldAccounts.isEmpty() && target.accountColumn() != null) {
            Array array = c.createArrayOf("text", heldAccounts.toArray());
            s.setArray(i, array);
        }
    }

    /** Keyset order: clock first, then the key in its own order (numbers as numbers; UUIDs sort as their hex text). */
    private static boolean after(Position a, Position b, boolean numeric) {
        int byClock = a.clock().compareTo(b.clock());
        int byKey = numeric ? Long.compare(Long.parseLong(a.key()), Long.parseLong(b.key())) : a.key().compareTo(b.key());
        return byClock > 0 || (byClock == 0 && byKey > 0);
    }

    private static String q(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
