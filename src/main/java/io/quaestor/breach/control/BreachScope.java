package io.quaestor.breach.control;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.control.ScopeQueries;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.platform.problem.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a breach touched, counted in the stores the data map describes. A responder describes the
 * affected set (tenants, accounts, a time window, a region, data categories); every mapped table
 * of the matching categories is counted, rows narrowed to the window on the table's own time
 * column. A table without one (the accounts themselves) takes part in a windowed scope only when
 * its category is named. Subjects are the accounts with at least one affected row. The list of
 * accounts to notify is streamed in keyset pages, never held whole. Rows kept after an erasure,
 * whose subject is no longer identifiable, still count as records where the scope can place them
 * (by the row's own tenant column or time), reported apart.
 *
 * Reads only; runs outside any transaction, so no store connection is open when one begins.
 */
@ApplicationScoped
public class BreachScope {

    private static final int PAGE = 5_000;

    /** The responder's description of the affected set; empty lists mean "not narrowed by this". */
    public record Description(List<String> tenants, List<String> accounts, Instant from, Instant to, String region,
                              List<String> categories, boolean everyone) {
        public JsonObject toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder().add("tenants", array(tenants)).add("accounts", array(accounts))
                    .add("categories", array(categories)).add("everyone", everyone);
            if (from != null) {
                b.add("from", from.toString()).add("to", to.toString());
            }
            if (region != null) {
                b.add("region", region);
            }
            return b.build();
        }

        public static Description of(JsonObject json) {
            return new Description(strings(json, "tenants"), strings(json, "accounts"),
                    json.containsKey("from") ? Instant.parse(json.getString("from")) : null,
                    json.containsKey("to") ? Instant.parse(json.getString("to")) : null,
                    json.getString("region", null), strings(json, "categories"), json.getBoolean("everyone", false));
        }
    }

    /**
     * One table's part in the result: {@code records} in all, of which {@code unidentifiable}
     * belong to no subject any more (kept after erasure, pseudonymized) but were exposed all the same.
     */
    public record TablePart(String store, String table, String category, long records, long unidentifiable, String window) {
    }

    public record Result(String dataMapVersion, String store, String region, long subjects, long records, List<TablePart> tables,
                         List<String> notes) {
    }

    /** One account to notify. */
    public record Affected(String key, String tenant) {
    }

    @Inject
    DataMaps dataMaps;

    /** Checks a description against the active map; a bad one names its field. */
    public void validate(Description d) {
        validate(dataMaps.active().map(), d);
    }

    public Result compute(Description d) {
        return compute(dataMaps.active().map(), dataMaps.subjectStore(), d);
    }

    /** Streams the affected subjects in key order after {@code after} ("" from the start), a page at a time; the last key, or null at the end. */
    public String page(Description d, String after, int limit, Consumer<Affected> sink) {
        return page(dataMaps.active().map(), dataMaps.subjectStore(), d, after, limit, sink);
    }

    static void validate(DataMap map, Description d) {
        if ((d.from() == null) != (d.to() == null)) {
            throw new InvalidInputException(d.from() == null ? "from" : "to", "A time window needs both from and to.");
        }
        if (d.from() != null && !d.from().isBefore(d.to())) {
            throw new InvalidInputException("to", "The window's end must be after its start.");
        }
        if (d.tenants().isEmpty() && d.accounts().isEmpty() && d.from() == null && !d.everyone()) {
            throw new InvalidInputException("tenants", "Describe the affected set: tenants, accounts or a time window; "
                    + "or say everyone=true when every subject may be affected.");
        }
        for (String account : d.accounts()) {
            try {
                io.quaestor.datamap.entity.SubjectIdentifier.of("account-id", account, map.subject());
            } catch (InvalidInputException e) {
                throw new InvalidInputException("accounts", "Each account is an id of the gateway's accounts: " + e.getMessage());
            }
        }
        Set<String> known = new LinkedHashSet<>();
        map.tables().forEach(t -> known.add(t.category()));
        for (String category : d.categories()) {
            if (!known.contains(category)) {
                throw new InvalidInputException("categories", "Unknown data category '" + category + "'; the data map has " + known + ".");
            }
        }
        if (d.region() != null && map.stores().stream().noneMatch(s -> d.region().equals(s.region()))) {
            throw new InvalidInputException("region", "No store of the data map is in region '" + d.region() + "'.");
        }
    }

    /** The scope in a given map and store (the active ones in service; a generated store in tests and benchmarks). */
    public static Result compute(DataMap whole, DataSource subjectStore, Description d) {
        // Scopes count the first kind of subject; tables only another kind's links reach are named in the notes.
        DataMap map = whole.forKind(whole.subject().name());
        validate(map, d);
        DataMap.Store store = subjectStore(map);
        List<String> notes = new ArrayList<>();
        if (d.region() != null && !d.region().equals(store.region())) {
            notes.add("The subjects' store " + store.name() + " is in region " + store.region() + ", outside the described region.");
            return new Result(map.version(), store.name(), store.region(), 0, 0, List.of(), notes);
        }
        List<ScopeQueries.Part> parts = new ArrayList<>();
        List<TablePart> tables = new ArrayList<>();
        try (Connection c = subjectStore.getConnection()) {
            c.setReadOnly(true);
            ScopeQueries queries = ScopeQueries.forStore(map, c);
            for (DataMap.MappedTable table : candidates(map, d, notes)) {
                Optional<String> clock = ScopeQueries.timeColumn(table);
                ScopeQueries.Part part = new ScopeQueries.Part(table, d.from() == null ? Optional.empty() : clock);
                parts.add(part);
                int windows = part.windowColumn().isPresent() ? 1 : 0;
                Optional<String> both = queries.recordsAndUnidentifiable(part, !d.tenants().isEmpty(), !d.accounts().isEmpty());
                long[] counts = both.isPresent() ? counts(c, both.get(), d, windows)
                        : new long[] {count(c, queries.records(part, !d.tenants().isEmpty(), !d.accounts().isEmpty()), d, windows), 0};
                long records = counts[0];
                long unidentifiable = counts[1];
                tables.add(new TablePart(table.store(), table.name(), table.category(), records + unidentifiable, unidentifiable,
                        d.from() == null ? "none given"
                        : clock.map(col -> "on " + col).orElse("not applicable: no time column; included because its category was named")));
            }
            long subjects = parts.isEmpty() ? 0 : count(c, queries.subjectCount(parts, !d.tenants().isEmpty(), !d.accounts().isEmpty()), d,
                    queries.windowsIn(parts));
            return new Result(map.version(), store.name(), store.region(), subjects, tables.stream().mapToLong(TablePart::records).sum(),
                    tables, notes);
        } catch (SQLException e) {
            throw new IllegalStateException("the scope could not be computed", e);
        }
    }

    public static String page(DataMap whole, DataSource subjectStore, Description d, String after, int limit, Consumer<Affected> sink) {
        DataMap map = whole.forKind(whole.subject().name());
        DataMap.Store store = subjectStore(map);
        if (d.region() != null && !d.region().equals(store.region())) {
            return null;
        }
        List<ScopeQueries.Part> parts = new ArrayList<>();
        for (DataMap.MappedTable table : candidates(map, d, new ArrayList<>())) {
            parts.add(new ScopeQueries.Part(table, d.from() == null ? Optional.empty() : ScopeQueries.timeColumn(table)));
        }
        if (parts.isEmpty()) {
            return null;
        }
        String last = null;
        try (Connection c = subjectStore.getConnection()) {
            c.setReadOnly(true);
            ScopeQueries queries = ScopeQueries.forStore(map, c);
            try (PreparedStatement s = c.prepareStatement(queries.subjectPage(parts, !d.tenants().isEmpty(), !d.accounts().isEmpty()))) {
                int i = bind(c, s, d, queries.windowsIn(parts));
                s.setString(++i, after);
                s.setInt(++i, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getString(1);
                        sink.accept(new Affected(last, rs.getString(2)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the affected accounts could not be read", e);
        }
        return last;
    }

    /** Streams every affected subject, page by page. */
    public long each(Description d, Consumer<Affected> sink) {
        long[] n = {0};
        String after = "";
        while (after != null) {
            after = page(d, after, PAGE, a -> {
                n[0]++;
                sink.accept(a);
            });
        }
        return n[0];
    }

    private static List<DataMap.MappedTable> candidates(DataMap map, Description d, List<String> notes) {
        List<DataMap.MappedTable> tables = new ArrayList<>();
        for (DataMap.MappedTable table : map.tables()) {
            if (!table.store().equals(map.subject().store()) || (!d.categories().isEmpty() && !d.categories().contains(table.category()))) {
                continue;
            }
            if (!table.linked()) {
                notes.add(table.name() + " (" + table.category() + ") holds no link to a " + map.subject().name()
                        + ": its rows cannot be attributed and are not counted.");
                continue;
            }
            if (d.from() != null && ScopeQueries.timeColumn(table).isEmpty() && !d.categories().contains(table.category())) {
                continue;
            }
            tables.add(table);
        }
        return tables;
    }

    private static long count(Connection c, String sql, Description d, int windows) throws SQLException {
        return counts(c, sql, d, windows)[0];
    }

    /** Every column of the one row a counting statement gives. */
    private static long[] counts(Connection c, String sql, Description d, int windows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, d, windows);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long[] counts = new long[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = rs.getLong(i + 1);
                }
                return counts;
            }
        }
    }

    private static int bind(Connection c, PreparedStatement s, Description d, int windows) throws SQLException {
        int i = 0;
        if (!d.tenants().isEmpty()) {
            s.setArray(++i, c.createArrayOf("text", d.tenants().toArray()));
        }
        if (!d.accounts().isEmpty()) {
            s.setArray(++i, c.createArrayOf("text", d.accounts().toArray()));
        }
        for (int w = 0; w < windows; w++) {
            s.setObject(++i, io.quaestor.platform.persistence.Timestamps.utc(d.from()));
            s.setObject(++i, io.quaestor.platform.persistence.Timestamps.utc(d.to()));
        }
        return i;
    }

    private static DataMap.Store subjectStore(DataMap map) {
        return map.stores().stream().filter(s -> s.name().equals(map.subject().store())).findFirst().orElseThrow();
    }

    private static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder b = Json.createArrayBuilder();
        values.forEach(b::add);
        return b;
    }

    private static List<String> strings(JsonObject json, String key) {
        return json.containsKey(key) ? json.getJsonArray(key).getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList() : List.of();
    }
}
