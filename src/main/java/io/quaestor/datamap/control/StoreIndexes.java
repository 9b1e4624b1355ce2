package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The indexes of a store's schema, enough to tell whether a link or clock column can be looked
 * up without reading the whole table: a B-tree leading with the column, a GIN index on an array
 * column, or an expression index over the JSON key a link reads.
 */
final class StoreIndexes {

    /** One index: its table, the name of its first column (null for an expression), its method and definition. */
    private record Index(String table, String firstColumn, String method, String definition) {
    }

    private final Map<String, List<Index>> byTable;

    private StoreIndexes(Map<String, List<Index>> byTable) {
        this.byTable = byTable;
    }

    /** No index known: every link is treated as one a lookup must scan for. */
    public static final StoreIndexes NONE = new StoreIndexes(Map.of());

    /** What the store has, in the connection's schema; {@link #NONE} when it is not known. */
    public static StoreIndexes load(Connection c) throws SQLException {
        Map<String, List<Index>> byTable = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT t.relname, a.attname, am.amname, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_am am ON am.oid = ic.relam
                LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] AND i.indkey[0] <> 0
                WHERE n.nspname = current_schema() AND i.indisvalid AND i.indpred IS NULL"""); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                byTable.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new Index(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return new StoreIndexes(byTable);
    }

    /** Whether an index leads with this plain column. */
    boolean leads(String table, String column) {
        return byTable.getOrDefault(table, List.of()).stream().anyMatch(i -> column.equals(i.firstColumn()) && !"gin".equals(i.method()));
    }

    boolean serves(String table, DataMap.Link link) {
        List<Index> indexes = byTable.getOrDefault(table, List.of());
        if (link.array()) {
            return indexes.stream().anyMatch(i -> link.column().equals(i.firstColumn()) && "gin".equals(i.method()));
        }
        if (link.path() == null) {
            return leads(table, link.column());
        }
        if (!link.path().scalar()) {
            return true; // an element inside a JSON array has no plain index; such tables (teams, memberships) are small
        }
        String key = "'" + link.path().lastKey() + "'";
        return indexes.stream().anyMatch(i -> i.firstColumn() == null && i.definition().contains(key)
                && i.definition().contains(link.column()));
    }

    /** The statement that would serve the link or column. */
    static String advice(String table, DataMap.Link link) {
        String on = "CREATE INDEX ON " + SubjectQueries.q(table);
        if (link.array()) {
            return on + " USING gin (" + SubjectQueries.q(link.column()) + ")";
        }
        if (link.path() != null) {
            return on + " ((" + link.path().textOf(SubjectQueries.q(link.column())) + "))";
        }
        return on + " (" + SubjectQueries.q(link.column()) + ")";
    }
}
