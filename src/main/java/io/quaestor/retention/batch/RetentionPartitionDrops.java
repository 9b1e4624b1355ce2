package io.quaestor.retention.batch;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.holds.entity.HoldScope;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.retention.control.RetentionRules;
import jakarta.annotation.Resource;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Before rows are deleted one by one: a time partition of a partitioned table that has expired
 * for every tenant that can have rows in it is detached and dropped whole (much cheaper than
 * deleting its rows), unless a hold could reach into it. A dry run lists what it would drop.
 */
@Named("retentionPartitionDrops")
@Dependent
public class RetentionPartitionDrops extends AbstractBatchlet {

    @Inject
    @BatchProperty(name = "runId")
    String runId;

    @Inject
    RetentionStore stores;

    @Inject
    DataMaps maps;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    java.time.Clock clock;

    @Override
    public String process() throws Exception {
        UUID run = UUID.fromString(runId);
        boolean dryRun;
        String already;
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT dry_run, partitions_dropped FROM retention_run WHERE id = ?")) {
            s.setObject(1, run);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                dryRun = rs.getBoolean(1);
                already = rs.getString(2);
            }
        }
        DataMap map = maps.active().map();
        JsonArrayBuilder dropped = Json.createArrayBuilder(Json.createReader(new java.io.StringReader(already)).readArray());
        List<String> heldAccounts = stores.heldAccounts();
        List<String> heldTenants = stores.heldOf(HoldScope.TENANT);
        for (PlannedRule rule : plannedRules(run)) {
            if (rule.earliestCutoff() == null) {
                continue;
            }
            io.quaestor.retention.control.RetentionPurge.Target columns = stores.target(map, rule.store(), rule.table(), null,
                    rule.earliestCutoff());
            if ((rule.anyHeld() && columns.tenantColumn() == null) || (!heldAccounts.isEmpty() && columns.accountColumn() == null
                    && rule.linkedToAccounts(map))) {
                continue;
            }
            for (RetentionStore.TimePartition p : stores.partitions(rule.store(), rule.table())) {
                if (p.to().isAfter(rule.earliestCutoff())) {
                    continue;
                }
                long rows = drop(rule.store(), rule.table(), p.name(), dryRun, columns, heldTenants, heldAccounts);
                if (rows < 0) {
                    continue;
                }
                dropped.add(Json.createObjectBuilder().add("store", rule.store()).add("table", rule.table()).add("partition", p.name())
                        .add("from", p.from().toString()).add("to", p.to().toString()).add("rows", rows).add("dryRun", dryRun));
            }
        }
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE retention_run SET partitions_dropped = ? WHERE id = ?")) {
            s.setString(1, dropped.build().toString());
            s.setObject(2, run);
            s.executeUpdate();
        }
        return "DONE";
    }

    /**
     * Detaches and drops the partition in one transaction of the store; returns how many rows it
     * held, or -1 when Quaestor's role may not drop it (it does not own it): then its rows go one
     * by one in the purge step, as for an ordinary table.
     */
    private long drop(String store, String table, String partition, boolean dryRun, io.quaestor.retention.control.RetentionPurge.Target
            columns, List<String> heldTenants, List<String> heldAccounts) throws Exception {
        try (Connection c = stores.store(store).getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (heldRows(c, partition, columns, heldTenants, heldAccounts) > 0) {
                    c.rollback();
                    return -1;
                }
                long rows;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + RetentionStore.q(partition))) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                if (!dryRun) {
                    s.execute("ALTER TABLE " + RetentionStore.q(table) + " DETACH PARTITION " + RetentionStore.q(partition));
                    s.execute("DROP TABLE " + RetentionStore.q(partition));
                }
                c.commit();
                return rows;
            } catch (java.sql.SQLException e) {
                c.rollback();
                if ("42501".equals(e.getSQLState())) {
                    return -1;
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Rows in the partition that a tenant or account hold protects (they keep the whole partition). */
    private static long heldRows(Connection c, String partition, io.quaestor.retention.control.RetentionPurge.Target columns,
                                 List<String> heldTenants, List<String> heldAccounts) throws java.sql.SQLException {
        List<String> conditions = new java.util.ArrayList<>();
        if (columns.tenantColumn() != null && !heldTenants.isEmpty()) {
            conditions.add(RetentionStore.q(columns.tenantColumn()) + "::text = ANY(?)");
        }
        if (columns.accountColumn() != null && !heldAccounts.isEmpty()) {
            conditions.add(RetentionStore.q(columns.accountColumn()) + "::text = ANY(?)");
        }
        if (conditions.isEmpty()) {
            return 0;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + RetentionStore.q(partition) + " WHERE "
                + String.join(" OR ", conditions))) {
            int i = 1;
            if (columns.tenantColumn() != null && !heldTenants.isEmpty()) {
                s.setArray(i++, c.createArrayOf("text", heldTenants.toArray()));
            }
            if (columns.accountColumn() != null && !heldAccounts.isEmpty()) {
                s.setArray(i, c.createArrayOf("text", heldAccounts.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A rule as planned for this run: the earliest cutoff over its tenants, and whether any tenant of it is held. */
    record PlannedRule(String store, String table, Instant earliestCutoff, boolean anyHeld) {
        boolean linkedToAccounts(DataMap map) {
            return map.table(store, table).map(DataMap.MappedTable::linked).orElse(true);
        }
    }

    private List<PlannedRule> plannedRules(UUID run) throws Exception {
        List<PlannedRule> rules = new java.util.ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT store, table_name, min(cutoff), bool_or(held_by IS NOT NULL) FROM retention_partition
                WHERE run_id = ? GROUP BY store, table_name ORDER BY 1, 2""")) {
            s.setObject(1, run);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime min = rs.getObject(3, OffsetDateTime.class);
                    rules.add(new PlannedRule(rs.getString(1), rs.getString(2), min == null ? null : min.toInstant(), rs.getBoolean(4)));
                }
            }
        }
        // Tenants the gateway knows nothing about still get the default period, which the plan may not hold: be safe.
        return rules.stream().map(r -> new PlannedRule(r.store(), r.table(), r.earliestCutoff() == null ? null
                : earliest(r, defaultCutoff(r)), r.anyHeld())).toList();
    }

    private Instant defaultCutoff(PlannedRule rule) {
        return new RetentionRules(maps.active().map()).rules().stream().filter(x -> x.table().equals(rule.table())).findFirst()
                .map(x -> RetentionRules.decide(x, null, null, new RetentionRules.Context(clock.instant(), java.util.Map.of(),
                        java.util.Set.of(), java.util.Set.copyOf(stores.heldOf(HoldScope.CATEGORY)))).cutoff()).orElse(null);
    }

    private static Instant earliest(PlannedRule rule, Instant other) {
        if (other == null) {
            return null;
        }
        return rule.earliestCutoff().isBefore(other) ? rule.earliestCutoff() : other;
    }
}
