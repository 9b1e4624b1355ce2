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
 * cycles (foreign keys need not be declared in the database), link columns of the same type as
 * what they reference, clock columns that are times, and erasure strategies that can apply to
 * their column's type. Only a map that passes becomes active; its identifiers are then known to
 * be real, so queries may quote them.
 */
public final class DataMapValidator {

    private static final Set<String> TIME_TYPES = Set.of("timestamp with time zone", "timestamp without time zone", "date");
    private static final Set<String> TEXT_TYPES = Set.of("text", "character varying", "character");
    private static final Set<String> INTEGER_TYPES = Set.of("integer", "smallint", "bigint");

    private record Column(String type, boolean nullable) {
    }

    private final DataMapReader.Result read;
    private final DataMap map;
    private final Function<String, Optional<DataSource>> datasources;
    private final List<DataMapException.Problem> problems = new ArrayList<>();
    private final Map<String, Map<String, Map<String, Column>>> schema = new HashMap<>();

    private DataMapValidator(DataMapReader.Result read, Function<String, Optional<DataSource>> datasources) {
        this.read = read;
        this.map = read.map();
        this.datasources = datasources;
    }

    /** @param datasources the datasource a store's {@code datasource} name refers to, if configured */
    public static DataMap validate(DataMapReader.Result read, Function<String, Optional<DataSource>> datasources) {
        DataMapValidator validator = new DataMapValidator(read, datasources);
        validator.check();
        if (!validator.problems.isEmpty()) {
            throw new DataMapException(validator.problems);
        }
        return read.map();
    }

    private void check() {
        Set<String> storeNames = new HashSet<>();
        for (int i = 0; i < map.stores().size(); i++) {
            DataMap.Store store = map.stores().get(i);
            String element = "(document).stores[" + i + "]";
            if (!storeNames.add(store.name())) {
                problem(element + ".name", "store '" + store.name() + "' is declared twice");
            }
            Optional<DataSource> source = datasources.apply(store.datasource());
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
        checkSubject();
        checkLinksReachTheSubject();
    }

    private void loadSchema(DataMap.Store store, DataSource source, String element) {
        Map<String, Map<String, Column>> tables = new HashMap<>();
        try (Connection c = source.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT table_name, column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
                        + "WHERE table_schema = current_schema()")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.computeIfAbsent(rs.getString(1), t -> new HashMap<>())
                            .put(rs.getString(2), new Column(rs.getString(3), rs.getBoolean(4)));
                }
            }
        } catch (SQLException e) {
            problem(element + ".datasource", "the store's database cannot be read (" + e.getSQLState() + ")");
            return;
        }
        schema.put(store.name(), tables);
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
        if (table.blocksErasure() != null && !columns.containsKey(table.blocksErasure().column())) {
            problem(element + ".blocksErasure.column", "column '" + table.name() + "." + table.blocksErasure().column() + "' does not exist");
        }
        checkLink(table, columns, element + ".link");
        checkRetention(table, columns, element + ".retention");
        checkRowErasure(table, element + ".erasure");
    }

    /** A row that links straight to the subject's key, whose own row is deleted on erasure. */
    private boolean pointsAtErasedSubject(DataMap.MappedTable table) {
        DataMap.Subject subject = map.subject();
        if (subject == null || table.link() == null || table.link().isSubjectRoot()) {
            return false;
        }
        boolean subjectDeleted = map.table(subject.store(), subject.table())
                .map(t -> t.erasure() != null && "delete-row".equals(t.erasure().strategy())).orElse(false);
        return subjectDeleted && table.link().referencedTable().equals(subject.table())
                && table.link().referencedColumn().equals(subject.key());
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
            default -> problem(at + ".strategy", "a column can be pseudonymized or set to null, not '" + strategy + "'");
        }
    }

    private void checkLink(DataMap.MappedTable table, Map<String, Column> columns, String at) {
        DataMap.Link link = table.link();
        if (link == null) {
            return;
        }
        Column own = columns.get(link.column());
        if (own == null) {
            problem(at + ".column", "column '" + table.name() + "." + link.column() + "' does not exist");
            return;
        }
        if (link.isSubjectRoot()) {
            if (map.subject() != null && !table.name().equals(map.subject().table())) {
                problem(at + ".references", "only the subject's table (" + map.subject().table() + ") links to 'subject'");
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
        } else if (!referenced.type().equals(own.type())) {
            problem(at + ".column", "type mismatch: " + table.name() + "." + link.column() + " is " + own.type() + " but "
                    + link.references() + " is " + referenced.type());
        }
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
        }
        DataMap.TenantOverride override = retention.tenantOverride();
        if (override != null) {
            if (!columns.containsKey(override.via())) {
                problem(at + ".tenantOverride.via", "column '" + table.name() + "." + override.via() + "' does not exist");
            }
            Column setting = Optional.ofNullable(schema.get(table.store()).get(override.table()))
                    .map(t -> t.get(override.column())).orElse(null);
            if (setting == null) {
                problem(at + ".tenantOverride", "column '" + override.table() + "." + override.column() + "' does not exist");
            } else if (!INTEGER_TYPES.contains(setting.type())) {
                problem(at + ".tenantOverride.column", "type mismatch: a retention setting must be an integer number of days");
            }
        }
        if (retention.legalFloorYears() != null && (retention.ground() == null || retention.ground().isBlank())) {
            problem(at + ".ground", "a legal retention floor needs its legal ground");
        }
    }

    private void checkRowErasure(DataMap.MappedTable table, String at) {
        DataMap.Erasure erasure = table.erasure();
        if (erasure == null) {
            if (table.link() != null) {
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
        if ("retain".equals(erasure.strategy()) && pointsAtErasedSubject(table)) {
            boolean released = table.columns().stream().anyMatch(c -> c.name().equals(table.link().column())
                    && c.erasure() != null && "set-null".equals(c.erasure().strategy()));
            if (!released) {
                problem(at, "retained rows would still point at the erased subject: map column '" + table.link().column()
                        + "' with erasure strategy 'set-null' (and make it nullable)");
            }
        }
    }

    private void checkSubject() {
        DataMap.Subject subject = map.subject();
        if (subject == null) {
            return;
        }
        Optional<DataMap.MappedTable> root = map.table(subject.store(), subject.table());
        if (root.isEmpty()) {
            problem("(document).subject.table", "the subject's table '" + subject.table() + "' is not mapped in store '"
                    + subject.store() + "'");
            return;
        }
        if (root.get().link() == null || !root.get().link().isSubjectRoot()) {
            problem("(document).subject.table", "the subject's table must link to 'subject'");
        }
        Map<String, Map<String, Column>> tables = schema.getOrDefault(subject.store(), Map.of());
        if (!tables.getOrDefault(subject.table(), Map.of()).containsKey(subject.key())) {
            problem("(document).subject.key", "column '" + subject.table() + "." + subject.key() + "' does not exist");
        }
        if (!tables.getOrDefault(subject.table(), Map.of()).containsKey(subject.tenant())) {
            problem("(document).subject.tenant", "column '" + subject.table() + "." + subject.tenant() + "' does not exist");
        }
        if (subject.restrictionFlag() != null && !tables.getOrDefault(subject.table(), Map.of()).containsKey(subject.restrictionFlag())) {
            problem("(document).subject.restrictionFlag", "column '" + subject.table() + "." + subject.restrictionFlag() + "' does not exist");
        }
        for (int i = 0; i < subject.identifiers().size(); i++) {
            DataMap.Identifier identifier = subject.identifiers().get(i);
            String at = "(document).subject.identifiers[" + i + "]";
            if (map.table(subject.store(), identifier.table()).isEmpty()) {
                problem(at + ".table", "table '" + identifier.table() + "' is not mapped");
            } else if (!tables.getOrDefault(identifier.table(), Map.of()).containsKey(identifier.column())) {
                problem(at + ".column", "column '" + identifier.table() + "." + identifier.column() + "' does not exist");
            }
        }
    }

    /** Every link chain must end at the subject's table, and none may loop. */
    private void checkLinksReachTheSubject() {
        for (int i = 0; i < map.tables().size(); i++) {
            DataMap.MappedTable table = map.tables().get(i);
            Set<String> path = new LinkedHashSet<>();
            DataMap.MappedTable current = table;
            while (current != null && current.link() != null && !current.link().isSubjectRoot()) {
                if (!path.add(current.name())) {
                    problem("(document).tables[" + i + "].link", "cycle in links: " + String.join(" -> ", path) + " -> " + current.name());
                    break;
                }
                current = map.table(current.store(), current.link().referencedTable()).orElse(null);
            }
        }
    }

    private void problem(String element, String message) {
        problems.add(new DataMapException.Problem(read.file(), read.lineOf(element), element, message));
    }
}
