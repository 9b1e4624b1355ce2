package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SQL that measures an affected set: the subjects of the subject store narrowed by tenant and
 * by key, and the rows of mapped tables that belong to them, inside a time window on each table's
 * own clock column. Built from the validated map; every value is a bind parameter, in this
 * order: tenants (text array) when filtered, subject keys (text array) when filtered, then the
 * window's start and end once per windowed table, then the keyset position for a page.
 */
public final class ScopeQueries {

    /** How a table takes part: its rows, narrowed to the window on its clock column or not. */
    public record Part(DataMap.MappedTable table, Optional<String> windowColumn) {
    }

    private final SubjectQueries subjects;
    private final DataMap map;

    public ScopeQueries(DataMap map) {
        this.map = map;
        this.subjects = new SubjectQueries(map);
    }

    /** The column that says when a row was made, if the table has one: its retention clock, unless that clock is an event (closure). */
    public static Optional<String> timeColumn(DataMap.MappedTable table) {
        return Optional.ofNullable(table.retention()).filter(r -> r.trigger() == null).map(DataMap.Retention::clockColumn);
    }

    /** How many of the table's rows belong to the scoped subjects (and fall in the window, when it applies). */
    public String records(Part part, boolean byTenant, boolean byKey) {
        return "SELECT count(*) FROM " + SubjectQueries.q(part.table().name()) + " t0 WHERE " + belongsToScoped(part.table(), byTenant, byKey)
                + window(part);
    }

    /** How many scoped subjects have at least one affected row in any part (a part that is the subject's own table counts them all). */
    public String subjectCount(List<Part> parts, boolean byTenant, boolean byKey) {
        return "SELECT count(*) FROM " + subjectTable() + " s WHERE " + affected(parts, byTenant, byKey);
    }

    /** The next page of affected subjects' keys (as text) and tenants, after a key (text order); the page size is the last parameter. */
    public String subjectPage(List<Part> parts, boolean byTenant, boolean byKey) {
        DataMap.Subject subject = map.subject();
        return "SELECT s." + SubjectQueries.q(subject.key()) + "::text, s." + SubjectQueries.q(subject.tenant()) + "::text FROM "
                + subjectTable() + " s WHERE " + affected(parts, byTenant, byKey) + " AND s." + SubjectQueries.q(subject.key())
                + "::text > ? ORDER BY s." + SubjectQueries.q(subject.key()) + "::text LIMIT ?";
    }

    /** How many window pairs {@link #subjectCount} and {@link #subjectPage} bind for these parts. */
    public int windowsIn(List<Part> parts) {
        if (parts.stream().anyMatch(p -> p.table().name().equals(map.subject().table()) && p.windowColumn().isEmpty())) {
            return 0;
        }
        return (int) parts.stream().filter(p -> p.windowColumn().isPresent()).count();
    }

    private String affected(List<Part> parts, boolean byTenant, boolean byKey) {
        String filter = subjectFilter(byTenant, byKey);
        if (parts.stream().anyMatch(p -> p.table().name().equals(map.subject().table()) && p.windowColumn().isEmpty())) {
            return filter;
        }
        String any = parts.stream().map(p -> "EXISTS (SELECT 1 FROM " + SubjectQueries.q(p.table().name()) + " t0 WHERE "
                + subjects.belongs(p.table(), "t0", SubjectQueries.Keys.correlated("s." + SubjectQueries.q(map.subject().key())), 1) + window(p) + ")")
                .collect(Collectors.joining(" OR "));
        return filter + " AND (" + (any.isEmpty() ? "false" : any) + ")";
    }

    private String belongsToScoped(DataMap.MappedTable table, boolean byTenant, boolean byKey) {
        return "EXISTS (SELECT 1 FROM " + subjectTable() + " s WHERE " + subjectFilter(byTenant, byKey) + " AND "
                + subjects.belongs(table, "t0", SubjectQueries.Keys.correlated("s." + SubjectQueries.q(map.subject().key())), 1) + ")";
    }

    private String subjectFilter(boolean byTenant, boolean byKey) {
        DataMap.Subject subject = map.subject();
        String tenant = byTenant ? "s." + SubjectQueries.q(subject.tenant()) + "::text = ANY(?)" : "true";
        String key = byKey ? "s." + SubjectQueries.q(subject.key()) + "::text = ANY(?)" : "true";
        return tenant + " AND " + key;
    }

    private static String window(Part part) {
        return part.windowColumn().map(c -> " AND t0." + SubjectQueries.q(c) + " >= ? AND t0." + SubjectQueries.q(c) + " < ?").orElse("");
    }

    private String subjectTable() {
        return SubjectQueries.q(map.subject().table());
    }
}
