package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SQL that measures an affected set: the subjects of the subject store narrowed by tenant and
 * by key, and the rows of mapped tables that belong to them, inside a time window on each table's
 * own clock column. A subject is in a tenant by its home tenant column or by any membership the
 * map declares (a membership table, an array of tenant ids). A table that names its rows' own
 * tenant column is narrowed by that column instead, so its rows count whoever they belong to,
 * including rows kept after erasure whose subject is no longer identifiable (counted apart).
 * Built from the validated map; every value is a bind parameter, in this order: tenants (text
 * array, named once as {@code scope_tenants}) when filtered, subject keys (text array, named once
 * as {@code scope_accounts}) when filtered, then the window's start and end (named once as
 * {@code scope_window}) when {@link #windowsIn} or the part says so, then the keyset position for
 * a page.
 * <p>
 * A row belongs to the scope when any link matches. Counting rows, each link is compared with
 * the scoped subjects' keys as one uncorrelated set, which PostgreSQL hashes once. Counting
 * subjects, an indexed link is probed per subject; an unindexed one is answered by the keys the
 * scoped rows point to, the rows read once. One subquery ORing every link, correlated to the
 * other side, can only run row by row (13.5 s for a LiteLLM team of 2,000 rows, 2.0 s now).
 */
public final class ScopeQueries {

    /** How a table takes part: its rows, narrowed to the window on its clock column or not. */
    public record Part(DataMap.MappedTable table, Optional<String> windowColumn) {
    }

    private static final String TENANTS = "ARRAY(SELECT unnest(t) FROM scope_tenants)";
    private static final String ACCOUNTS = "ARRAY(SELECT unnest(a) FROM scope_accounts)";
    /**
     * The scoped tenants that are uuids in their canonical text form, as uuids: exactly the values
     * a {@code column::text} comparison could match (so the answer is the same, and no value fails
     * the cast), in the column's own type, so that an index on the column serves the scope.
     */
    private static final String TENANTS_AS_UUIDS = "ARRAY(SELECT x::uuid FROM scope_tenants, unnest(t) AS x "
            + "WHERE x ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')";

    private final SubjectQueries subjects;
    private final DataMap map;
    private final StoreIndexes indexes;
    private final Set<String> uuidColumns;

    /** Without knowing the store's indexes: every link is read as a set (right for unindexed stores, slower for indexed ones). */
    public ScopeQueries(DataMap map) {
        this(map, StoreIndexes.NONE, Set.of());
    }

    /**
     * With the store's indexes, which decide per link whether subjects are probed or the scoped rows
     * read once, and its uuid columns ({@code table.column}), whose tenants are compared as uuids.
     */
    public ScopeQueries(DataMap map, StoreIndexes indexes, Set<String> uuidColumns) {
        this.map = map.forKind(map.subject().name());
        this.subjects = new SubjectQueries(map);
        this.indexes = indexes;
        this.uuidColumns = Set.copyOf(uuidColumns);
    }

    /** For the store behind this connection (its indexes and column types read from the catalog in the connection's schema). */
    public static ScopeQueries forStore(DataMap map, java.sql.Connection c) throws java.sql.SQLException {
        return new ScopeQueries(map, StoreIndexes.load(c), uuidColumns(c));
    }

    /** The uuid columns of the tables in the connection's schema, as {@code table.column}. */
    static Set<String> uuidColumns(java.sql.Connection c) throws java.sql.SQLException {
        Set<String> columns = new java.util.HashSet<>();
        try (java.sql.PreparedStatement s = c.prepareStatement("""
                SELECT t.relname, a.attname FROM pg_attribute a
                JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.atttypid = 'uuid'::regtype"""); java.sql.ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                columns.add(rs.getString(1) + "." + rs.getString(2));
            }
        }
        return columns;
    }

    /** The column that says when a row was made, if the table has one: its retention clock, unless that clock is an event (closure). */
    public static Optional<String> timeColumn(DataMap.MappedTable table) {
        return Optional.ofNullable(table.retention()).filter(r -> r.trigger() == null).map(DataMap.Retention::clockColumn);
    }

    /** How many of the table's rows belong to scoped subjects (and fall in the window, when it applies). */
    public String records(Part part, boolean byTenant, boolean byKey) {
        DataMap.MappedTable table = part.table();
        boolean byRowTenant = byTenant && table.hasRowTenant();
        String rowTenant = byRowTenant ? " AND " + rowInTenants(table) : "";
        SubjectQueries.Keys scoped = SubjectQueries.Keys.ofSubjectsWhere(map.subject(), subjectFilter(byTenant && !byRowTenant, byKey));
        return with(byTenant, byKey, part.windowColumn().isPresent()) + "SELECT count(*) FROM " + q(table.name()) + " t0 WHERE "
                + subjects.belongs(table, "t0", scoped, 1) + rowTenant + window(part);
    }

    /**
     * The table's rows in scope that belong to a subject, and those that belong to no subject any
     * more (kept after erasure, pseudonymized), counted in one pass: two columns. Empty where such
     * rows cannot be placed in the scope (a scope of named accounts, or a tenant scope over a table
     * without its own tenant column); there {@link #records} alone counts. Where it applies the
     * subjects are not narrowed (the row's own tenant column narrows it), so the first column is
     * what {@link #records} counts. Binds as {@link #records} with no subject keys.
     */
    public Optional<String> recordsAndUnidentifiable(Part part, boolean byTenant, boolean byKey) {
        DataMap.MappedTable table = part.table();
        if (byKey || (byTenant && !table.hasRowTenant()) || table.name().equals(map.subject().table())) {
            return Optional.empty();
        }
        String rowTenant = byTenant ? " AND " + rowInTenants(table) : "";
        String belongs = "(" + subjects.belongs(table, "t0", SubjectQueries.Keys.ofSubjectsWhere(map.subject(), "true"), 1) + ")";
        return Optional.of(with(byTenant, false, part.windowColumn().isPresent()) + "SELECT count(*) FILTER (WHERE " + belongs
                + "), count(*) FILTER (WHERE " + belongs + " IS NOT TRUE) FROM " + q(table.name()) + " t0 WHERE true" + rowTenant
                + window(part));
    }

    /** How many scoped subjects have at least one affected row in any part (a part that is the subject's own table counts them all). */
    public String subjectCount(List<Part> parts, boolean byTenant, boolean byKey) {
        return with(byTenant, byKey, windowsIn(parts) > 0, scopedRows(parts, byTenant)) + "SELECT count(*) FROM " + subjectTable()
                + " s WHERE " + affected(parts, byTenant, byKey);
    }

    /** The next page of affected subjects' keys (as text) and tenants, after a key (text order); the page size is the last parameter. */
    public String subjectPage(List<Part> parts, boolean byTenant, boolean byKey) {
        DataMap.Subject subject = map.subject();
        return with(byTenant, byKey, windowsIn(parts) > 0, scopedRows(parts, byTenant)) + "SELECT s." + q(subject.key()) + "::text, "
                + SubjectQueries.tenantOf(subject, "s.") + " FROM " + subjectTable() + " s WHERE " + affected(parts, byTenant, byKey) + " AND s." + q(subject.key())
                + "::text > ? ORDER BY s." + q(subject.key()) + "::text LIMIT ?";
    }

    /** How many window pairs {@link #subjectCount} and {@link #subjectPage} bind for these parts: one if any part is windowed. */
    public int windowsIn(List<Part> parts) {
        if (parts.stream().anyMatch(this::wholeSubjectTable)) {
            return 0;
        }
        return parts.stream().anyMatch(p -> p.windowColumn().isPresent()) ? 1 : 0;
    }

    private boolean wholeSubjectTable(Part part) {
        return part.table().name().equals(map.subject().table()) && part.windowColumn().isEmpty();
    }

    private String affected(List<Part> parts, boolean byTenant, boolean byKey) {
        if (parts.stream().anyMatch(this::wholeSubjectTable)) {
            return subjectFilter(byTenant, byKey);
        }
        List<String> any = new java.util.ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            boolean byRowTenant = byTenant && p.table().hasRowTenant();
            String where = (byRowTenant ? " AND " + rowInTenants(p.table()) : "") + window(p);
            List<String> rows = new java.util.ArrayList<>();
            for (DataMap.Link link : subjects.linksOf(p.table())) {
                if (probes(p.table(), link)) {
                    rows.add("EXISTS (SELECT 1 FROM " + q(p.table().name()) + " t0 WHERE " + subjects.linkMatches(link, "t0",
                            SubjectQueries.Keys.correlated("s." + q(map.subject().key())), 1) + where + ")");
                } else {
                    rows.add("s." + q(map.subject().key()) + "::text IN (" + subjects.keysReachedBy(link, "scope_part_" + i, "true") + ")");
                }
            }
            String part = String.join(" OR ", rows);
            any.add(byTenant && !byRowTenant ? "(" + inTenants() + " AND (" + part + "))" : "(" + part + ")");
        }
        return subjectFilter(false, byKey) + " AND (" + (any.isEmpty() ? "false" : String.join(" OR ", any)) + ")";
    }

    /**
     * Whether subjects are best found in this link by probing it per subject: an index serves it
     * (or it is the subject's own key). Else the scoped rows are read once and the keys they point
     * to hashed, which is what an unindexed column (LiteLLM's SpendLogs.user) needs.
     */
    private boolean probes(DataMap.MappedTable table, DataMap.Link link) {
        return link.isSubjectRoot() || indexes.serves(table.name(), link);
    }

    /**
     * Each part's scoped rows (their link columns only), read once into {@code scope_part_N} and
     * shared by every link of the part that is not probed by index: a table without an index on
     * its links is scanned once, not once per link or per subject.
     */
    private List<String> scopedRows(List<Part> parts, boolean byTenant) {
        if (parts.stream().anyMatch(this::wholeSubjectTable)) {
            return List.of();
        }
        List<String> ctes = new java.util.ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            if (subjects.linksOf(p.table()).stream().allMatch(link -> probes(p.table(), link))) {
                continue;
            }
            boolean byRowTenant = byTenant && p.table().hasRowTenant();
            String columns = subjects.linkColumns(p.table()).stream().map(c -> "t0." + q(c)).collect(Collectors.joining(", "));
            ctes.add("scope_part_" + i + " AS MATERIALIZED (SELECT " + columns + " FROM " + q(p.table().name()) + " t0 WHERE true"
                    + (byRowTenant ? " AND " + rowInTenants(p.table()) : "") + window(p) + ")");
        }
        return ctes;
    }

    /** Row {@code t0} names one of the scoped tenants in one of its tenant columns. */
    private String rowInTenants(DataMap.MappedTable table) {
        List<String> any = table.tenants().stream().map(c -> uuidColumns.contains(table.name() + "." + c)
                ? "t0." + q(c) + " = ANY(" + TENANTS_AS_UUIDS + ")"
                : "t0." + q(c) + "::text = ANY(" + TENANTS + ")").toList();
        return any.size() == 1 ? any.get(0) : "(" + String.join(" OR ", any) + ")";
    }

    private String subjectFilter(boolean byTenant, boolean byKey) {
        String tenant = byTenant ? inTenants() : "true";
        String key = byKey ? "s." + q(map.subject().key()) + "::text = ANY(" + ACCOUNTS + ")" : "true";
        return tenant + " AND " + key;
    }

    /** Subject {@code s} is in one of the scoped tenants: at home, or by a membership. */
    private String inTenants() {
        return subjects.inTenants("s", TENANTS, "(SELECT t FROM scope_tenants)");
    }

    private static String with(boolean byTenant, boolean byKey, boolean windowed) {
        return with(byTenant, byKey, windowed, List.of());
    }

    /** The parameters' CTEs, in binding order, then {@code more} (which bind nothing). */
    private static String with(boolean byTenant, boolean byKey, boolean windowed, List<String> more) {
        List<String> ctes = new java.util.ArrayList<>();
        if (byTenant) {
            ctes.add("scope_tenants AS (SELECT ?::text[] AS t)");
        }
        if (byKey) {
            ctes.add("scope_accounts AS (SELECT ?::text[] AS a)");
        }
        if (windowed) {
            ctes.add("scope_window AS (SELECT ?::timestamptz AS f, ?::timestamptz AS u)");
        }
        ctes.addAll(more);
        return ctes.isEmpty() ? "" : "WITH " + String.join(", ", ctes) + " ";
    }

    private static String window(Part part) {
        return part.windowColumn().map(c -> " AND t0." + q(c) + " >= (SELECT f FROM scope_window) AND t0." + q(c)
                + " < (SELECT u FROM scope_window)").orElse("");
    }

    private String subjectTable() {
        return q(map.subject().table());
    }

    private static String q(String identifier) {
        return SubjectQueries.q(identifier);
    }
}
