package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Finds a subject and streams every row that belongs to them, table by table, from the map. Rows
 * come through a server-side cursor ({@code fetchSize}), so memory stays flat for a subject with
 * millions of rows. An identifier that matches nobody gives no keys and no rows, not an error.
 */
public final class SubjectRows {

    /** Receives each row: the table it came from and the values of its exported columns, in map order. */
    @FunctionalInterface
    public interface RowSink {
        void row(DataMap.MappedTable table, Object[] values) throws Exception;
    }

    private static final int FETCH_SIZE = 5_000;
    private static final Map<String, String> ARRAY_TYPES = Map.of("uuid", "uuid", "bigint", "int8", "integer", "int4",
            "text", "text", "character varying", "varchar");

    private final DataMap map;
    private final SubjectQueries queries;
    private final DataSource store;

    public SubjectRows(DataMap map, DataSource store) {
        this.map = map.forKind(map.subject().name());
        this.queries = new SubjectQueries(map);
        this.store = store;
    }

    /** The keys of every subject this identifier points to (one for an email, all members for an organization). */
    public List<Object> resolve(SubjectIdentifier identifier) throws SQLException {
        DataMap.Identifier declared = map.subject().identifier(identifier.kind()).orElseThrow(() ->
                new io.quaestor.platform.problem.InvalidInputException("kind", "This gateway's data map has no identifier of kind '"
                        + identifier.kind() + "'."));
        List<Object> keys = new ArrayList<>();
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(queries.resolve(identifier.kind()))) {
            s.setObject(1, declared.hash() == null ? identifier.value() : sha256Hex(identifier.value().toString()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getObject(1));
                }
            }
        }
        return keys;
    }

    /** What a store keeping only the hash of a key holds for it: SHA-256, lower-case hex. The key itself is never kept or logged. */
    static String sha256Hex(String presented) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(presented.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tenant of each subject key, as text (keys of subjects that do not exist are absent). */
    public Map<Object, String> tenantsOf(List<Object> subjectKeys) throws SQLException {
        Map<Object, String> tenants = new LinkedHashMap<>();
        if (subjectKeys.isEmpty()) {
            return tenants;
        }
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(queries.tenants())) {
            s.setArray(1, c.createArrayOf(keyArrayType(c), subjectKeys.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tenants.put(rs.getObject(1), rs.getString(2));
                }
            }
        }
        return tenants;
    }

    /** Every tenant of these subjects, at home or by a membership (a hold on any of them holds the subjects). */
    public java.util.Set<String> allTenantsOf(List<Object> subjectKeys) throws SQLException {
        java.util.Set<String> tenants = new java.util.TreeSet<>();
        tenantSetsOf(subjectKeys).values().forEach(tenants::addAll);
        return tenants;
    }

    /** Each subject's tenants, at home and by membership, by the key as text (a subject that does not exist is absent). */
    public Map<String, java.util.Set<String>> tenantSetsOf(List<Object> subjectKeys) throws SQLException {
        Map<String, java.util.Set<String>> tenants = new LinkedHashMap<>();
        if (subjectKeys.isEmpty()) {
            return tenants;
        }
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(queries.allTenants())) {
            s.setArray(1, c.createArrayOf(keyArrayType(c), subjectKeys.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    java.util.Set<String> of = tenants.computeIfAbsent(rs.getString(1), k -> new java.util.TreeSet<>());
                    if (rs.getString(2) != null) {
                        of.add(rs.getString(2));
                    }
                }
            }
        }
        return tenants;
    }

    /** The subject's email address, where the map says where it is kept. */
    public java.util.Optional<String> emailOf(Object subjectKey) throws SQLException {
        java.util.Optional<String> sql = queries.email();
        if (sql.isEmpty()) {
            return java.util.Optional.empty();
        }
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(sql.get())) {
            s.setObject(1, subjectKey);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? java.util.Optional.ofNullable(rs.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    /** The subjects' footprint: how many rows they have in all, and how many of them block erasure. */
    public record Footprint(long rows, long blocking) {
        public Footprint plus(Footprint other) {
            return new Footprint(rows + other.rows, blocking + other.blocking);
        }
    }

    public Footprint footprint(List<Object> subjectKeys) throws SQLException {
        long rows = 0;
        long blocking = 0;
        if (subjectKeys.isEmpty()) {
            return new Footprint(0, 0);
        }
        try (Connection c = store.getConnection()) {
            Array keys = c.createArrayOf(keyArrayType(c), subjectKeys.toArray());
            for (DataMap.MappedTable table : queries.subjectTables()) {
                rows += single(c, queries.count(table), keys, null);
                if (table.blocksErasure() != null) {
                    blocking += single(c, queries.countBlocking(table), keys, table.blocksErasure().equals());
                }
            }
        }
        return new Footprint(rows, blocking);
    }

    private static long single(Connection c, String sql, Array keys, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, keys);
            if (value != null) {
                s.setString(2, value);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Restricts processing of the subject; false when the map names no restriction flag or no such subject exists. */
    public boolean restrict(Object subjectKey) throws SQLException {
        java.util.Optional<String> sql = queries.restrict();
        if (sql.isEmpty()) {
            return false;
        }
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(sql.get())) {
            s.setObject(1, subjectKey);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Replaces one value of the subject's own row and returns the old one, in one transaction of
     * the store. The column must be one the map declares for the subject's table.
     */
    public String replace(Object subjectKey, String column, String value) throws SQLException {
        boolean mapped = map.table(map.subject().store(), map.subject().table()).map(t -> t.columns().stream()
                .anyMatch(c -> c.name().equals(column))).orElse(false);
        if (!mapped || column.equals(map.subject().key()) || column.equals(map.subject().tenant())) {
            throw new IllegalArgumentException("not a rectifiable column of the subject's table: " + column);
        }
        try (Connection c = store.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement read = c.prepareStatement(queries.readColumn(column));
                 PreparedStatement write = c.prepareStatement(queries.updateColumn(column))) {
                read.setObject(1, subjectKey);
                String old;
                try (ResultSet rs = read.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("no such subject");
                    }
                    old = rs.getString(1);
                }
                write.setString(1, value);
                write.setObject(2, subjectKey);
                write.executeUpdate();
                c.commit();
                return old;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** Streams every mapped row of these subjects to the sink; returns the count per table. */
    public Map<String, Long> stream(List<Object> subjectKeys, RowSink sink) throws Exception {
        return stream(subjectKeys, table -> true, 0, sink);
    }

    /**
     * Streams the rows of the tables the filter admits, at most {@code limitPerTable} rows each
     * (0: all); returns the count per table streamed.
     */
    public Map<String, Long> stream(List<Object> subjectKeys, Predicate<DataMap.MappedTable> tables, int limitPerTable,
                                    RowSink sink) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (subjectKeys.isEmpty()) {
            return counts;
        }
        try (Connection c = store.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Array keys = c.createArrayOf(keyArrayType(c), subjectKeys.toArray());
                for (DataMap.MappedTable table : queries.subjectTables()) {
                    if (tables.test(table)) {
                        counts.put(table.name(), streamTable(c, table, keys, limitPerTable, sink));
                    }
                }
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
        return counts;
    }

    /** How a value written as text is to be read back: as a number, a boolean, or text. */
    public enum Kind {
        TEXT, NUMBER, BOOLEAN
    }

    /**
     * Receives each row as text, ready to write: times in ISO 8601 UTC, numbers and booleans as
     * PostgreSQL prints them, nulls as null; {@code kinds} tells them apart (same array each row).
     */
    @FunctionalInterface
    public interface TextSink {
        void row(String[] values, Kind[] kinds) throws Exception;
    }

    /** Streams one table's rows of the snapshot's subjects; returns how many. */
    public interface TableStreamer {
        long stream(DataMap.MappedTable table, RowSink sink) throws Exception;

        /** As {@link #stream}, as text: no value is materialised as an object (the exports' fast path). */
        long streamText(DataMap.MappedTable table, TextSink sink) throws Exception;
    }

    @FunctionalInterface
    public interface SnapshotWork {
        void run(TableStreamer streamer) throws Exception;
    }

    /**
     * Runs work that may read the subjects' tables several times (an export writes CSV and JSON
     * in turn) against one repeatable-read snapshot, so every pass sees the same rows.
     */
    public void inSnapshot(List<Object> subjectKeys, SnapshotWork work) throws Exception {
        try (Connection c = store.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                Array keys = c.createArrayOf(keyArrayType(c), subjectKeys.toArray());
                try (java.sql.Statement utc = c.createStatement()) {
                    utc.execute("SET LOCAL TIME ZONE 'UTC'");
                }
                work.run(new TableStreamer() {
                    @Override
                    public long stream(DataMap.MappedTable table, RowSink sink) throws Exception {
                        return subjectKeys.isEmpty() ? 0 : streamTable(c, table, keys, 0, sink);
                    }

                    @Override
                    public long streamText(DataMap.MappedTable table, TextSink sink) throws Exception {
                        return subjectKeys.isEmpty() ? 0 : streamTableText(c, table, keys, sink);
                    }
                });
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The tables whose rows can belong to a subject, in map order. */
    public List<DataMap.MappedTable> subjectTables() {
        return queries.subjectTables();
    }

    private long streamTableText(Connection c, DataMap.MappedTable table, Array keys, TextSink sink) throws Exception {
        long rows = 0;
        try (PreparedStatement s = c.prepareStatement(queries.rows(table))) {
            s.setFetchSize(FETCH_SIZE);
            s.setArray(1, keys);
            try (ResultSet rs = s.executeQuery()) {
                java.sql.ResultSetMetaData meta = rs.getMetaData();
                int width = meta.getColumnCount();
                Kind[] kinds = new Kind[width];
                boolean[] times = new boolean[width];
                for (int i = 0; i < width; i++) {
                    String type = meta.getColumnTypeName(i + 1);
                    kinds[i] = switch (type) {
                        case "int2", "int4", "int8", "numeric", "float4", "float8" -> Kind.NUMBER;
                        case "bool" -> Kind.BOOLEAN;
                        default -> Kind.TEXT;
                    };
                    times[i] = type.equals("timestamptz") || type.equals("timestamp");
                }
                String[] values = new String[width];
                while (rs.next()) {
                    for (int i = 0; i < width; i++) {
                        String v = rs.getString(i + 1);
                        values[i] = v == null ? null : times[i] ? isoUtc(v) : kinds[i] == Kind.BOOLEAN ? ("t".equals(v) || "true".equals(v) ? "true" : "false") : v;
                    }
                    sink.row(values, kinds);
                    rows++;
                }
            }
        }
        return rows;
    }

    /** "2026-11-24 10:00:00.123456+00" (the session is in UTC) as "2026-11-24T10:00:00.123456Z". */
    static String isoUtc(String postgres) {
        int zone = postgres.lastIndexOf('+');
        String local = zone > 10 ? postgres.substring(0, zone) : postgres;
        return local.replace(' ', 'T') + "Z";
    }

    private long streamTable(Connection c, DataMap.MappedTable table, Array keys, int limit, RowSink sink) throws Exception {
        long rows = 0;
        int width = (int) table.columns().stream().filter(DataMap.MappedColumn::export).count();
        try (PreparedStatement s = c.prepareStatement(limit > 0 ? queries.limitedRows(table) : queries.rows(table))) {
            s.setFetchSize(FETCH_SIZE);
            s.setArray(1, keys);
            if (limit > 0) {
                s.setInt(2, limit);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Object[] values = new Object[width];
                    for (int i = 0; i < width; i++) {
                        values[i] = rs.getObject(i + 1);
                    }
                    sink.row(table, values);
                    rows++;
                }
            }
        }
        return rows;
    }

    String keyArrayType(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT data_type FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?")) {
            s.setString(1, map.subject().table());
            s.setString(2, map.subject().key());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || !ARRAY_TYPES.containsKey(rs.getString(1))) {
                    throw new SQLException("the subject key's type is not supported for lookups");
                }
                return ARRAY_TYPES.get(rs.getString(1));
            }
        }
    }
}
