package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.JsonPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SQL that finds a subject's rows, built from a validated map. Identifiers are quoted from
 * the map (which was checked against the live schema), never taken from input; every value is a
 * bind parameter. Statements about "the subjects" take their keys as the first parameter, one
 * array, named once in a {@code WITH subject_keys} clause however many links refer to it. A row
 * belongs to the subjects when any of its table's links matches: a plain column equal to a key
 * (or, one hop further, {@code IN (SELECT ...)} through each table of the chain, so no row is
 * repeated), an array column holding a key, or a JSON path whose value, or any value under
 * {@code [*]}, is a key written as text.
 */
public final class SubjectQueries {

    /** The clause that names the statement's first parameter, the subjects' keys as one array, {@code subject_keys.k}. */
    public static final String WITH_KEYS = "WITH subject_keys AS (SELECT ? AS k) ";

    /** Where a link's value is looked for: among the subjects' keys, or among the values of a referenced column. */
    interface Target {
        /** {@code value} (of the key's type) is one of them. */
        String equal(String value);

        /** {@code value} (text) is one of them, written as text. */
        String equalText(String value);

        /** The array {@code values} (of the key's element type) holds one of them. */
        String overlaps(String values);
    }

    /**
     * The subjects' keys: the statement's parameter (through {@link #WITH_KEYS}), a correlated key
     * column, or the keys of the subjects a condition selects (each link then compares against one
     * uncorrelated set, which PostgreSQL hashes once instead of probing per row).
     */
    public static final class Keys implements Target {
        private final String column;
        /** {@code SELECT s.key} and {@code FROM ... WHERE ...}, when the keys are those of selected subjects. */
        private final String selectKey;
        private final String fromWhere;

        private Keys(String column, String selectKey, String fromWhere) {
            this.column = column;
            this.selectKey = selectKey;
            this.fromWhere = fromWhere;
        }

        public static Keys parameter() {
            return new Keys(null, null, null);
        }

        /** The keys are the values of this column of an outer query, row by row (for example {@code s."id"}). */
        public static Keys correlated(String column) {
            return new Keys(column, null, null);
        }

        /** The keys of the subjects (alias {@code s}) for which {@code condition} holds; it may name CTEs but bind nothing. */
        static Keys ofSubjectsWhere(DataMap.Subject subject, String condition) {
            return new Keys(null, "SELECT s." + q(subject.key()), " FROM " + q(subject.table()) + " s WHERE " + condition);
        }

        private String select(String cast) {
            return "(" + selectKey + cast + fromWhere + ")";
        }

        @Override
        public String equal(String value) {
            if (selectKey != null) {
                return value + " IN " + select("");
            }
            return column == null ? value + " = ANY(ARRAY(SELECT unnest(k) FROM subject_keys))" : value + " = " + column;
        }

        @Override
        public String equalText(String value) {
            if (selectKey != null) {
                return value + " IN " + select("::text");
            }
            return column == null ? value + " = ANY(ARRAY(SELECT unnest(k)::text FROM subject_keys))" : value + " = " + column + "::text";
        }

        @Override
        public String overlaps(String values) {
            if (selectKey != null) {
                return values + " && ARRAY" + select("");
            }
            return column == null ? values + " && (SELECT k FROM subject_keys)" : column + " = ANY(" + values + ")";
        }
    }

    /** The values of {@code column} over the rows of a mapped table that belong to the subjects. */
    private record Referenced(String column, String from) implements Target {
        @Override
        public String equal(String value) {
            return value + " IN (SELECT " + column + " FROM " + from + ")";
        }

        @Override
        public String equalText(String value) {
            return value + " IN (SELECT " + column + "::text FROM " + from + ")";
        }

        @Override
        public String overlaps(String values) {
            return values + " && ARRAY(SELECT " + column + " FROM " + from + ")";
        }
    }

    private final DataMap map;

    /** Over the map seen as its first kind of subject ({@link DataMap#forKind}): a map of one kind is used as it is. */
    public SubjectQueries(DataMap map) {
        this.map = map.forKind(map.subject().name());
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
                + q(table.name()) + " i WHERE " + match + " AND " + belongs(table, "i", Keys.correlated("s." + q(subject.key())), 1) + ")";
    }

    /** The exported columns of this table's rows that belong to the subjects bound as one array parameter. */
    public String rows(DataMap.MappedTable table) {
        String columns = table.columns().stream().filter(DataMap.MappedColumn::export)
                .map(c -> "t0." + q(c.name())).collect(Collectors.joining(", "));
        return WITH_KEYS + "SELECT " + (columns.isEmpty() ? "1" : columns) + " FROM " + q(table.name()) + " t0 WHERE "
                + belongs(table, "t0", Keys.parameter(), 1);
    }

    /** Each subject's key and tenant, for the subjects bound as one array parameter. */
    public String tenants() {
        DataMap.Subject subject = map.subject();
        return "SELECT " + q(subject.key()) + ", " + tenantOf(subject, "") + " FROM " + q(subject.table()) + " WHERE "
                + q(subject.key()) + " = ANY(?)";
    }

    /**
     * The condition that subject {@code alias} is in one of some tenants: its home tenant column,
     * or any membership. {@code tenants} is a text-array expression usable in {@code = ANY()},
     * {@code tenantArray} the same as a plain array value (for {@code &&}).
     */
    public String inTenants(String alias, String tenants, String tenantArray) {
        DataMap.Subject subject = map.subject();
        List<String> any = new ArrayList<>();
        if (subject.tenant() != null) {
            any.add(alias + "." + q(subject.tenant()) + "::text = ANY(" + tenants + ")");
        }
        for (DataMap.Membership m : subject.memberships()) {
            any.add(m.isArray() ? alias + "." + q(m.tenantColumn()) + "::text[] && " + tenantArray
                    : "EXISTS (SELECT 1 FROM " + q(m.table()) + " m WHERE m." + q(m.subjectColumn()) + " = " + alias + "." + q(subject.key())
                    + " AND m." + q(m.tenantColumn()) + "::text = ANY(" + tenants + "))");
        }
        return any.isEmpty() ? "false" : any.size() == 1 ? any.get(0) : "(" + String.join(" OR ", any) + ")";
    }

    /** The tenant column of the subject's table as text, or a typed NULL for a kind that has none. */
    static String tenantOf(DataMap.Subject subject, String alias) {
        return subject.tenant() == null ? "NULL::text" : alias + q(subject.tenant()) + "::text";
    }

    /** Each subject's key (as bound) and every tenant it is in, at home or by membership, as text; one array parameter. */
    public String allTenants() {
        DataMap.Subject subject = map.subject();
        String keys = "ANY(ARRAY(SELECT unnest(k) FROM subject_keys))";
        StringBuilder sql = new StringBuilder(WITH_KEYS + "SELECT " + q(subject.key()) + ", " + tenantOf(subject, "") + " FROM "
                + q(subject.table()) + " WHERE " + q(subject.key()) + " = " + keys);
        for (DataMap.Membership m : subject.memberships()) {
            sql.append(" UNION ").append(m.isArray()
                    ? "SELECT " + q(subject.key()) + ", unnest(" + q(m.tenantColumn()) + ")::text FROM " + q(subject.table()) + " WHERE "
                    + q(subject.key()) + " = " + keys
                    : "SELECT " + q(m.subjectColumn()) + ", " + q(m.tenantColumn()) + "::text FROM " + q(m.table()) + " WHERE "
                    + q(m.subjectColumn()) + " = " + keys);
        }
        return sql.toString();
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
        return WITH_KEYS + "SELECT count(*) FROM " + q(table.name()) + " t0 WHERE " + belongs(table, "t0", Keys.parameter(), 1);
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
        return WITH_KEYS + "SELECT DISTINCT t0." + q(identifier.column()) + "::text FROM " + q(table.name()) + " t0 WHERE "
                + belongs(table, "t0", Keys.parameter(), 1) + " AND t0." + q(identifier.column()) + " IS NOT NULL";
    }

    /** Deletes the subjects' rows of this table; one array parameter. */
    public String delete(DataMap.MappedTable table) {
        return WITH_KEYS + "DELETE FROM " + q(table.name()) + " t0 WHERE " + belongs(table, "t0", Keys.parameter(), 1);
    }

    /**
     * How an erasure rewrites one column of a retained row: the SQL of the new value, with a
     * {@code ?} for each per-row value (a pseudonym of what {@code reads} select, in order), and
     * the pseudonym context of each read.
     */
    public record ColumnWrite(String column, String value, List<String> reads, List<String> contexts) {
        public boolean perRow() {
            return !reads.isEmpty();
        }
    }

    /** The writes the column strategies of a retained table make (none: the rows are kept as they are). */
    public List<ColumnWrite> columnWrites(DataMap.MappedTable table) {
        List<ColumnWrite> writes = new ArrayList<>();
        for (DataMap.MappedColumn column : table.columns()) {
            DataMap.Erasure erasure = column.erasure();
            if (erasure == null) {
                continue;
            }
            String c = "t0." + q(column.name());
            switch (erasure.strategy()) {
                case "set-null" -> writes.add(new ColumnWrite(column.name(), "NULL", List.of(), List.of()));
                case "pseudonymize" -> writes.add(new ColumnWrite(column.name(), "?", List.of(c + "::text"), List.of(column.name())));
                case "remove-element" -> writes.add(new ColumnWrite(column.name(), withoutElements(table, column.name()), List.of(), List.of()));
                case "edit-json" -> writes.add(jsonEdits(column.name(), erasure.edits()));
                default -> throw new IllegalStateException("validated map has column strategy " + erasure.strategy());
            }
        }
        return writes;
    }

    private static ColumnWrite jsonEdits(String column, List<DataMap.JsonEdit> edits) {
        String value = "t0." + q(column);
        List<String> reads = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        for (DataMap.JsonEdit edit : edits) {
            if (edit.strategy().equals("remove")) {
                value = "(" + value + " #- '" + edit.path().pgPath() + "')";
            } else {
                value = "jsonb_set(" + value + ", '" + edit.path().pgPath() + "', coalesce(to_jsonb(?::text), 'null'::jsonb), false)";
                reads.add(edit.path().textOf("t0." + q(column)));
                contexts.add(column + "." + edit.path().text());
            }
        }
        return new ColumnWrite(column, value, reads, contexts);
    }

    /** The column without the elements its array or [*] links matched (order kept). */
    private String withoutElements(DataMap.MappedTable table, String column) {
        String value = "t0." + q(column);
        for (DataMap.Link link : seen(table).links()) {
            if (!link.column().equals(column) || link.scalar()) {
                continue;
            }
            Target target = target(link, Keys.parameter(), 9);
            if (link.array()) {
                value = "ARRAY(SELECT e FROM unnest(" + value + ") WITH ORDINALITY x(e, n) WHERE e IS NULL OR NOT ("
                        + target.equal("e") + ") ORDER BY n)";
            } else {
                value = withoutJsonElements(value, link.path(), target);
            }
        }
        return value;
    }

    /** {@code a[*].k}: the elements of array a whose k matches; {@code a[*]}: the elements that match themselves. */
    private static String withoutJsonElements(String value, JsonPath path, Target target) {
        JsonPath.Segment last = path.segments().get(path.segments().size() - 1);
        String element = last.each() ? "(e #>> '{}')" : "(e ->> '" + last.key() + "')";
        String arrayPath = last.each() ? path.text().substring(0, path.text().length() - 3) : path.text().substring(0, path.text().lastIndexOf('.') - 3);
        String at = arrayPath.isEmpty() ? "'{}'" : "'" + JsonPath.parse(arrayPath).orElseThrow().pgPath() + "'";
        String array = "(" + value + " #> " + at + ")";
        String kept = "(SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements(" + array
                + ") WITH ORDINALITY x(e, n) WHERE NOT coalesce(" + target.equalText(element) + ", false))";
        String replaced = arrayPath.isEmpty() ? kept : "jsonb_set(" + value + ", " + at + ", " + kept + ", false)";
        return "CASE WHEN jsonb_typeof(" + array + ") = 'array' THEN " + replaced + " ELSE " + value + " END";
    }

    /** Rewrites the subjects' rows of this table with writes that need no per-row value; one array parameter. */
    public String update(DataMap.MappedTable table, List<ColumnWrite> writes) {
        return WITH_KEYS + "UPDATE " + q(table.name()) + " t0 SET " + writes.stream().map(w -> q(w.column()) + " = " + w.value())
                .collect(Collectors.joining(", ")) + " WHERE " + belongs(table, "t0", Keys.parameter(), 1);
    }

    /**
     * The physical address and the per-row reads of the subjects' rows, locked; one array
     * parameter. With {@link #updateAt} each row is rewritten in the same transaction.
     */
    public String lockedValues(DataMap.MappedTable table, List<ColumnWrite> writes) {
        return WITH_KEYS + "SELECT t0.tableoid::oid::bigint, t0.ctid::text" + writes.stream().flatMap(w -> w.reads().stream())
                .map(r -> ", " + r).collect(Collectors.joining()) + " FROM " + q(table.name()) + " t0 WHERE "
                + belongs(table, "t0", Keys.parameter(), 1) + " FOR UPDATE";
    }

    /** Rewrites one row: the keys array first, then each per-row value in order, then tableoid and ctid. */
    public String updateAt(DataMap.MappedTable table, List<ColumnWrite> writes) {
        return WITH_KEYS + "UPDATE " + q(table.name()) + " t0 SET " + writes.stream().map(w -> q(w.column()) + " = " + w.value())
                .collect(Collectors.joining(", ")) + " WHERE t0.tableoid = ?::bigint::oid AND t0.ctid = ?::tid";
    }

    /** The depth of a table's longest link chain: 0 for the subject's own table. */
    public int depth(DataMap.MappedTable table) {
        int depth = 0;
        for (DataMap.Link link : seen(table).links()) {
            if (!link.isSubjectRoot()) {
                depth = Math.max(depth, 1 + depth(mapped(link.referencedTable())));
            }
        }
        return depth;
    }

    /** The tables of the subjects' store whose rows can belong to a subject, in map order. */
    public List<DataMap.MappedTable> subjectTables() {
        return map.tables().stream().filter(t -> t.linked() && t.store().equals(map.subject().store())).toList();
    }

    /** The type of the subject's key, for binding the array of keys. */
    public String subjectKey() {
        return map.subject().key();
    }

    /** The condition that row {@code alias} of the table belongs to the subject whose key is the column {@code keyColumn} of an outer query. */
    public String belongsToKeyOf(DataMap.MappedTable table, String alias, String keyColumn) {
        return belongs(table, alias, Keys.correlated(keyColumn), 1);
    }

    /** The condition that a row ({@code alias}) of the table belongs to the subjects: any of its links matches. */
    String belongs(DataMap.MappedTable table, String alias, Keys keys, int depth) {
        List<String> any = eachLink(table, alias, keys, depth);
        return any.size() == 1 ? any.get(0) : "(" + String.join(" OR ", any) + ")";
    }

    /**
     * For each link of the table, a query of the subjects' keys (as text) that the table's rows
     * matching {@code where} (on alias {@code t0}) point to, following the link's chain to the
     * subject's table. Nothing in it is correlated, so a caller asking "is this subject among
     * them" gets one hashed set per link, computed once, instead of a probe per subject.
     */
    List<String> keysReachedBy(DataMap.MappedTable table, String where) {
        return keysReachedBy(table, q(seen(table).name()), where);
    }

    /** As {@link #keysReachedBy(DataMap.MappedTable, String)}, the table's rows read from {@code source} (a CTE of its {@link #linkColumns}). */
    List<String> keysReachedBy(DataMap.MappedTable table, String source, String where) {
        DataMap.MappedTable own = seen(table);
        return own.links().stream().map(link -> keysReachedBy(link, source, where)).toList();
    }

    /** The columns of the table its links read. */
    List<String> linkColumns(DataMap.MappedTable table) {
        return seen(table).links().stream().map(l -> l.isSubjectRoot() ? map.subject().key() : l.column()).distinct().toList();
    }

    /** The table's links as this kind of subject sees them. */
    List<DataMap.Link> linksOf(DataMap.MappedTable table) {
        return seen(table).links();
    }

    String keysReachedBy(DataMap.Link link, String source, String where) {
        String from = " FROM " + source + " t0 WHERE " + where;
        DataMap.Subject subject = map.subject();
        if (link.isSubjectRoot()) {
            return "SELECT DISTINCT t0." + q(subject.key()) + "::text" + from;
        }
        String values = "SELECT " + pointedValue(link, "t0." + q(link.column())) + from;
        if (link.referencedTable().equals(subject.table()) && link.referencedColumn().equals(subject.key())) {
            // DISTINCT: the planner then expects about as many values as subjects, and hashes the set instead of rescanning it.
            return "SELECT DISTINCT v::text FROM (" + values + ") pointed(v)";
        }
        String referenced = "t0." + q(link.referencedColumn()) + (link.path() != null ? "::text" : "");
        return String.join(" UNION ", keysReachedBy(mapped(link.referencedTable()), referenced + " IN (" + values + ")"));
    }

    /** What a link's column holds that points at another row: the value, each array element, or the text at the JSON path. */
    private static String pointedValue(DataMap.Link link, String column) {
        if (link.array()) {
            return "unnest(" + column + ")";
        }
        if (link.path() == null) {
            return column;
        }
        return link.path().scalar() ? link.path().textOf(column)
                : "jsonb_path_query(" + column + "::jsonb, '" + link.path().sqlJsonPath() + "') #>> '{}'";
    }

    /** One condition per link of the table, each alone enough for the row to belong (see {@link #belongs}). */
    private List<String> eachLink(DataMap.MappedTable table, String alias, Keys keys, int depth) {
        return seen(table).links().stream().map(link -> linkMatches(link, alias, keys, depth)).toList();
    }

    String linkMatches(DataMap.Link link, String alias, Keys keys, int depth) {
        String column = alias + "." + q(link.column());
        if (link.isSubjectRoot()) {
            return keys.equal(alias + "." + q(map.subject().key()));
        }
        Target target = target(link, keys, depth);
        if (link.array()) {
            return target.overlaps(column);
        }
        if (link.path() == null) {
            return target.equal(column);
        }
        if (link.path().scalar()) {
            return target.equalText(link.path().textOf(column));
        }
        String value = "v" + depth;
        return "EXISTS (SELECT 1 FROM jsonb_path_query(" + column + "::jsonb, '" + link.path().sqlJsonPath() + "') " + value
                + " WHERE " + target.equalText("(" + value + " #>> '{}')") + ")";
    }

    /** Where a link's values are found: the subjects' keys when it points at them, else the referenced rows that belong to them. */
    private Target target(DataMap.Link link, Keys keys, int depth) {
        DataMap.Subject subject = map.subject();
        if (link.referencedTable().equals(subject.table()) && link.referencedColumn().equals(subject.key())) {
            return keys;
        }
        DataMap.MappedTable referenced = mapped(link.referencedTable());
        String next = "t" + depth;
        return new Referenced(next + "." + q(link.referencedColumn()), q(referenced.name()) + " " + next + " WHERE "
                + belongs(referenced, next, keys, depth + 1));
    }

    private String match(DataMap.Identifier identifier, String alias) {
        String column = alias + "." + q(identifier.column());
        return "case-insensitive".equals(identifier.match()) ? "lower(" + column + ") = lower(?)" : column + " = ?";
    }

    /** The table as this kind of subject sees it (a caller may hold it from the whole map, with other kinds' links). */
    private DataMap.MappedTable seen(DataMap.MappedTable table) {
        return map.table(table.store(), table.name()).orElse(table);
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
