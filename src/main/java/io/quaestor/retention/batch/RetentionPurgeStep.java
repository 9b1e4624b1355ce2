package io.quaestor.retention.batch;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.retention.control.PurgePacer;
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
 * gateway's own writes. After each chunk it pauses as the {@link PurgePacer}'s write-rate ceiling
 * asks, and writes the ceiling, its back-offs and the pauses into the partition's row of the run's
 * record. Stops between chunks when the run is stopped.
 */
@Named("retentionPurgeStep")
@Dependent
public class RetentionPurgeStep extends AbstractBatchlet {

    /** Rows the first chunk aims at: about a tenth of a second of deleting on a small machine, then sized to the budget. */
    private static final int FIRST_CHUNK = 10_000;
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

    /** The write-rate ceiling's upper bound; it adapts below it when the store is busy. */
    @Inject
    @ConfigProperty(name = "quaestor.retention.max-rows-per-second", defaultValue = "60000")
    double maxRowsPerSecond;

    /** How much slower than the quietest probe the store may answer before the purge backs off. */
    @Inject
    @ConfigProperty(name = "quaestor.retention.busy-factor", defaultValue = "3")
    double busyFactor;

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
        Instant pendingClock;
        long pendingRows;
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT p.store, p.table_name, p.tenant, "
                + "p.cutoff, p.position_clock, p.position_key, r.dry_run, p.pending_clock, p.pending_rows FROM retention_partition p "
                + "JOIN retention_run r ON r.id = p.run_id WHERE p.run_id = ? AND p.seq = ? AND NOT p.done")) {
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
                OffsetDateTime pending = rs.getObject(8, OffsetDateTime.class);
                pendingClock = pending == null ? null : pending.toInstant();
                pendingRows = rs.getLong(9);
            }
        }
        RetentionPurge purge = new RetentionPurge(stores.store(store),
                stores.target(maps.active().map(), store, table, tenant, cutoff));
        if (pendingClock != null) {
            position = settle(run, partition, purge, position, pendingClock, pendingRows);
        }
        DataSource gateway = stores.store(store);
        PurgePacer pacer = new PurgePacer(maxRowsPerSecond, busyFactor);
        int size = FIRST_CHUNK;
        while (!stopping && runs.beat(run)) {
            long started = System.nanoTime();
            RetentionPurge.Chunk chunk = purge.next(position, size, stores::heldAccounts, dryRun, c -> pending(run, partition, c));
            long nanos = System.nanoTime() - started;
            position = chunk.next();
            checkpoint(run, partition, chunk, pacer);
            if (chunk.done()) {
                return "DONE";
            }
            if (!dryRun) {
                pauseFor(pacer.pauseAfter(chunk.rows(), Duration.ofNanos(nanos), RetentionPurge.probe(gateway)));
            }
            double ratio = (double) budget.toNanos() / Math.max(nanos, 1);
            size = (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, size * Math.max(0.5, Math.min(2.0, ratio))));
        }
        return "STOPPED";
    }

    /** Pauses in short slices, so that a stop is not kept waiting. */
    private void pauseFor(Duration pause) throws InterruptedException {
        long until = System.nanoTime() + pause.toNanos();
        while (!stopping && System.nanoTime() < until) {
            Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
        }
    }

    @Override
    public void stop() {
        stopping = true;
    }

    /** Before the chunk commits on the store: what it is about to delete, so a crash before the checkpoint cannot lose its count. */
    private void pending(UUID run, int partition, RetentionPurge.Chunk chunk) throws Exception {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE retention_partition SET pending_clock = ?, pending_rows = ? WHERE run_id = ? AND seq = ?")) {
            s.setObject(1, OffsetDateTime.ofInstant(chunk.next().clock(), ZoneOffset.UTC));
            s.setLong(2, chunk.rows());
            s.setObject(3, run);
            s.setInt(4, partition);
            s.executeUpdate();
        }
    }

    /**
     * A chunk was pending when the last execution died: if the store no longer has its window's
     * rows, its commit happened and its rows are counted now; if it still has them, it rolled back.
     */
    private RetentionPurge.Position settle(UUID run, int partition, RetentionPurge purge, RetentionPurge.Position position,
                                           Instant pendingClock, long pendingRows) throws Exception {
        boolean committed = purge.committed(position, pendingClock, pendingRows, stores.heldAccounts());
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(committed
                ? "UPDATE retention_partition SET position_clock = pending_clock, position_key = NULL, rows_deleted = rows_deleted + pending_rows, "
                + "pending_clock = NULL, pending_rows = NULL WHERE run_id = ? AND seq = ?"
                : "UPDATE retention_partition SET pending_clock = NULL, pending_rows = NULL WHERE run_id = ? AND seq = ?")) {
            s.setObject(1, run);
            s.setInt(2, partition);
            s.executeUpdate();
        }
        return committed ? new RetentionPurge.Position(pendingClock, null) : position;
    }

    private void checkpoint(UUID run, int partition, RetentionPurge.Chunk chunk, PurgePacer pacer) throws Exception {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE retention_partition SET "
                + "position_clock = ?, position_key = ?, rows_deleted = rows_deleted + ?, done = ?, rate_ceiling = ?, backoffs = ?, "
                + "paused_ms = ?, pending_clock = NULL, pending_rows = NULL WHERE run_id = ? AND seq = ?")) {
            s.setObject(1, chunk.next() == null ? null : OffsetDateTime.ofInstant(chunk.next().clock(), ZoneOffset.UTC));
            s.setString(2, chunk.next() == null ? null : chunk.next().key());
            s.setLong(3, chunk.rows());
            s.setBoolean(4, chunk.done());
            s.setDouble(5, pacer.ceiling());
            s.setInt(6, pacer.backoffs());
            s.setLong(7, pacer.paused().toMillis());
            s.setObject(8, run);
            s.setInt(9, partition);
            s.executeUpdate();
        }
    }
}
