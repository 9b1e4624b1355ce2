package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Erases subjects from the subjects' store by the data map's strategies: each table's rows are
 * deleted, or retained with their columns set to null or replaced by keyed pseudonyms. All of a
 * store's changes are one transaction, so a failure (or a crash) leaves the store as it was; the
 * caller's {@link BeforeCommit} runs while that transaction is still open, to re-check legal holds
 * and to record what is about to be committed. Tables are taken deepest link first, so no row is
 * left pointing at a deleted one, and the API-key table before the others at its depth.
 */
public final class SubjectErasure {

    /** What a strategy did (or, in a plan, would do) to one table. */
    public record TableAction(String store, String table, String category, String strategy, long rows,
                              Map<String, String> columns, String ground, Integer retainYears, String clockColumn) {
        public TableAction withRows(long count) {
            return new TableAction(store, table, category, strategy, count, columns, ground, retainYears, clockColumn);
        }
    }

    /** Keyed pseudonym of a value of a column, as the tenant's key makes it. */
    @FunctionalInterface
    public interface Pseudonymizer {
        String of(String column, String value);
    }

    /** Runs inside the store's open transaction, before it commits; an exception rolls it back. */
    @FunctionalInterface
    public interface BeforeCommit {
        void check(List<TableAction> applied) throws Exception;
    }

    /** A table and column where a searched value was found; {@code mapped}: whether the data map knows the table. */
    public record Finding(String table, String column, long rows, boolean retained, boolean mapped) {
    }

    /**
     * What the scan read of one table: whether the map knows it, how many columns and rows; or,
     * in {@code unreadable}, why it could not be read (the SQL state and message, values removed).
     */
    public record Coverage(String table, boolean mapped, int columns, long rows, String unreadable) {
    }

    /**
     * The verification scan: rows still linked to the subjects, identifiers found in clear, and the
     * subject's pseudonyms found (expected only in retained rows).
     */
    public record Scan(long linkedRows, List<Finding> identifiersInClear, List<Finding> pseudonyms, List<Coverage> coverage) {
        public boolean clean() {
            return linkedRows == 0 && identifiersInClear.isEmpty() && pseudonyms.stream().allMatch(Finding::retained)
                    && coverage.stream().allMatch(c -> c.unreadable() == null);
        }
    }

    private static final String API_KEY_KIND = "api-key-prefix";
    private static final String TENANT_KIND = "organization";
    private static final int BATCH = 1_000;

    private final DataMap map;
    private final SubjectQueries queries;
    private final DataSource store;

    public SubjectErasure(DataMap map, DataSource store) {
        this.map = map.forKind(map.subject().name());
        this.queries = new SubjectQueries(map);
        this.store = store;
    }

    /**
     * Every value by which the subjects can be found (email, account id, API-key prefixes), by
     * identifier kind; the tenant is not the subject's and is left out.
     */
    public Map<String, List<String>> identifiers(List<Object> keys) throws SQLException {
        Map<String, List<String>> values = new TreeMap<>();
        try (Connection c = store.getConnection()) {
            Array array = keys(c, keys);
            for (DataMap.Identifier identifier : map.subject().identifiers()) {
                if (TENANT_KIND.equals(identifier.kind())) {
                    continue;
                }
                try (PreparedStatement s = c.prepareStatement(queries.identifierValues(identifier))) {
                    s.setArray(1, array);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            values.computeIfAbsent(identifier.kind(), k -> new ArrayList<>()).add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return values;
    }

    /** What erasure would do, table by table, with the rows each strategy would touch now. */
    public List<TableAction> plan(List<Object> keys) throws SQLException {
        List<TableAction> plan = new ArrayList<>();
        try (Connection c = store.getConnection()) {
            Array array = keys(c, keys);
            for (DataMap.MappedTable table : ordered()) {
                try (PreparedStatement s = c.prepareStatement(queries.count(table))) {
                    s.setArray(1, array);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        plan.add(action(table, rs.getLong(1)));
                    }
                }
            }
        }
        return plan;
    }

    /** Applies every strategy in one transaction of the store; returns what each did. */
    public List<TableAction> apply(List<Object> keys, Pseudonymizer pseudonymizer, BeforeCommit beforeCommit) throws Exception {
        try (Connection c = store.getConnection()) {
            return io.quaestor.platform.persistence.LocalTransaction.in(c, tx -> {
                Array array = keys(tx, keys);
                try (PreparedStatement lock = tx.prepareStatement(queries.lockSubjects())) {
                    lock.setArray(1, array);
                    lock.executeQuery().close();
                }
                List<TableAction> applied = new ArrayList<>();
                for (DataMap.MappedTable table : ordered()) {
                    applied.add(action(table, applyTo(tx, table, array, pseudonymizer)));
                }
                beforeCommit.check(applied);
                return applied;
            });
        }
    }

    /** How many rows of the subjects' store are still linked to these keys (0 once erased). */
    public long linkedRows(List<Object> keys) throws SQLException {
        long rows = 0;
        try (Connection c = store.getConnection()) {
            Array array = keys(c, keys);
            for (DataMap.MappedTable table : queries.subjectTables()) {
                try (PreparedStatement s = c.prepareStatement(queries.count(table))) {
                    s.setArray(1, array);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        rows += rs.getLong(1);
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Searches every table of the subjects' store, mapped or not, for the identifiers (in clear)
     * and for the pseudonyms, after erasure; see {@link StoreSweep} for what is compared how.
     */
    public Scan scan(List<Object> keys, Map<String, List<String>> identifiers, List<String> pseudonyms) throws SQLException {
        List<String> emails = identifiers.getOrDefault("email", List.of()).stream().map(v -> v.toLowerCase(Locale.ROOT)).distinct().toList();
        List<String> whole = identifiers.values().stream().flatMap(List::stream).map(v -> v.toLowerCase(Locale.ROOT)).distinct().toList();
        List<String> hidden = pseudonyms.stream().map(v -> v.toLowerCase(Locale.ROOT)).distinct().toList();
        StoreSweep.Result result;
        try (Connection c = store.getConnection()) {
            result = new StoreSweep(map).sweep(c, emails, whole, hidden);
        }
        return new Scan(linkedRows(keys), result.inClear(), result.pseudonyms(), result.coverage());
    }

    private long applyTo(Connection c, DataMap.MappedTable table, Array keys, Pseudonymizer pseudonymizer) throws SQLException {
        if ("delete-row".equals(table.erasure().strategy())) {
            try (PreparedStatement s = c.prepareStatement(queries.delete(table))) {
                s.setArray(1, keys);
                return s.executeUpdate();
            }
        }
        List<SubjectQueries.ColumnWrite> writes = queries.columnWrites(table);
        if (writes.isEmpty()) {
            return count(c, queries.count(table), keys);
        }
        if (writes.stream().noneMatch(SubjectQueries.ColumnWrite::perRow)) {
            return update(c, queries.update(table, writes), keys);
        }
        return rewrite(c, table, keys, writes, pseudonymizer);
    }

    /** Row by row, because each value gets its own keyed pseudonym; batched, in the same transaction. */
    private long rewrite(Connection c, DataMap.MappedTable table, Array keys, List<SubjectQueries.ColumnWrite> writes,
                         Pseudonymizer pseudonymizer) throws SQLException {
        List<String> contexts = writes.stream().flatMap(w -> w.contexts().stream()).toList();
        long rows = 0;
        try (PreparedStatement read = c.prepareStatement(queries.lockedValues(table, writes));
             PreparedStatement write = c.prepareStatement(queries.updateAt(table, writes))) {
            read.setArray(1, keys);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    int p = 1;
                    write.setArray(p++, keys);
                    for (int i = 0; i < contexts.size(); i++) {
                        String value = rs.getString(3 + i);
                        write.setString(p++, value == null ? null : pseudonymizer.of(contexts.get(i), value));
                    }
                    write.setLong(p++, rs.getLong(1));
                    write.setString(p, rs.getString(2));
                    write.addBatch();
                    if (++rows % BATCH == 0) {
                        write.executeBatch();
                    }
                }
            }
            write.executeBatch();
        }
        return rows;
    }

    /** Every context a pseudonym is made in: a pseudonymized column, or column.path for a pseudonymized JSON key. */
    public List<String> pseudonymContexts() {
        return map.tables().stream().flatMap(t -> queries.columnWrites(t).stream()).flatMap(w -> w.contexts().stream()).distinct().toList();
    }

    /** Deepest link first, so nothing is left pointing at a deleted row; at equal depth, API keys first. */
    private List<DataMap.MappedTable> ordered() {
        String keyTable = map.subject().identifiers().stream().filter(i -> API_KEY_KIND.equals(i.kind()))
                .map(DataMap.Identifier::table).findFirst().orElse("");
        return queries.subjectTables().stream().sorted(Comparator.comparingInt((DataMap.MappedTable t) -> -queries.depth(t))
                .thenComparing(t -> !t.name().equals(keyTable))).toList();
    }

    private TableAction action(DataMap.MappedTable table, long rows) {
        Map<String, String> columns = new LinkedHashMap<>();
        table.columns().stream().filter(col -> col.erasure() != null).forEach(col -> columns.put(col.name(), col.erasure().strategy()));
        DataMap.Erasure erasure = table.erasure();
        return new TableAction(table.store(), table.name(), table.category(), erasure.strategy(), rows, columns, erasure.ground(),
                erasure.retainYears(), table.retention() == null ? null : table.retention().clockColumn());
    }

    private static long count(Connection c, String sql, Array keys) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, keys);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long update(Connection c, String sql, Array keys) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, keys);
            return s.executeUpdate();
        }
    }

    private Array keys(Connection c, List<Object> keys) throws SQLException {
        return c.createArrayOf(new SubjectRows(map, store).keyArrayType(c), keys.toArray());
    }
}
