package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Searches every text, uuid, JSON and array column of every table of a store, mapped or not, for
 * a subject's values after erasure: one pass over each table, all columns and values at once.
 * Email addresses are sought anywhere in a value (an address inside free text or a JSON document
 * counts); ids, hashes and key prefixes as whole values (a whole text, an array element, a JSON
 * string), since inside other text a short id would match by chance. Views are skipped (their
 * rows are their tables'), and so are partitions (their parent is searched).
 */
final class StoreSweep {

    /** A column the sweep reads, by how its values are compared. */
    private record Column(String name, Shape shape) {
    }

    private enum Shape {
        TEXT, UUID, ARRAY, JSON
    }

    /** What the sweep read of one table. */
    record Coverage(String table, boolean mapped, int columns, long rows) {
    }

    /** One condition of a table's pass, with the values it binds and whether it seeks pseudonyms. */
    private record Probe(String column, String sql, List<String> values, boolean pseudonyms) {
    }

    /** What was found, and what was read. */
    record Result(List<SubjectErasure.Finding> inClear, List<SubjectErasure.Finding> pseudonyms, List<Coverage> coverage) {
    }

    private static final Set<String> TEXT = Set.of("text", "character varying", "character");

    private final DataMap map;

    StoreSweep(DataMap map) {
        this.map = map;
    }

    /**
     * @param emails     lower-cased addresses, sought anywhere
     * @param wholeValues lower-cased ids, hashes and prefixes, sought as whole values
     * @param pseudonyms lower-cased pseudonyms, sought as whole values (expected only in rows kept by law)
     */
    Result sweep(Connection c, List<String> emails, List<String> wholeValues, List<String> pseudonyms) throws SQLException {
        List<SubjectErasure.Finding> inClear = new ArrayList<>();
        List<SubjectErasure.Finding> found = new ArrayList<>();
        List<Coverage> coverage = new ArrayList<>();
        for (Map.Entry<String, List<Column>> table : tables(c).entrySet()) {
            DataMap.MappedTable mapped = map.table(map.subject().store(), table.getKey()).orElse(null);
            boolean retained = mapped != null && mapped.erasure() != null && "retain".equals(mapped.erasure().strategy());
            List<Probe> probes = new ArrayList<>();
            List<String> selected = new ArrayList<>();
            for (int n = 0; n < table.getValue().size(); n++) {
                probes.addAll(probes(table.getValue().get(n), n, emails, wholeValues, pseudonyms));
                selected.add(selected(table.getValue().get(n), n));
            }
            List<String> prefilter = prefilter(emails, wholeValues, pseudonyms);
            long[] hits = counts(c, table.getKey(), selected, probes, prefilter);
            Map<String, Long> clearByColumn = new LinkedHashMap<>();
            for (int i = 0; i < probes.size(); i++) {
                if (hits[i] > 0 && probes.get(i).pseudonyms()) {
                    found.add(new SubjectErasure.Finding(table.getKey(), probes.get(i).column(), hits[i], retained, mapped != null));
                } else if (hits[i] > 0) {
                    clearByColumn.merge(probes.get(i).column(), hits[i], Math::max);
                }
            }
            clearByColumn.forEach((column, rows) -> inClear.add(new SubjectErasure.Finding(table.getKey(), column, rows, retained,
                    mapped != null)));
            coverage.add(new Coverage(table.getKey(), mapped != null, table.getValue().size(), hits[probes.size()]));
        }
        return new Result(inClear, found, coverage);
    }

    /**
     * The probes of one column, over the values the pass selects once per row ({@code cN}, lower-cased
     * text; {@code aN}, the array itself): whole values and addresses in one LIKE (a pattern without
     * a wildcard is equality), pseudonyms apart.
     */
    private static List<Probe> probes(Column column, int n, List<String> emails, List<String> wholeValues, List<String> pseudonyms) {
        String text = "s.c" + n;
        List<Probe> probes = new ArrayList<>();
        List<String> anywhere = emails.stream().map(v -> "%" + like(v) + "%").toList();
        switch (column.shape()) {
            case TEXT -> {
                add(probes, column, text + " LIKE ANY(?)", concat(wholeValues.stream().map(StoreSweep::like).toList(), anywhere), false);
                add(probes, column, text + " = ANY(?)", pseudonyms, true);
            }
            case UUID -> add(probes, column, text + " = ANY(?)", wholeValues, false);
            case ARRAY -> {
                String elements = "EXISTS (SELECT 1 FROM unnest(s.a" + n + ") e WHERE lower(e::text) = ANY(?))";
                add(probes, column, elements, wholeValues, false);
                add(probes, column, text + " LIKE ANY(?)", anywhere, false);
                add(probes, column, elements, pseudonyms, true);
            }
            case JSON -> {
                add(probes, column, text + " LIKE ANY(?)", concat(wholeValues.stream().map(v -> "%\"" + like(json(v)) + "\"%").toList(),
                        anywhere), false);
                add(probes, column, text + " LIKE ANY(?)", pseudonyms.stream().map(v -> "%\"" + like(v) + "\"%").toList(), true);
            }
        }
        return probes;
    }

    /** What the pass selects of column {@code n}, once, for a row the prefilter let through ({@code t0.pre}). */
    private static String selected(Column column, int n) {
        String c = "t0." + SubjectQueries.q(column.name());
        return switch (column.shape()) {
            case TEXT -> when("lower(" + c + ")") + " AS c" + n;
            case UUID -> when(c + "::text") + " AS c" + n;
            case ARRAY -> when(c) + " AS a" + n + ", " + when("lower(" + c + "::text)") + " AS c" + n;
            case JSON -> when("lower(" + c + "::text)") + " AS c" + n;
        };
    }

    private static String when(String expression) {
        return "CASE WHEN t0.pre THEN " + expression + " END";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void add(List<Probe> probes, Column column, String sql, List<String> values, boolean pseudonyms) {
        if (!values.isEmpty()) {
            probes.add(new Probe(column.name(), sql, values, pseudonyms));
        }
    }

    /** The tables of the store's schema (not views, not partitions) with the columns the sweep reads, in name order. */
    private static Map<String, List<Column>> tables(Connection c) throws SQLException {
        Map<String, List<Column>> tables = new java.util.TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT k.relname, a.attname, format_type(a.atttypid, NULL), t.typcategory
                FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
                JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped
                JOIN pg_type t ON t.oid = a.atttypid
                WHERE n.nspname = current_schema() AND k.relkind IN ('r', 'p') AND NOT k.relispartition
                ORDER BY k.relname, a.attnum"""); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                List<Column> columns = tables.computeIfAbsent(rs.getString(1), t -> new ArrayList<>());
                Shape shape = shape(rs.getString(3), rs.getString(4));
                if (shape != null) {
                    columns.add(new Column(rs.getString(2), shape));
                }
            }
        }
        return tables;
    }

    private static Shape shape(String type, String category) {
        if ("A".equals(category)) {
            return Shape.ARRAY;
        }
        if (type.equals("json") || type.equals("jsonb")) {
            return Shape.JSON;
        }
        if (type.equals("uuid")) {
            return Shape.UUID;
        }
        return "S".equals(category) || TEXT.contains(type) ? Shape.TEXT : null;
    }

    /**
     * Patterns any row that a probe could match must contain in its whole text ({@code t0::text},
     * lower-cased): every sought value, as a substring. Empty, so no prefilter, when a value holds
     * a quote or a backslash, which a row's text writes escaped.
     */
    private static List<String> prefilter(List<String> emails, List<String> wholeValues, List<String> pseudonyms) {
        List<String> values = new ArrayList<>(emails);
        values.addAll(wholeValues);
        values.addAll(pseudonyms);
        if (values.stream().anyMatch(v -> v.contains("\"") || v.contains("\\"))) {
            return List.of();
        }
        return values.stream().map(v -> "%" + like(v) + "%").distinct().toList();
    }

    /**
     * Each probe's count of matching rows, then the table's row count, in one pass. The row's
     * whole text is searched once for every sought value; only a row that holds one (rare after an
     * erasure) has its columns' texts made (once each: {@code OFFSET 0} keeps the planner from
     * folding the inner selects back into the probes) and probed.
     */
    private static long[] counts(Connection c, String table, List<String> selected, List<Probe> probes, List<String> prefilter)
            throws SQLException {
        String rows = prefilter.isEmpty() ? "SELECT t0.*, true AS pre FROM " + SubjectQueries.q(table) + " t0"
                : "SELECT t0.*, lower(t0::text) LIKE ANY(?) AS pre FROM " + SubjectQueries.q(table) + " t0";
        String columns = String.join(", ", selected);
        String sql = "SELECT " + probes.stream().map(p -> "count(*) FILTER (WHERE s.pre AND " + p.sql() + "), ").collect(Collectors.joining())
                + "count(*) FROM (SELECT t0.pre" + (columns.isEmpty() ? "" : ", " + columns) + " FROM (" + rows + " OFFSET 0) t0 OFFSET 0) s";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int p = 1;
            for (Probe probe : probes) {
                s.setArray(p++, c.createArrayOf("text", probe.values().toArray()));
            }
            if (!prefilter.isEmpty()) {
                s.setArray(p, c.createArrayOf("text", prefilter.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long[] counts = new long[probes.size() + 1];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = rs.getLong(i + 1);
                }
                return counts;
            }
        }
    }

    private static String like(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** A value as JSON writes it inside a string (lower-cased already). */
    private static String json(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").toLowerCase(Locale.ROOT);
    }
}
