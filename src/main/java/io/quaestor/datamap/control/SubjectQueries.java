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

    /** The tables of the subjects' store whose rows can belong to a subject, in map order. */
    public List<DataMap.MappedTable> subjectTables() {
        return map.tables().stream().filter(t -> t.link() != null && t.store().equals(map.subject().store())).toList();
    }

    /** The type of the subject's key, for binding the array of keys. */
    public String subjectKey() {
        return map.subject().key();
    }

    private String belongs(DataMap.MappedTable table, String alias, String subjectKeys, int depth) {
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

    private DataMap.MappedTable mapped(String name) {
        Optional<DataMap.MappedTable> table = map.table(map.subject().store(), name);
        return table.orElseThrow(() -> new IllegalStateException("validated map lacks table " + name));
    }

    /** Quotes an identifier that came from the validated map. */
    static String q(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
