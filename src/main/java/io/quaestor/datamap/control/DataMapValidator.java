package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a map that has the right shape against itself and against the live databases: every
 * store configured, every table and column present, links that resolve to the subject without
 * cycles (foreign keys need not be declared in the database), links whose two sides can be
 * compared (a JSON path on a json column, an array link on an array column, scalar links of one
 * type family), clock columns that are times, and erasure strategies that can apply to their
 * column's type (views answer with their base columns' nullability). Only a map that passes
 * becomes active; its identifiers are then known to be real, so queries may quote them. What
 * would work but slowly (a link or clock column no index serves) is a warning, not a refusal.
 */
public final class DataMapValidator {

    private static final Set<String> TIME_TYPES = Set.of("timestamp with time zone", "timestamp without time zone", "date");
    private static final Set<String> TEXT_TYPES = Set.of("text", "character varying", "character");
    private static final Set<String> NUMBER_TYPES = Set.of("integer", "smallint", "bigint", "numeric", "real", "double precision");

    private static final Set<String> JSON_TYPES = Set.of("json", "jsonb");

    /** {@code type} as information_schema names it; {@code element} the element type's udt name for arrays. */
    private record Column(String type, String udt, boolean nullable) {
        boolean isArray() {
            return "ARRAY".equals(type);
        }

        String element() {
            return isArray() && udt.startsWith("_") ? udt.substring(1) : udt;
        }
    }

    /** A validated map and what would work but deserves attention (a missing index). */
    public record Validated(DataMap map, List<DataMapException.Problem> warnings) {
        public Validated {
            warnings = List.copyOf(warnings);
        }
    }

    private final DataMapReader.Result read;
    private final DataMap map;
    private final Function<String, Optional<DataSource>> datasources;
    private final List<DataMapException.Problem> problems = new ArrayList<>();
    private final List<DataMapException.Problem> warnings = new ArrayList<>();
    private final Map<String, Map<String, Map<String, Column>>> schema = new HashMap<>();
    private final Map<String, StoreIndexes> indexes = new HashMap<>();

    private DataMapValidator(DataMapReader.Result read, Function<String, Optional<DataSource>> datasources) {
        this.read = read;
        this.map = read.map();
        this.datasources = datasources;
    }

    /** @param datasources the datasource a store's {@code datasource} name refers to, if configured */
    public static DataMap validate(DataMapReader.Result read, Function<String, Optional<DataSource>> datasources) {
        return check(read, datasources).map();
    }

    /** As {@link #validate}, with the warnings of a map that passes. */
    public static Validated check(DataMapReader.Result read, Function<String, Optional<DataSource>> datasources) {
        DataMapValidator validator = new DataMapValidator(read, datasources);
        validator.check();
        if (!validator.problems.isEmpty()) {
            throw new DataMapException(validator.problems);
        }
        return new Validated(validator.typed(), validator.warnings);
    }

    private void check() {
        Set<String> storeNames = new HashSet<>();
        for (int i = 0; i < map.stores().size(); i++) {
            DataMap.Store store = map.stores().get(i);
            String element = "(document).stores[" + i + "]";
            if (!storeNames.add(store.name())) {
                problem(element + ".name", "store '" + store.name() + "' is declared twice");
            }
            Optional<DataSource> source = storeSource(store);
            if (source.isEmpty()) {
                problem(element + ".datasource", "no datasource '" + store.datasource() + "' is configured");
            } else {
                loadSchema(store, source.get(), element);
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < map.tables().size(); i++) {
            checkTable(map.tables().get(i), "(document).tables[" + i + "]", seen);
        }
        checkSubjects();
        checkLinksReachTheSubject();
        if (problems.isEmpty()) {
            scanForUndeclaredContent();
        }
    }

    /** Columns and JSON keys that look like stored prompts but are not declared content: advice, as the names are a guess. */
    private void scanForUndeclaredContent() {
        for (DataMap.Store store : map.stores()) {
            Optional<DataSource> source = storeSource(store);
            if (source.isEmpty()) {
                continue;
            }
            String element = "(document).stores[" + map.stores().indexOf(store) + "]";
            try (Connection c = source.get().getConnection()) {
                for (ContentScanner.Finding finding : ContentScanner.scan(map, store.name(), c)) {
                    warnings.add(new DataMapException.Problem(read.file(), read.lineOf(element), element, "content: " + finding));
                }
            } catch (SQLException e) {
                warnings.add(new DataMapException.Problem(read.file(), read.lineOf(element), element,
                        "content: the store could not be searched for undeclared content (" + e.getSQLState() + ")"));
            }
        }
    }

    /** The store's datasource, in its schema when it names one. */
    private Optional<DataSource> storeSource(DataMap.Store store) {
        return datasources.apply(store.datasource()).map(pool -> io.quaestor.platform.persistence.RestoringDataSource.inSchema(pool, store.schema()));
    }

    private void loadSchema(DataMap.Store store, DataSource source, String element) {
        Map<String, Map<String, Column>> tables = new HashMap<>();
        try (Connection c = source.getConnection()) {
            if (store.schema() != null && !schemaExists(c, store.schema())) {
                problem(element + ".schema", "schema '" + store.schema() + "' does not exist in the store's database");
                return;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT table_name, column_name, data_type, udt_name, is_nullable = 'YES' "
                    + "FROM information_schema.columns WHERE table_schema = current_schema()"); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.computeIfAbsent(rs.getString(1), t -> new HashMap<>())
                            .put(rs.getString(2), new Column(rs.getString(3), rs.getString(4), rs.getBoolean(5)));
                }
            }
            baseNullability(c, tables);
            indexes.put(store.name(), StoreIndexes.load(c));
        } catch (SQLException e) {
            problem(element + ".datasource", "the store's database cannot be read (" + e.getSQLState() + ")");
            return;
        }
        schema.put(store.name(), tables);
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * information_schema calls every view column nullable; a view column over a NOT NULL base
     * column (same name) is NOT NULL for what an erasure may write through it.
     */
    private static void baseNullability(Connection c, Map<String, Map<String, Column>> tables) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT u.view_name, u.column_name FROM information_schema.view_column_usage u
                JOIN information_schema.columns b ON b.table_schema = u.table_schema AND b.table_name = u.table_name
                 AND b.column_name = u.column_name
                WHERE u.view_schema = current_schema() AND b.is_nullable = 'NO'"""); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Map<String, Column> view = tables.get(rs.getString(1));
                Column column = view == null ? null : view.get(rs.getString(2));
                if (column != null) {
                    view.put(rs.getString(2), new Column(column.type(), column.udt(), false));
                }
            }
        }
    }

    private void checkTable(DataMap.MappedTable table, String element, Set<String> seen) {
        if (!seen.add(table.store() + "." + table.name())) {
            problem(element + ".name", "table '" + table.name() + "' is mapped twice in store '" + table.store() + "'");
        }
        if (!schema.containsKey(table.store())) {
            if (map.stores().stream().noneMatch(s -> s.name().equals(table.store()))) {
                problem(element + ".store", "unknown store '" + table.store() + "'");
            }
            return;
        }
        Map<String, Column> columns = schema.get(table.store()).get(table.name());
        if (columns == null) {
            problem(element + ".name", "table '" + table.name() + "' does not exist in store '" + table.store() + "'");
            return;
        }
        for (int i = 0; i < table.columns().size(); i++) {
            DataMap.MappedColumn column = table.columns().get(i);
            String at = element + ".columns[" + i + "]";
            Column live = columns.get(column.name());
            if (live == null) {
                problem(at + ".name", "column '" + table.name() + "." + column.name() + "' does not exist");
            } else if (column.erasure() != null) {
                checkColumnErasure(table, column, live, at + ".erasure");
            }
        }
        for (String tenant : table.tenants()) {
            if (!columns.containsKey(tenant)) {
                problem(element + ".tenant", "column '" + table.name() + "." + tenant + "' does not exist");
            }
        }
        if (table.blocksErasure() != null && !columns.containsKey(table.blocksErasure().column())) {
            problem(element + ".blocksErasure.column", "column '" + table.name() + "." + table.blocksErasure().column() + "' does not exist");
        }
        for (int i = 0; i < table.links().size(); i++) {
            checkLink(table, table.links().get(i), columns, element + ".links[" + i + "]");
        }
        checkRetention(table, columns, element + ".retention");
        checkRowErasure(table, element + ".erasure");
    }

    /** This table's links that point straight at a subject's key, when that kind's own row is deleted on erasure. */
    private List<DataMap.Link> linksToErasedSubject(DataMap.MappedTable table) {
        List<DataMap.Link> links = new ArrayList<>();
        for (DataMap.Subject subject : map.subjects()) {
            boolean subjectDeleted = map.table(subject.store(), subject.table())
                    .map(t -> t.erasure() != null && "delete-row".equals(t.erasure().strategy())).orElse(false);
            if (subjectDeleted) {
                table.links().stream().filter(l -> !l.isSubjectRoot() && l.referencedTable().equals(subject.table())
                        && l.referencedColumn().equals(subject.key())).forEach(links::add);
            }
        }
        return links;
    }

    /** Whether the column strategies release a link once the rows are retained (the key removed from where the link finds it). */
    private static boolean releases(DataMap.MappedTable table, DataMap.Link link) {
        DataMap.Erasure erasure = table.column(link.column()).map(DataMap.MappedColumn::erasure).orElse(null);
        if (erasure == null) {
            return false;
        }
        return switch (erasure.strategy()) {
            case "set-null", "pseudonymize" -> link.path() == null;
            case "remove-element" -> !link.scalar();
            case "edit-json" -> link.path() != null && erasure.edits().stream().anyMatch(e -> e.path().text().equals(link.path().text()));
            default -> false;
        };
    }

    private void checkColumnErasure(DataMap.MappedTable table, DataMap.MappedColumn column, Column live, String at) {
        String strategy = column.erasure().strategy();
        if (table.erasure() == null || !"retain".equals(table.erasure().strategy())) {
            problem(at, "a column strategy applies only to rows the table retains (erasure strategy 'retain')");
        }
        switch (strategy) {
            case "pseudonymize" -> {
                if (!TEXT_TYPES.contains(live.type())) {
                    problem(at + ".strategy", "'pseudonymize' needs a text column; '" + column.name() + "' is " + live.type());
                }
            }
            case "set-null" -> {
                if (!live.nullable()) {
                    problem(at + ".strategy", "'set-null' needs a nullable column; '" + column.name() + "' is NOT NULL");
                }
            }
            case "remove-element" -> {
                List<DataMap.Link> links = table.links().stream().filter(l -> l.column().equals(column.name()) && !l.scalar()).toList();
                if (links.isEmpty()) {
                    problem(at + ".strategy", "'remove-element' removes the elements an array link or a JSON [*] link matched; '"
                            + column.name() + "' carries no such link");
                } else if (links.stream().anyMatch(l -> l.path() != null) && !"jsonb".equals(live.type())) {
                    problem(at + ".strategy", "'remove-element' rewrites JSON as jsonb; '" + column.name() + "' is " + live.type());
                } else if (links.stream().anyMatch(l -> l.path() != null && !removable(l.path()))) {
                    problem(at + ".strategy", "'remove-element' removes an element of one array: the path may hold one [*], on its"
                            + " last or next-to-last key (a[*] or a[*].id)");
                }
            }
            case "edit-json" -> {
                if (!"jsonb".equals(live.type())) {
                    problem(at + ".strategy", "'edit-json' rewrites JSON as jsonb; '" + column.name() + "' is " + live.type());
                }
            }
            default -> problem(at + ".strategy", "a column can be pseudonymized, set to null, have elements removed or JSON edited,"
                    + " not '" + strategy + "'");
        }
    }

    private void checkLink(DataMap.MappedTable table, DataMap.Link link, Map<String, Column> columns, String at) {
        Column own = columns.get(link.column());
        if (own == null) {
            problem(at + ".column", "column '" + table.name() + "." + link.column() + "' does not exist");
            return;
        }
        if (link.path() != null && !JSON_TYPES.contains(own.type())) {
            problem(at + ".path", "a JSON path needs a json or jsonb column; '" + link.column() + "' is " + own.type());
            return;
        }
        if (link.array() && !own.isArray()) {
            problem(at + ".array", "an array link needs an array column; '" + link.column() + "' is " + own.type());
            return;
        }
        if (link.isSubjectRoot()) {
            List<String> roots = map.subjects().stream().map(DataMap.Subject::table).toList();
            if (!map.subjects().isEmpty() && !roots.contains(table.name())) {
                problem(at + ".references", "only a subject's own table (" + String.join(", ", roots) + ") links to 'subject'");
            } else if (!link.scalar()) {
                problem(at + ".references", "the subject's table links to 'subject' by its plain key column");
            }
            return;
        }
        Optional<DataMap.MappedTable> target = map.table(table.store(), link.referencedTable());
        if (target.isEmpty()) {
            problem(at + ".references", "dangling link: table '" + link.referencedTable() + "' is not mapped in store '"
                    + table.store() + "'");
            return;
        }
        Column referenced = Optional.ofNullable(schema.get(table.store()).get(link.referencedTable()))
                .map(t -> t.get(link.referencedColumn())).orElse(null);
        if (referenced == null) {
            problem(at + ".references", "dangling link: column '" + link.references() + "' does not exist");
            return;
        }
        String ownFamily = link.path() != null ? "text" : family(link.array() ? own.element() : own.udt());
        String referencedFamily = family(referenced.udt());
        boolean comparable = link.path() != null ? !referenced.isArray() && !JSON_TYPES.contains(referenced.type())
                : ownFamily.equals(referencedFamily);
        if (!comparable) {
            problem(at + ".column", "type mismatch: " + table.name() + "." + link.describe() + " holds " + ownFamily + " but "
                    + link.references() + " is " + referenced.type() + "; the two cannot be compared");
            return;
        }
        adviseIndex(table, link, at);
    }

    private static boolean removable(io.quaestor.datamap.entity.JsonPath path) {
        List<io.quaestor.datamap.entity.JsonPath.Segment> segments = path.segments();
        long each = segments.stream().filter(io.quaestor.datamap.entity.JsonPath.Segment::each).count();
        int last = segments.size() - 1;
        return each == 1 && (segments.get(last).each() || (last > 0 && segments.get(last - 1).each()));
    }

    /** The family a type compares within: text, integer, uuid, or the type itself. */
    private static String family(String udt) {
        return switch (udt) {
            case "text", "varchar", "bpchar", "name", "citext" -> "text";
            case "int2", "int4", "int8" -> "integer";
            default -> udt;
        };
    }

    private void adviseIndex(DataMap.MappedTable table, DataMap.Link link, String at) {
        StoreIndexes known = indexes.get(table.store());
        if (known == null || known.serves(table.name(), link)) {
            return;
        }
        warnings.add(new DataMapException.Problem(read.file(), read.lineOf(at), at, "no index serves the link "
                + table.name() + "." + link.describe() + "; every lookup reads the whole table. Advised: " + StoreIndexes.advice(table.name(), link)));
    }

    private void checkRetention(DataMap.MappedTable table, Map<String, Column> columns, String at) {
        DataMap.Retention retention = table.retention();
        if (retention == null) {
            return;
        }
        Column clock = columns.get(retention.clockColumn());
        if (clock == null) {
            problem(at + ".clockColumn", "column '" + table.name() + "." + retention.clockColumn() + "' does not exist");
        } else if (!TIME_TYPES.contains(clock.type())) {
            problem(at + ".clockColumn", "type mismatch: a clock column must be a timestamp or date, '"
                    + retention.clockColumn() + "' is " + clock.type());
        } else if (indexes.containsKey(table.store()) && !indexes.get(table.store()).leads(table.name(), retention.clockColumn())) {
            warnings.add(new DataMapException.Problem(read.file(), read.lineOf(at + ".clockColumn"), at + ".clockColumn",
                    "no index leads with the clock column " + table.name() + "." + retention.clockColumn()
                            + "; every purge reads the whole table. Advised: " + StoreIndexes.advice(table.name(),
                            DataMap.Link.toSubject(retention.clockColumn()))));
        }
        if (retention.key() != null && !columns.containsKey(retention.key())) {
            problem(at + ".key", "column '" + table.name() + "." + retention.key() + "' does not exist");
        }
        DataMap.TenantOverride override = retention.tenantOverride();
        if (override != null && !columns.containsKey(override.via())) {
            problem(at + ".tenantOverride.via", "column '" + table.name() + "." + override.via() + "' does not exist");
        }
        if (override != null && !override.keptByQuaestor()) {
            Map<String, Column> settings = schema.get(table.store()).getOrDefault(override.table(), Map.of());
            Column setting = settings.get(override.column());
            String key = RetentionSettings.keyOf(map, table.store(), override);
            if (setting == null) {
                problem(at + ".tenantOverride", "column '" + override.table() + "." + override.column() + "' does not exist");
            } else if (override.path() != null ? !JSON_TYPES.contains(setting.type()) : !NUMBER_TYPES.contains(setting.type())) {
                problem(at + ".tenantOverride.column", "type mismatch: a retention setting is a number of days, in a number column"
                        + " or at a JSON path of a json column; '" + override.column() + "' is " + setting.type());
            }
            if (!settings.isEmpty() && !settings.containsKey(key)) {
                problem(at + ".tenantOverride.key", "column '" + override.table() + "." + key + "' (the tenant's id) does not exist");
            }
        }
        if (retention.legalFloorYears() != null && (retention.ground() == null || retention.ground().isBlank())) {
            problem(at + ".ground", "a legal retention floor needs its legal ground");
        }
    }

    private void checkRowErasure(DataMap.MappedTable table, String at) {
        DataMap.Erasure erasure = table.erasure();
        if (erasure == null) {
            if (table.linked()) {
                problem(at, "a table with a subject's rows needs an erasure strategy");
            }
            return;
        }
        if (!Set.of("delete-row", "retain").contains(erasure.strategy())) {
            problem(at + ".strategy", "a table's rows are deleted or retained; '" + erasure.strategy() + "' applies to columns");
        }
        if ("retain".equals(erasure.strategy()) && (erasure.ground() == null || erasure.ground().isBlank())) {
            problem(at + ".ground", "retaining a subject's rows needs a named ground");
        }
        if ("retain".equals(erasure.strategy())) {
            for (DataMap.Link link : linksToErasedSubject(table)) {
                if (!releases(table, link)) {
                    problem(at, "retained rows would still point at the erased subject through " + link.describe()
                            + ": map column '" + link.column() + "' with an erasure strategy that removes the key ('set-null' on a"
                            + " nullable column, 'remove-element' for an array or [*] link, 'edit-json' removing the path)");
                }
            }
        }
    }

    /** The map with each kind's key and tenant type families, which decide how an account id or organization is read. */
    private DataMap typed() {
        return map.withSubjects(map.subjects().stream().map(subject -> {
            Map<String, Column> columns = schema.getOrDefault(subject.store(), Map.of()).getOrDefault(subject.table(), Map.of());
            return subject.typed(keyFamily(columns.get(subject.key())),
                    subject.tenant() == null ? null : keyFamily(columns.get(subject.tenant())));
        }).toList());
    }

    private static String keyFamily(Column column) {
        String family = column == null ? "text" : family(column.udt());
        return Set.of("uuid", "integer").contains(family) ? family : "text";
    }

    /** Where a kind of subject is written: {@code subject}, or {@code subjects[i]} in a map of several kinds. */
    private String subjectElement(int i) {
        return read.lines().containsKey("(document).subjects") ? "(document).subjects[" + i + "]" : "(document).subject";
    }

    private void checkSubjects() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < map.subjects().size(); i++) {
            DataMap.Subject subject = map.subjects().get(i);
            if (!names.add(subject.name())) {
                problem(subjectElement(i) + ".name", "two kinds of subject are named '" + subject.name() + "'; each kind needs its own name");
            }
            Optional<DataMap.Subject> sameTable = map.subjects().subList(0, i).stream()
                    .filter(k -> k.store().equals(subject.store()) && k.table().equals(subject.table())).findFirst();
            if (sameTable.isPresent()) {
                problem(subjectElement(i) + ".table", "kinds '" + sameTable.get().name() + "' and '" + subject.name()
                        + "' share the table '" + subject.table() + "'; each kind has its own table");
            }
            if (i == 0 && subject.tenant() == null) {
                problem(subjectElement(i) + ".tenant", "is required for the first kind of subject: access grants, holds and breach"
                        + " scopes find its subjects by tenant");
            }
            checkSubject(subject, subjectElement(i));
        }
    }

    private void checkSubject(DataMap.Subject subject, String element) {
        Optional<DataMap.MappedTable> root = map.table(subject.store(), subject.table());
        if (root.isEmpty()) {
            problem(element + ".table", "the subject's table '" + subject.table() + "' is not mapped in store '"
                    + subject.store() + "'");
            return;
        }
        if (!root.get().isSubjectRoot()) {
            problem(element + ".table", "the subject's table must link to 'subject'");
        }
        Map<String, Map<String, Column>> tables = schema.getOrDefault(subject.store(), Map.of());
        if (!tables.getOrDefault(subject.table(), Map.of()).containsKey(subject.key())) {
            problem(element + ".key", "column '" + subject.table() + "." + subject.key() + "' does not exist");
        }
        if (subject.tenant() != null && !tables.getOrDefault(subject.table(), Map.of()).containsKey(subject.tenant())) {
            problem(element + ".tenant", "column '" + subject.table() + "." + subject.tenant() + "' does not exist");
        }
        for (int i = 0; i < subject.memberships().size(); i++) {
            checkMembership(subject, subject.memberships().get(i), tables, element + ".memberships[" + i + "]");
        }
        if (subject.restrictionFlag() != null && !tables.getOrDefault(subject.table(), Map.of()).containsKey(subject.restrictionFlag())) {
            problem(element + ".restrictionFlag", "column '" + subject.table() + "." + subject.restrictionFlag() + "' does not exist");
        }
        for (int i = 0; i < subject.identifiers().size(); i++) {
            DataMap.Identifier identifier = subject.identifiers().get(i);
            String at = element + ".identifiers[" + i + "]";
            Column column = tables.getOrDefault(identifier.table(), Map.of()).get(identifier.column());
            if (map.table(subject.store(), identifier.table()).isEmpty()) {
                problem(at + ".table", "table '" + identifier.table() + "' is not mapped");
            } else if (column == null) {
                problem(at + ".column", "column '" + identifier.table() + "." + identifier.column() + "' does not exist");
            } else if (identifier.hash() != null && !"text".equals(family(column.udt()))) {
                problem(at + ".column", "a hashed identifier is compared as hex text; '" + identifier.column() + "' is " + column.type());
            } else if (!identifier.table().equals(subject.table()) && map.forKind(subject.name()).table(subject.store(), identifier.table())
                    .filter(DataMap.MappedTable::linked).isEmpty()) {
                problem(at + ".table", "table '" + identifier.table() + "' has no link reaching the " + subject.name()
                        + "'s table, so an identifier there finds no one");
            }
        }
    }

    private void checkMembership(DataMap.Subject subject, DataMap.Membership membership, Map<String, Map<String, Column>> tables,
                                 String at) {
        String table = membership.isArray() ? subject.table() : membership.table();
        Map<String, Column> columns = tables.get(table);
        if (columns == null) {
            problem(at + ".table", "table '" + table + "' does not exist");
            return;
        }
        Column tenant = columns.get(membership.tenantColumn());
        if (tenant == null) {
            problem(at + ".tenantColumn", "column '" + table + "." + membership.tenantColumn() + "' does not exist");
        } else if (membership.isArray() && !tenant.isArray()) {
            problem(at + ".tenantColumn", "a membership without a table is an array column of the subject's table; '"
                    + membership.tenantColumn() + "' is " + tenant.type());
        }
        if (!membership.isArray()) {
            Column member = columns.get(membership.subjectColumn());
            Column key = tables.getOrDefault(subject.table(), Map.of()).get(subject.key());
            if (member == null) {
                problem(at + ".subjectColumn", "column '" + table + "." + membership.subjectColumn() + "' does not exist");
            } else if (key != null && !family(member.udt()).equals(family(key.udt()))) {
                problem(at + ".subjectColumn", "type mismatch: " + table + "." + membership.subjectColumn() + " is " + member.type()
                        + " but the subject's key is " + key.type() + "; the two cannot be compared");
            }
        }
    }

    /** Every link chain must end at a kind of subject's table, and none may loop. */
    private void checkLinksReachTheSubject() {
        boolean cycles = false;
        for (int i = 0; i < map.tables().size(); i++) {
            DataMap.MappedTable table = map.tables().get(i);
            String cycle = cycleFrom(table, new LinkedHashSet<>());
            if (cycle != null) {
                problem("(document).tables[" + i + "].links", "cycle in links: " + cycle);
                cycles = true;
            }
        }
        if (cycles || map.subjects().isEmpty() || map.subjects().stream().anyMatch(k -> k.name() == null)) {
            return;
        }
        List<DataMap> kinds = map.subjects().stream().map(k -> map.forKind(k.name())).toList();
        for (int i = 0; i < map.tables().size(); i++) {
            DataMap.MappedTable table = map.tables().get(i);
            for (int l = 0; l < table.links().size(); l++) {
                DataMap.Link link = table.links().get(l);
                int index = i;
                boolean reaches = kinds.stream().anyMatch(k -> k.tables().get(index).links().contains(link));
                if (!reaches && !link.isSubjectRoot()) {
                    problem("(document).tables[" + i + "].links[" + l + "]", "the link " + table.name() + "." + link.describe()
                            + " -> " + link.references() + " reaches no kind of subject: '" + link.referencedTable()
                            + "' is not linked to any subject's table");
                }
            }
        }
    }

    private String cycleFrom(DataMap.MappedTable table, Set<String> path) {
        if (!path.add(table.name())) {
            return String.join(" -> ", path) + " -> " + table.name();
        }
        for (DataMap.Link link : table.links()) {
            if (!link.isSubjectRoot()) {
                Optional<DataMap.MappedTable> next = map.table(table.store(), link.referencedTable());
                String cycle = next.map(t -> cycleFrom(t, new LinkedHashSet<>(path))).orElse(null);
                if (cycle != null) {
                    return cycle;
                }
            }
        }
        return null;
    }

    private void problem(String element, String message) {
        problems.add(new DataMapException.Problem(read.file(), read.lineOf(element), element, message));
    }
}
