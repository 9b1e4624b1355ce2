package io.quaestor.retention.batch;

import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.platform.persistence.DatabaseMigrations;
import io.quaestor.testing.TestDatabase;
import jakarta.batch.api.partition.PartitionPlan;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The purge step's partitions on real PostgreSQL: a rule's open tenants together, in sweeps of at most 500, done and held ones left out. */
class RetentionPartitionsTest {

    @Test
    void aRulesOpenTenantsArePurgedTogetherInSweepsOfAtMostFiveHundred() throws Exception {
        DatabaseMigrations.flyway(TestDatabase.quaestorOwner(), EmbeddedDatabase.QUAESTOR_RUNTIME).migrate();
        UUID run = UUID.randomUUID();
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO retention_run (id, dry_run, state, datamap_version, started_by, "
                    + "started_at, heartbeat_at) VALUES (?, false, 'STOPPED', 'test', 'test', now(), now())")) {
                s.setObject(1, run);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO retention_partition (run_id, seq, store, table_name, category, tenant, "
                    + "cutoff, days_applied, reason, held_by, done) VALUES (?, ?, 'gateway', ?, 'c', ?, ?, 30, 'r', ?, ?)")) {
                for (int seq = 0; seq <= 1202; seq++) {
                    boolean held = seq == 1202;
                    s.setObject(1, run);
                    s.setInt(2, seq);
                    s.setString(3, seq <= 1200 ? "request_metadata" : seq == 1201 ? "login_records" : "invoices");
                    s.setString(4, seq <= 1200 ? "tenant-" + seq : null);
                    s.setObject(5, held ? null : java.time.OffsetDateTime.now());
                    s.setString(6, held ? "category:c" : null);
                    s.setBoolean(7, held || seq == 1200);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        RetentionPartitions mapper = new RetentionPartitions();
        mapper.runId = run.toString();
        mapper.threads = "2";
        mapper.quaestor = TestDatabase.quaestorRuntime();
        PartitionPlan plan = mapper.mapPartitions();

        List<String> sweeps = Arrays.stream(plan.getPartitionProperties()).map(p -> p.getProperty("seqs")).toList();
        assertEquals(List.of(range(0, 500), range(500, 1000), range(1000, 1200), "1201"), sweeps,
                "request_metadata's 1,200 open tenants in three sweeps, its done one and the held rule left out");
        assertEquals(4, plan.getPartitions());
        assertEquals(2, plan.getThreads());
    }

    private static String range(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
