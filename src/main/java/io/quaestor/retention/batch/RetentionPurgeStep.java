package io.quaestor.retention.batch;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.retention.control.RetentionPurge;
import io.quaestor.retention.control.RetentionRuns;
import jakarta.annotation.Resource;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * One partition of the purge: deletes the rule's expired rows for one tenant in chunks (windows of the clock),
 * writing the position after every chunk (the checkpoint), and sizing the next chunk so that each
 * takes about the configured time: long enough to be efficient, short enough not to hold up the
 * gateway's own writes. Stops between chunks when the run is stopped.
 */
@Named("retentionPurgeStep")
@Dependent
public class RetentionPurgeStep extends AbstractBatchlet {

    private static final int MIN_CHUNK = 200;
    private static final int MAX_CHUNK = 50_000;

    @Inject
    @BatchProperty(name = "runId")
    String runId;

    @Inject
    @BatchProperty(name = "seq")
    String seq;

    @Inject
    RetentionStore stores;

    @Inject
    RetentionRuns runs;

    @Inject
    DataMaps maps;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    @ConfigProperty(name = "quaestor.retention.chunk-budget", defaultValue = "PT0.25S")
    Duration budget;

    private volatile boolean stopping;

    @Override
    public String process() throws Exception {
        if ("-1".equals(seq)) {
            return "NOTHING";
        }
        UUID run = UUID.fromString(runId);
        int partition = Integer.parseInt(seq);
        String store;
        String table;
        String tenant;
        Instant cutoff;
        RetentionPurge.Position position;
        boolean dryRun;
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT p.store, p.table_name, p.tenant, "
                + "p.cutoff, p.position_clock, p.position_key, r.dry_run FROM retention_partition p JOIN retention_run r ON r.id = p.run_id "
                + "WHERE p.run_id = ? AND p.seq = ? AND NOT p.done")) {
            s.setObject(1, run);
            s.setInt(2, partition);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return "DONE";
                }
                store = rs.getString(1);
                table = rs.getString(2);
                tenant = rs.getString(3);
                cutoff = rs.getObject(4, OffsetDateTime.class).toInstant();
                OffsetDateTime clock = rs.getObject(5, OffsetDateTime.class);
                position = clock == null ? null : new RetentionPurge.Position(clock.toInstant(), rs.getString(6));
                dryRun = rs.getBoolean(7);
            }
        }
        RetentionPurge purge = new RetentionPurge(stores.store(store),
                stores.target(maps.active().map(), store, table, tenant, cutoff));
        int size = 2_000;
        while (!stopping && runs.beat(run)) {
            long started = System.nanoTime();
            RetentionPurge.Chunk chunk = purge.next(position, size, stores::heldAccounts, dryRun);
            long nanos = System.nanoTime() - started;
            position = chunk.next();
            checkpoint(run, partition, chunk);
            if (chunk.done()) {
                return "DONE";
            }
            double ratio = (double) budget.toNanos() / Math.max(nanos, 1);
            size = (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, size * Math.max(0.5, Math.min(2.0, ratio))));
        }
        return "STOPPED";
    }

    @Override
    public void stop() {
        stopping = true;
    }

    private void checkpoint(UUID run, int partition, RetentionPurge.Chunk chunk) throws Exception {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE retention_partition SET "
                + "position_clock = ?, position_key = ?, rows_deleted = rows_deleted + ?, done = ? WHERE run_id = ? AND seq = ?")) {
            s.setObject(1, chunk.next() == null ? null : OffsetDateTime.ofInstant(chunk.next().clock(), ZoneOffset.UTC));
            s.setString(2, chunk.next() == null ? null : chunk.next().key());
            s.setLong(3, chunk.rows());
            s.setBoolean(4, chunk.done());
            s.setObject(5, run);
            s.setInt(6, partition);
            s.executeUpdate();
        }
    }
}
