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
import java.util.HashMap;
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

    /** A table and column where a searched value was found. */
    public record Finding(String table, String column, long rows, boolean retained) {
    }

    /**
     * The verification scan: rows still linked to the subjects, identifiers found in clear, and the
     * subject's pseudonyms found (expected only in retained rows).
     */
    public record Scan(long linkedRows, List<Finding> identifiersInClear, List<Finding> pseudonyms) {
        public boolean clean() {
            return linkedRows == 0 && identifiersInClear.isEmpty() && pseudonyms.stream().allMatch(Finding::retained);
        }
    }

    private static final String API_KEY_KIND = "api-key-prefix";
    private static final String TENANT_KIND = "organization";
    private static final int BATCH = 1_000;
    private static final java.util.Set<String> TEXT = java.util.Set.of("text", "character varying", "character");

    private final DataMap map;
    private final SubjectQueries queries;
    private final DataSource store;

    public SubjectErasure(DataMap map, DataSource store) {
        this.map = map;
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
     * Searches every mapped table of the subjects' store for the identifiers (in clear, anywhere in
     * a mapped text column) and for the pseudonyms (exactly), after erasure.
     */
    public Scan scan(List<Object> keys, Map<String, List<String>> identifiers, List<String> pseudonyms) throws SQLException {
        List<String> clear = identifiers.values().stream().flatMap(List::stream).map(v -> v.toLowerCase(Locale.ROOT)).distinct().toList();
        // Addresses are sought inside free text too; short or opaque ids (key prefixes, account ids) only as whole values,
        // since inside other text they would match by chance.
        List<String> patterns = identifiers.getOrDefault("email", List.of()).stream().map(v -> v.toLowerCase(Locale.ROOT))
                .map(v -> "%" + v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%").toList();
        List<String> hidden = pseudonyms.stream().map(v -> v.toLowerCase(Locale.ROOT)).distinct().toList();
        List<Finding> inClear = new ArrayList<>();
        List<Finding> found = new ArrayList<>();
        try (Connection c = store.getConnection()) {
            Map<String, Map<String, String>> types = columnTypes(c);
            for (DataMap.MappedTable table : map.tables()) {
                if (!table.store().equals(map.subject().store())) {
                    continue;
                }
                boolean retained = table.erasure() != null && "retain".equals(table.erasure().strategy());
                List<SubjectQueries.Probe> probes = new ArrayList<>();
                List<List<String>> values = new ArrayList<>();
                List<Boolean> seekingPseudonyms = new ArrayList<>();
                for (String column : searchable(table)) {
                    String type = types.getOrDefault(table.name(), Map.of()).get(column);
                    boolean text = type != null && TEXT.contains(type);
                    if (text || "uuid".equals(type)) {
                        probes.add(new SubjectQueries.Probe(column, false));
                        values.add(clear);
                        seekingPseudonyms.add(false);
                    }
                    if (text && !patterns.isEmpty()) {
                        probes.add(new SubjectQueries.Probe(column, true));
                        values.add(patterns);
                        seekingPseudonyms.add(false);
                    }
                    if (text && !hidden.isEmpty()) {
                        probes.add(new SubjectQueries.Probe(column, false));
                        values.add(hidden);
                        seekingPseudonyms.add(true);
                    }
                }
                if (probes.isEmpty()) {
                    continue;
                }
                long[] hits = counts(c, queries.scan(table, probes), values);
                Map<String, Long> clearByColumn = new LinkedHashMap<>();
                for (int i = 0; i < probes.size(); i++) {
                    if (hits[i] > 0 && seekingPseudonyms.get(i)) {
                        found.add(new Finding(table.name(), probes.get(i).column(), hits[i], retained));
                    } else if (hits[i] > 0) {
                        clearByColumn.merge(probes.get(i).column(), hits[i], Math::max);
                    }
                }
                clearByColumn.forEach((column, rows) -> inClear.add(new Finding(table.name(), column, rows, retained)));
            }
        }
        return new Scan(linkedRows(keys), inClear, found);
    }

    private long applyTo(Connection c, DataMap.MappedTable table, Array keys, Pseudonymizer pseudonymizer) throws SQLException {
        if ("delete-row".equals(table.erasure().strategy())) {
            try (PreparedStatement s = c.prepareStatement(queries.delete(table))) {
                s.setArray(1, keys);
                return s.executeUpdate();
            }
        }
        List<String> nulled = columnsWith(table, "set-null");
        List<String> pseudonymized = columnsWith(table, "pseudonymize");
        if (pseudonymized.isEmpty()) {
            return nulled.isEmpty() ? count(c, queries.count(table), keys) : update(c, queries.nullify(table, nulled), keys);
        }
        return rewrite(c, table, keys, nulled, pseudonymized, pseudonymizer);
    }

    /** Row by row, because each value gets its own keyed pseudonym; batched, in the same transaction. */
    private long rewrite(Connection c, DataMap.MappedTable table, Array keys, List<String> nulled, List<String> pseudonymized,
                         Pseudonymizer pseudonymizer) throws SQLException {
        List<String> columns = new ArrayList<>(pseudonymized);
        columns.addAll(nulled);
        long rows = 0;
        try (PreparedStatement read = c.prepareStatement(queries.lockedValues(table, pseudonymized));
             PreparedStatement write = c.prepareStatement(queries.updateAt(table, columns))) {
            read.setArray(1, keys);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    int p = 1;
                    for (int i = 0; i < pseudonymized.size(); i++) {
                        String value = rs.getString(3 + i);
                        write.setString(p++, value == null ? null : pseudonymizer.of(pseudonymized.get(i), value));
                    }
                    for (int i = 0; i < nulled.size(); i++) {
                        write.setNull(p++, java.sql.Types.NULL);
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

    private static List<String> columnsWith(DataMap.MappedTable table, String strategy) {
        return table.columns().stream().filter(c -> c.erasure() != null && strategy.equals(c.erasure().strategy()))
                .map(DataMap.MappedColumn::name).toList();
    }

    /** The columns where a subject's identifiers could be: mapped ones, the link, and identifier columns. */
    private List<String> searchable(DataMap.MappedTable table) {
        List<String> columns = new ArrayList<>();
        table.columns().forEach(c -> columns.add(c.name()));
        if (table.link() != null && !columns.contains(table.link().column())) {
            columns.add(table.link().column());
        }
        map.subject().identifiers().stream().filter(i -> i.table().equals(table.name()) && !TENANT_KIND.equals(i.kind()))
                .map(DataMap.Identifier::column).filter(col -> !columns.contains(col)).forEach(columns::add);
        return columns;
    }

    private Map<String, Map<String, String>> columnTypes(Connection c) throws SQLException {
        Map<String, Map<String, String>> types = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT table_name, column_name, data_type FROM information_schema.columns "
                + "WHERE table_schema = current_schema()"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                types.computeIfAbsent(rs.getString(1), t -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
            }
        }
        return types;
    }

    private static long[] counts(Connection c, String sql, List<List<String>> values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                s.setArray(i + 1, c.createArrayOf("text", values.get(i).toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long[] counts = new long[values.size()];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = rs.getLong(i + 1);
                }
                return counts;
            }
        }
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
