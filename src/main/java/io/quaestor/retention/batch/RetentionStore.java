package io.quaestor.retention.batch;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.control.RetentionSettings;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.holds.control.LegalHolds;
import io.quaestor.holds.entity.HoldScope;
import io.quaestor.retention.control.RetentionPurge;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the retention steps need to know about the gateway's stores: tenants' settings, keys, partitions, holds. */
@ApplicationScoped
public class RetentionStore {

    @Inject
    DataMaps maps;

    @Inject
    LegalHolds holds;

    @jakarta.annotation.Resource(lookup = io.quaestor.platform.persistence.Datasources.QUAESTOR)
    DataSource quaestor;

    public DataSource store(String name) {
        DataMap.Store store = maps.active().map().store(name).orElseThrow(() -> new IllegalStateException("unknown store " + name));
        return maps.store(store).orElseThrow(() -> new IllegalStateException("store " + name + " is not configured"));
    }

    /** Each tenant's own retention setting, from the first rule that allows one (tenant id as text; unset ones left out). */
    public Map<String, Integer> tenantDays(DataMap map) throws SQLException {
        Map<String, Integer> days = new LinkedHashMap<>();
        Optional<DataMap.MappedTable> rule = map.tables().stream().filter(t -> t.retention() != null
                && t.retention().tenantOverride() != null).findFirst();
        if (rule.isEmpty()) {
            return days;
        }
        DataMap.TenantOverride override = rule.get().retention().tenantOverride();
        try (Connection c = override.keptByQuaestor() ? quaestor.getConnection() : store(rule.get().store()).getConnection();
             PreparedStatement s = c.prepareStatement(override.keptByQuaestor() ? "SELECT tenant, days FROM tenant_retention ORDER BY 1"
                     : RetentionSettings.read(map, rule.get().store(), override)); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                int value = rs.getInt(2);
                if (!rs.wasNull()) {
                    days.put(rs.getString(1), value);
                }
            }
        }
        return days;
    }

    /**
     * Sets a tenant's own setting where the map allows one; false when no such tenant exists (in
     * the settings table, or, for a setting Quaestor keeps, among the subjects' tenants).
     */
    public boolean setTenantDays(DataMap map, String tenant, int days, String by) throws SQLException {
        DataMap.MappedTable rule = map.tables().stream().filter(t -> t.retention() != null && t.retention().tenantOverride() != null)
                .findFirst().orElseThrow(() -> new io.quaestor.platform.problem.StateConflictException(
                        "The data map lets no tenant set its own retention."));
        DataMap.TenantOverride override = rule.retention().tenantOverride();
        if (override.keptByQuaestor()) {
            if (!tenantExists(map, tenant)) {
                return false;
            }
            try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                    INSERT INTO tenant_retention (tenant, days, set_by, set_at) VALUES (?, ?, ?, now())
                    ON CONFLICT (tenant) DO UPDATE SET days = excluded.days, set_by = excluded.set_by, set_at = excluded.set_at""")) {
                s.setString(1, tenant);
                s.setInt(2, days);
                s.setString(3, by);
                return s.executeUpdate() == 1;
            }
        }
        try (Connection c = store(rule.store()).getConnection(); PreparedStatement s = c.prepareStatement(
                RetentionSettings.write(map, rule.store(), override))) {
            s.setInt(1, days);
            s.setString(2, tenant);
            return s.executeUpdate() == 1;
        }
    }

    private boolean tenantExists(DataMap map, String tenant) throws SQLException {
        DataMap.Subject subject = map.subject();
        String inTenant = new io.quaestor.datamap.control.SubjectQueries(map).inTenants("s", "ARRAY(SELECT unnest(t) FROM one_tenant)",
                "(SELECT t FROM one_tenant)");
        try (Connection c = store(subject.store()).getConnection(); PreparedStatement s = c.prepareStatement("WITH one_tenant AS "
                + "(SELECT ARRAY[?::text] AS t) SELECT EXISTS (SELECT 1 FROM " + q(subject.table()) + " s WHERE " + inTenant + ")")) {
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Accounts whose rows no purge may touch: those under an account hold, and every account of a
     * tenant under hold (so that tables with no tenant column, such as sign-in records, keep a held
     * tenant's rows too).
     */
    public List<String> heldAccounts() {
        List<String> held = new ArrayList<>(holds.inForceValues(HoldScope.ACCOUNT));
        List<String> tenants = holds.inForceValues(HoldScope.TENANT);
        if (tenants.isEmpty()) {
            return held;
        }
        DataMap map = maps.active().map();
        DataMap.Subject subject = map.subject();
        String inHeldTenants = new io.quaestor.datamap.control.SubjectQueries(map).inTenants("s",
                "ARRAY(SELECT unnest(t) FROM held_tenants)", "(SELECT t FROM held_tenants)");
        try (Connection c = store(subject.store()).getConnection(); PreparedStatement s = c.prepareStatement("WITH held_tenants AS "
                + "(SELECT ?::text[] AS t) SELECT s." + q(subject.key()) + "::text FROM " + q(subject.table()) + " s WHERE "
                + inHeldTenants + " ORDER BY 1")) {
            s.setArray(1, c.createArrayOf("text", tenants.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the held tenants' accounts could not be read", e);
        }
        return held;
    }

    public List<String> heldOf(HoldScope scope) {
        return holds.inForceValues(scope);
    }

    /** The purge's target for a rule and tenant: key column and type from the table's primary key. */
    public RetentionPurge.Target target(DataMap whole, String store, String table, String tenant, Instant cutoff) throws SQLException {
        // Holds name accounts of the first kind of subject: its links are the ones that keep a held account's rows.
        DataMap map = whole.forKind(whole.subject().name());
        DataMap.MappedTable t = map.table(store, table).orElseThrow();
        String clock = t.retention().clockColumn();
        String[] key = t.retention().key() != null ? new String[]{t.retention().key(), columnType(store, table, t.retention().key())}
                : key(store, table, clock);
        String tenantColumn = t.retention().tenantOverride() == null ? null : t.retention().tenantOverride().via();
        // A held account keeps its rows by any link; a partition can be checked by column only where one plain link is all there is.
        DataMap.Link link = t.links().size() != 1 ? null : t.links().stream().filter(l -> l.path() == null && !l.array()
                && !l.isSubjectRoot() && l.referencedTable().equals(map.subject().table())
                && l.referencedColumn().equals(map.subject().key())).findFirst().orElse(null);
        boolean direct = link != null;
        String heldRows = !t.linked() ? null : t.isSubjectRoot() ? "t." + q(map.subject().key()) + "::text = ANY(?)" : "EXISTS (SELECT 1 FROM " + q(map.subject().table()) + " s WHERE s."
                + q(map.subject().key()) + "::text = ANY(?) AND " + new io.quaestor.datamap.control.SubjectQueries(map)
                .belongsToKeyOf(t, "t", "s." + q(map.subject().key())) + ")";
        return new RetentionPurge.Target(table, clock, key[0], key[1], tenantColumn, tenantColumn == null ? null
                : columnType(store, table, tenantColumn), tenant, direct ? link.column() : null, heldRows, cutoff);
    }

    private String columnType(String store, String table, String column) throws SQLException {
        try (Connection c = store(store).getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                WHERE a.attrelid = to_regclass(?) AND a.attname = ? AND NOT a.attisdropped""")) {
            s.setString(1, q(table));
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("column " + table + "." + column + " does not exist");
                }
                return rs.getString(1);
            }
        }
    }

    /**
     * The row key besides the clock: the primary key's other column (or its only one), with its
     * type; for a table without a primary key, its physical address (a purge only deletes, so the
     * addresses of the rows it has not reached do not move). A partitioned table repeats addresses
     * across partitions, so it needs a primary key or the map's {@code retention.key}.
     */
    private String[] key(String store, String table, String clock) throws SQLException {
        try (Connection c = store(store).getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY a.attnum""");
             PreparedStatement kind = c.prepareStatement("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)")) {
            s.setString(1, q(table));
            List<String[]> columns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
            kind.setString(1, q(table));
            boolean partitioned;
            try (ResultSet rs = kind.executeQuery()) {
                partitioned = rs.next() && "p".equals(rs.getString(1));
            }
            if (columns.isEmpty() && !partitioned) {
                return new String[]{"ctid", "tid"};
            }
            return columns.stream().filter(k -> !k[0].equals(clock)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("table " + table + " has no primary key to purge by; "
                            + "name one in the data map (retention.key)"));
        }
    }

    /** A time partition of a partitioned table: name, range and rows. */
    public record TimePartition(String name, Instant from, Instant to) {
    }

    /** The partitions of a range-partitioned table, oldest first (empty for an ordinary table). */
    public List<TimePartition> partitions(String store, String table) throws SQLException {
        List<TimePartition> partitions = new ArrayList<>();
        try (Connection c = store(store).getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT child.relname, pg_get_expr(child.relpartbound, child.oid) FROM pg_inherits inh
                JOIN pg_class child ON child.oid = inh.inhrelid WHERE inh.inhparent = to_regclass(?) ORDER BY 1""")) {
            s.setString(1, q(table));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("FROM \\('([^']+)'\\) TO \\('([^']+)'\\)").matcher(rs.getString(2));
                    if (m.find()) {
                        partitions.add(new TimePartition(rs.getString(1), timestamp(c, m.group(1)), timestamp(c, m.group(2))));
                    }
                }
            }
        }
        return partitions;
    }

    private static Instant timestamp(Connection c, String literal) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT ?::timestamptz")) {
            s.setString(1, literal);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    static String q(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
