package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SQL that finds a subject's rows, built from a validated map. Identifiers are quoted from
 * the map (which was checked against the live schema), never taken from input; every value is a
 * bind parameter. A row belongs to subjects whose keys are bound as one array: at the subject's
 * own table that is {@code key = ANY(?)}; one link further {@code column = ANY(?)} when the link
 * points at the subject's key, else {@code column IN (SELECT ...)} through each hop, so no row is
 * repeated however many hops the map declares.
 */
public final class SubjectQueries {

    private final DataMap map;

    public SubjectQueries(DataMap map) {
        this.map = map;
    }

    /** The subject's keys for an identifier of this kind; one parameter, the identifier's value. */
    public String resolve(String kind) {
        DataMap.Subject subject = map.subject();
        DataMap.Identifier identifier = subject.identifiers().stream().filter(i -> i.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the data map has no identifier of kind " + kind));
        String match = match(identifier, "i");
        if (identifier.table().equals(subject.table())) {
            return "SELECT i." + q(subject.key()) + " FROM " + q(subject.table()) + " i WHERE " + match;
        }
        DataMap.MappedTable table = mapped(identifier.table());
        return "SELECT s." + q(subject.key()) + " FROM " + q(subject.table()) + " s WHERE EXISTS (SELECT 1 FROM "
                + q(table.name()) + " i WHERE " + match + " AND " + belongs(table, "i", "s." + q(subject.key()), 1) + ")";
    }

    /** The exported columns of this table's rows that belong to the subjects bound as one array parameter. */
    public String rows(DataMap.MappedTable table) {
        String columns = table.columns().stream().filter(DataMap.MappedColumn::export)
                .map(c -> "t0." + q(c.name())).collect(Collectors.joining(", "));
        return "SELECT " + (columns.isEmpty() ? "1" : columns) + " FROM " + q(table.name()) + " t0 WHERE "
                + belongs(table, "t0", "ANY(?)", 1);
    }

    /** Each subject's key and tenant, for the subjects bound as one array parameter. */
    public String tenants() {
        DataMap.Subject subject = map.subject();
        return "SELECT " + q(subject.key()) + ", " + q(subject.tenant()) + " FROM " + q(subject.table()) + " WHERE "
                + q(subject.key()) + " = ANY(?)";
    }

    /** The subject's email (the column of the identifier of kind email), by subject key; one parameter. */
    public Optional<String> email() {
        DataMap.Subject subject = map.subject();
        return subject.identifiers().stream().filter(i -> i.kind().equals("email") && i.table().equals(subject.table()))
                .findFirst().map(i -> "SELECT " + q(i.column()) + " FROM " + q(subject.table()) + " WHERE " + q(subject.key()) + " = ?");
    }

    /** Sets the subject's restriction flag, by subject key; empty when the map names no flag. */
    public Optional<String> restrict() {
        DataMap.Subject subject = map.subject();
        return Optional.ofNullable(subject.restrictionFlag()).map(flag -> "UPDATE " + q(subject.table()) + " SET " + q(flag)
                + " = true WHERE " + q(subject.key()) + " = ?");
    }

    /** One column of the subject's own table, read and then replaced, by subject key (the caller checked the column is mapped). */
    public String readColumn(String column) {
        DataMap.Subject subject = map.subject();
        return "SELECT " + q(column) + "::text FROM " + q(subject.table()) + " WHERE " + q(subject.key()) + " = ? FOR UPDATE";
    }

    public String updateColumn(String column) {
        DataMap.Subject subject = map.subject();
        return "UPDATE " + q(subject.table()) + " SET " + q(column) + " = ? WHERE " + q(subject.key()) + " = ?";
    }

    /** As {@link #rows}, at most as many rows as a second parameter says (an operator's bounded look). */
    public String limitedRows(DataMap.MappedTable table) {
        return rows(table) + " LIMIT ?";
    }

    /** How many of this table's rows belong to the subjects bound as one array parameter. */
    public String count(DataMap.MappedTable table) {
        return "SELECT count(*) FROM " + q(table.name()) + " t0 WHERE " + belongs(table, "t0", "ANY(?)", 1);
    }

    /** How many of the subjects' rows in this table block erasure; a second parameter is the condition's value. */
    public String countBlocking(DataMap.MappedTable table) {
        return count(table) + " AND t0." + q(table.blocksErasure().column()) + "::text = ?";
    }

    /** Locks the subjects' own rows for the erasing transaction; one array parameter. */
    public String lockSubjects() {
        DataMap.Subject subject = map.subject();
        return "SELECT " + q(subject.key()) + " FROM " + q(subject.table()) + " WHERE " + q(subject.key()) + " = ANY(?) FOR UPDATE";
    }

    /** The values of one identifier among the subjects' rows, as text; one array parameter. */
    public String identifierValues(DataMap.Identifier identifier) {
        DataMap.MappedTable table = mapped(identifier.table());
        return "SELECT DISTINCT t0." + q(identifier.column()) + "::text FROM " + q(table.name()) + " t0 WHERE "
                + belongs(table, "t0", "ANY(?)", 1) + " AND t0." + q(identifier.column()) + " IS NOT NULL";
    }

    /** Deletes the subjects' rows of this table; one array parameter. */
    public String delete(DataMap.MappedTable table) {
        return "DELETE FROM " + q(table.name()) + " t0 WHERE " + belongs(table, "t0", "ANY(?)", 1);
    }

    /** Sets these columns of the subjects' rows to null; one array parameter. */
    public String nullify(DataMap.MappedTable table, List<String> columns) {
        return "UPDATE " + q(table.name()) + " t0 SET " + columns.stream().map(c -> q(c) + " = NULL").collect(Collectors.joining(", "))
                + " WHERE " + belongs(table, "t0", "ANY(?)", 1);
    }

    /**
     * The physical address and the values of these columns of the subjects' rows, locked; one array
     * parameter. With {@link #updateAt} each row is rewritten in the same transaction.
     */
    public String lockedValues(DataMap.MappedTable table, List<String> columns) {
        return "SELECT t0.tableoid::oid::bigint, t0.ctid::text, " + columns.stream().map(c -> "t0." + q(c) + "::text")
                .collect(Collectors.joining(", ")) + " FROM " + q(table.name()) + " t0 WHERE " + belongs(table, "t0", "ANY(?)", 1)
                + " FOR UPDATE";
    }

    /** Sets these columns (parameters in order) of one row, then tableoid and ctid. */
    public String updateAt(DataMap.MappedTable table, List<String> columns) {
        return "UPDATE " + q(table.name()) + " SET " + columns.stream().map(c -> q(c) + " = ?").collect(Collectors.joining(", "))
                + " WHERE tableoid = ?::bigint::oid AND ctid = ?::tid";
    }

    /** One condition of a scan: a column and whether a value is sought anywhere in it or as all of it. */
    public record Probe(String column, boolean anywhere) {
    }

    /**
     * For each probe, how many rows of the table match one of its values, in one pass over the
     * table: "anywhere" probes match a value inside the column's text, case-insensitively (an
     * address inside free text counts); others match it exactly. One text-array parameter per
     * probe, of lower-cased values (LIKE patterns for "anywhere").
     */
    public String scan(DataMap.MappedTable table, List<Probe> probes) {
        return "SELECT " + probes.stream().map(p -> "count(*) FILTER (WHERE lower(t0." + q(p.column()) + "::text) "
                + (p.anywhere() ? "LIKE" : "=") + " ANY(?))").collect(Collectors.joining(", ")) + " FROM " + q(table.name()) + " t0";
    }

    /** The depth of a table's link chain: 0 for the subject's own table. */
    public int depth(DataMap.MappedTable table) {
        int depth = 0;
        DataMap.MappedTable current = table;
        while (current.link() != null && !current.link().isSubjectRoot()) {
            current = mapped(current.link().referencedTable());
            depth++;
        }
        return depth;
    }

    /** The tables of the subjects' store whose rows can belong to a subject, in map order. */
    public List<DataMap.MappedTable> subjectTables() {
        return map.tables().stream().filter(t -> t.link() != null && t.store().equals(map.subject().store())).toList();
    }

    /** The type of the subject's key, for binding the array of keys. */
    public String subjectKey() {
        return map.subject().key();
    }

    String belongs(DataMap.MappedTable table, String alias, String subjectKeys, int depth) {
        DataMap.Subject subject = map.subject();
        DataMap.Link link = table.link();
        if (link.isSubjectRoot()) {
            return alias + "." + q(subject.key()) + " = " + subjectKeys;
        }
        DataMap.MappedTable target = mapped(link.referencedTable());
        boolean pointsAtKey = target.name().equals(subject.table()) && link.referencedColumn().equals(subject.key());
        if (pointsAtKey) {
            return alias + "." + q(link.column()) + " = " + subjectKeys;
        }
        String next = "t" + depth;
        return alias + "." + q(link.column()) + " IN (SELECT " + next + "." + q(link.referencedColumn()) + " FROM "
                + q(target.name()) + " " + next + " WHERE " + belongs(target, next, subjectKeys, depth + 1) + ")";
    }

    private String match(DataMap.Identifier identifier, String alias) {
        String column = alias + "." + q(identifier.column());
        return "case-insensitive".equals(identifier.match()) ? "lower(" + column + ") = lower(?)" : column + " = ?";
    }

    DataMap.MappedTable mapped(String name) {
        Optional<DataMap.MappedTable> table = map.table(map.subject().store(), name);
        return table.orElseThrow(() -> new IllegalStateException("validated map lacks table " + name));
    }

    /** Quotes an identifier that came from the validated map. */
    static String q(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
