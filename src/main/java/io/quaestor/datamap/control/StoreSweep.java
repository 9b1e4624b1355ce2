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


    /** One condition of a table's pass, with the values it binds and whether it seeks pseudonyms. */
    private record Probe(String column, String sql, List<String> values, boolean pseudonyms) {
    }

    /** What was found, and what was read. */
    record Result(List<SubjectErasure.Finding> inClear, List<SubjectErasure.Finding> pseudonyms, List<SubjectErasure.Coverage> coverage) {
    }

    private static final Set<String> TEXT = Set.of("text", "character varying", "character");

    private final DataMap map;

    StoreSweep(DataMap map) {
        this.map = map.forKind(map.subject().name());
    }

    /**
     * @param emails     lower-cased addresses, sought anywhere
     * @param wholeValues lower-cased ids, hashes and prefixes, sought as whole values
     * @param pseudonyms lower-cased pseudonyms, sought as whole values (expected only in rows kept by law)
     */
    Result sweep(Connection c, List<String> emails, List<String> wholeValues, List<String> pseudonyms) throws SQLException {
        List<SubjectErasure.Finding> inClear = new ArrayList<>();
        List<SubjectErasure.Finding> found = new ArrayList<>();
        List<SubjectErasure.Coverage> coverage = new ArrayList<>();
        for (Map.Entry<String, List<Column>> table : tables(c).entrySet()) {
            DataMap.MappedTable mapped = map.table(map.subject().store(), table.getKey()).orElse(null);
            boolean retained = mapped != null && mapped.erasure() != null && "retain".equals(mapped.erasure().strategy());
            List<Probe> probes = new ArrayList<>();
            for (Column column : table.getValue()) {
                probes.addAll(probes(column, emails, wholeValues, pseudonyms));
            }
            List<String> prefilter = prefilter(emails, wholeValues, pseudonyms);
            long[] hits;
            try {
                hits = counts(c, table.getKey(), table.getValue(), probes, prefilter);
            } catch (SQLException e) {
                // A table the store's role may not read cannot be said to be free of the subject: the scan is not clean.
                coverage.add(new SubjectErasure.Coverage(table.getKey(), mapped != null, table.getValue().size(), 0,
                        io.quaestor.platform.persistence.StoreFailures.describe(e)));
                continue;
            }
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
            coverage.add(new SubjectErasure.Coverage(table.getKey(), mapped != null, table.getValue().size(), hits[probes.size()], null));
        }
        return new Result(inClear, found, coverage);
    }

    /** The probes of one column: whole values and addresses in one LIKE (a pattern without a wildcard is equality), pseudonyms apart. */
    private static List<Probe> probes(Column column, List<String> emails, List<String> wholeValues, List<String> pseudonyms) {
        String c = "t0." + SubjectQueries.q(column.name());
        String text = column.shape() == Shape.TEXT ? "lower(" + c + ")" : column.shape() == Shape.UUID ? c + "::text" : "lower(" + c + "::text)";
        List<Probe> probes = new ArrayList<>();
        List<String> anywhere = emails.stream().map(v -> "%" + like(v) + "%").toList();
        switch (column.shape()) {
            case TEXT -> {
                add(probes, column, text + " LIKE ANY(?)", concat(wholeValues.stream().map(StoreSweep::like).toList(), anywhere), false);
                add(probes, column, text + " = ANY(?)", pseudonyms, true);
            }
            case UUID -> add(probes, column, text + " = ANY(?)", wholeValues, false);
            case ARRAY -> {
                String elements = "EXISTS (SELECT 1 FROM unnest(" + c + ") e WHERE lower(e::text) = ANY(?))";
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
     * Patterns any row that a probe could match must contain in the text of its swept columns
     * (lower-cased, joined): every sought value, as a substring. Empty, so no prefilter, when a
     * value holds a quote or a backslash, which a JSON or array column's text writes escaped.
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
     * Each probe's count of matching rows, then the table's row count. A first pass counts the
     * rows whose swept columns' texts, joined, hold any sought value at all; only when some do
     * (rare after an erasure) does a second pass probe those rows column by column.
     */
    private static long[] counts(Connection c, String table, List<Column> swept, List<Probe> probes, List<String> prefilter)
            throws SQLException {
        long[] counts = new long[probes.size() + 1];
        String from = " FROM " + SubjectQueries.q(table) + " t0";
        String where = "";
        if (!prefilter.isEmpty() && !swept.isEmpty()) {
            String joined = "lower(concat_ws(chr(1), " + swept.stream().map(col -> "t0." + SubjectQueries.q(col.name()) + "::text")
                    .collect(Collectors.joining(", ")) + ")) LIKE ANY(?)";
            try (PreparedStatement s = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE " + joined + ")" + from)) {
                s.setArray(1, c.createArrayOf("text", prefilter.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    counts[probes.size()] = rs.getLong(1);
                    if (rs.getLong(2) == 0 || probes.isEmpty()) {
                        return counts;
                    }
                }
            }
            where = " WHERE " + joined;
        }
        String sql = "SELECT " + probes.stream().map(p -> "count(*) FILTER (WHERE " + p.sql() + "), ").collect(Collectors.joining())
                + "count(*)" + from + where;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int p = 1;
            for (Probe probe : probes) {
                s.setArray(p++, c.createArrayOf("text", probe.values().toArray()));
            }
            if (!where.isEmpty()) {
                s.setArray(p, c.createArrayOf("text", prefilter.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                for (int i = 0; i < probes.size(); i++) {
                    counts[i] = rs.getLong(i + 1);
                }
                if (where.isEmpty()) {
                    counts[probes.size()] = rs.getLong(probes.size() + 1);
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
