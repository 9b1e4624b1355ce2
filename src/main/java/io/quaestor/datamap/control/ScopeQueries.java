package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import java.util.List;
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
 * array, named once as {@code scope_tenants}) when filtered, subject keys (text array) when
 * filtered, then the window's start and end once per windowed table, then the keyset position
 * for a page.
 */
public final class ScopeQueries {

    /** How a table takes part: its rows, narrowed to the window on its clock column or not. */
    public record Part(DataMap.MappedTable table, Optional<String> windowColumn) {
    }

    private static final String TENANTS = "ARRAY(SELECT unnest(t) FROM scope_tenants)";

    private final SubjectQueries subjects;
    private final DataMap map;

    public ScopeQueries(DataMap map) {
        this.map = map.forKind(map.subject().name());
        this.subjects = new SubjectQueries(map);
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
        return with(byTenant) + "SELECT count(*) FROM " + q(table.name()) + " t0 WHERE EXISTS (SELECT 1 FROM " + subjectTable()
                + " s WHERE " + subjectFilter(byTenant && !byRowTenant, byKey) + " AND " + belongs(table) + ")" + rowTenant + window(part);
    }

    /**
     * How many of the table's rows in scope belong to no subject any more (kept after erasure,
     * pseudonymized); empty where such rows cannot be placed in the scope: a scope of named
     * accounts, or a tenant scope over a table without its own tenant column. Binds as
     * {@link #records} with no subject keys.
     */
    public Optional<String> unidentifiable(Part part, boolean byTenant, boolean byKey) {
        DataMap.MappedTable table = part.table();
        if (byKey || (byTenant && !table.hasRowTenant()) || table.name().equals(map.subject().table())) {
            return Optional.empty();
        }
        String rowTenant = byTenant ? " AND " + rowInTenants(table) : "";
        return Optional.of(with(byTenant) + "SELECT count(*) FROM " + q(table.name()) + " t0 WHERE NOT EXISTS (SELECT 1 FROM "
                + subjectTable() + " s WHERE " + belongs(table) + ")" + rowTenant + window(part));
    }

    /** How many scoped subjects have at least one affected row in any part (a part that is the subject's own table counts them all). */
    public String subjectCount(List<Part> parts, boolean byTenant, boolean byKey) {
        return with(byTenant) + "SELECT count(*) FROM " + subjectTable() + " s WHERE " + affected(parts, byTenant, byKey);
    }

    /** The next page of affected subjects' keys (as text) and tenants, after a key (text order); the page size is the last parameter. */
    public String subjectPage(List<Part> parts, boolean byTenant, boolean byKey) {
        DataMap.Subject subject = map.subject();
        return with(byTenant) + "SELECT s." + q(subject.key()) + "::text, " + SubjectQueries.tenantOf(subject, "s.") + " FROM "
                + subjectTable() + " s WHERE " + affected(parts, byTenant, byKey) + " AND s." + q(subject.key())
                + "::text > ? ORDER BY s." + q(subject.key()) + "::text LIMIT ?";
    }

    /** How many window pairs {@link #subjectCount} and {@link #subjectPage} bind for these parts. */
    public int windowsIn(List<Part> parts) {
        if (parts.stream().anyMatch(this::wholeSubjectTable)) {
            return 0;
        }
        return (int) parts.stream().filter(p -> p.windowColumn().isPresent()).count();
    }

    private boolean wholeSubjectTable(Part part) {
        return part.table().name().equals(map.subject().table()) && part.windowColumn().isEmpty();
    }

    private String affected(List<Part> parts, boolean byTenant, boolean byKey) {
        if (parts.stream().anyMatch(this::wholeSubjectTable)) {
            return subjectFilter(byTenant, byKey);
        }
        String any = parts.stream().map(p -> {
            boolean byRowTenant = byTenant && p.table().hasRowTenant();
            String rows = "EXISTS (SELECT 1 FROM " + q(p.table().name()) + " t0 WHERE " + belongs(p.table())
                    + (byRowTenant ? " AND " + rowInTenants(p.table()) : "") + window(p) + ")";
            return byTenant && !byRowTenant ? "(" + inTenants() + " AND " + rows + ")" : rows;
        }).collect(Collectors.joining(" OR "));
        return subjectFilter(false, byKey) + " AND (" + (any.isEmpty() ? "false" : any) + ")";
    }

    /** Row {@code t0} names one of the scoped tenants in one of its tenant columns. */
    private static String rowInTenants(DataMap.MappedTable table) {
        List<String> any = table.tenants().stream().map(c -> "t0." + q(c) + "::text = ANY(" + TENANTS + ")").toList();
        return any.size() == 1 ? any.get(0) : "(" + String.join(" OR ", any) + ")";
    }

    private String belongs(DataMap.MappedTable table) {
        return subjects.belongs(table, "t0", SubjectQueries.Keys.correlated("s." + q(map.subject().key())), 1);
    }

    private String subjectFilter(boolean byTenant, boolean byKey) {
        String tenant = byTenant ? inTenants() : "true";
        String key = byKey ? "s." + q(map.subject().key()) + "::text = ANY(?)" : "true";
        return tenant + " AND " + key;
    }

    /** Subject {@code s} is in one of the scoped tenants: at home, or by a membership. */
    private String inTenants() {
        return subjects.inTenants("s", TENANTS, "(SELECT t FROM scope_tenants)");
    }

    private static String with(boolean byTenant) {
        return byTenant ? "WITH scope_tenants AS (SELECT ?::text[] AS t) " : "";
    }

    private static String window(Part part) {
        return part.windowColumn().map(c -> " AND t0." + q(c) + " >= ? AND t0." + q(c) + " < ?").orElse("");
    }

    private String subjectTable() {
        return q(map.subject().table());
    }

    private static String q(String identifier) {
        return SubjectQueries.q(identifier);
    }
}
