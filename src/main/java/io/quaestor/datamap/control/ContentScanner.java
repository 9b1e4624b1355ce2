package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps the promise that prompts and completions are not stored unless the map says so: looks in
 * every table of a store for columns, and keys of JSON columns, that look like request or response
 * payloads but are not declared with category {@code content}. A column is judged by its name; a
 * JSON column also by the keys of a sample of its rows (the first rows read, at most
 * {@value #SAMPLE}) and by values shaped like chat messages (objects with a role and a content).
 * What it finds is advice for the map's author, never a refusal: the names are a guess.
 */
final class ContentScanner {

    static final int SAMPLE = 500;
    /** Names that end as a payload's do: {@code messages}, {@code system_prompt}, {@code response}, ... ({@code content_type} does not). */
    private static final Pattern PAYLOAD = Pattern.compile(
            "(?i)^(.*_)?(messages|prompts?|completions?|responses?|choices|contents?|request_body|response_body|proxy_server_request|payload)$");

    /** One finding: where, and why it looks like content. */
    record Finding(String table, String column, String why) {
        @Override
        public String toString() {
            return table + "." + column + " " + why + " but the map does not declare it category 'content'";
        }
    }

    private ContentScanner() {
    }

    static List<Finding> scan(DataMap map, String store, Connection c) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT k.relname, a.attname, format_type(a.atttypid, NULL)
                FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
                JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE n.nspname = current_schema() AND k.relkind IN ('r', 'p') AND NOT k.relispartition
                  AND format_type(a.atttypid, NULL) IN ('text', 'character varying', 'json', 'jsonb')
                ORDER BY k.relname, a.attnum"""); ResultSet rs = s.executeQuery()) {
            List<String[]> columns = new ArrayList<>();
            while (rs.next()) {
                columns.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
            }
            for (String[] column : columns) {
                if (declared(map, store, column[0], column[1])) {
                    continue;
                }
                if (PAYLOAD.matcher(column[1]).matches()) {
                    findings.add(new Finding(column[0], column[1], "is named like stored prompt or completion content"));
                } else if (column[2].startsWith("json")) {
                    findings.addAll(sampled(c, column[0], column[1]));
                }
            }
        }
        return findings;
    }

    private static boolean declared(DataMap map, String store, String table, String column) {
        return map.table(store, table).map(t -> "content".equals(t.category())
                || t.column(column).map(col -> "content".equals(col.category())).orElse(false)).orElse(false);
    }

    private static List<Finding> sampled(Connection c, String table, String column) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        String sample = "(SELECT " + SubjectQueries.q(column) + "::jsonb AS v FROM " + SubjectQueries.q(table) + " WHERE "
                + SubjectQueries.q(column) + " IS NOT NULL LIMIT " + SAMPLE + ") s";
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT k FROM " + sample
                + ", jsonb_object_keys(CASE WHEN jsonb_typeof(s.v) = 'object' THEN s.v END) k ORDER BY 1");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                if (PAYLOAD.matcher(rs.getString(1)).matches()) {
                    findings.add(new Finding(table, column + " -> " + rs.getString(1), "is a JSON key named like stored content"));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + sample
                + " WHERE jsonb_path_exists(s.v, 'strict $.** ? (exists(@.\"role\") && exists(@.\"content\"))')");
             ResultSet rs = s.executeQuery()) {
            if (rs.next() && rs.getLong(1) > 0) {
                findings.add(new Finding(table, column, "holds values shaped like chat messages (role and content) in "
                        + rs.getLong(1) + " of the rows sampled"));
            }
        }
        return findings;
    }
}
