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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One partition of the purge: deletes one rule's expired rows for all its tenants in chunks
 * (windows of the clock, each tenant below its own cutoff), writing every tenant's position and
 * rows after every chunk (the checkpoint), and sizing the next chunk so that each
 * takes about the configured time: long enough to be efficient, short enough not to hold up the
 * gateway's own writes. After each chunk it pauses as the {@link PurgePacer}'s write-rate ceiling
 * asks, and writes the ceiling, its back-offs and the pauses into each tenant's row of the run's
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

    /** The run's rows (seqs, comma-separated) of one rule's tenants, purged together. */
    @Inject
    @BatchProperty(name = "seqs")
    String seqs;

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
    @ConfigProperty(name = "quaestor.retention.max-rows-per-second", defaultValue = "150000")
    double maxRowsPerSecond;

    /** How much slower than the quietest probe the store may answer before the purge backs off. */
    @Inject
    @ConfigProperty(name = "quaestor.retention.busy-factor", defaultValue = "3")
    double busyFactor;

    private volatile boolean stopping;

    @Override
    public String process() throws Exception {
        if (seqs == null || seqs.isBlank()) {
            return "NOTHING";
        }
        UUID run = UUID.fromString(runId);
        Sweep sweep = open(run);
        if (sweep.members().isEmpty()) {
            return "DONE";
        }
        RetentionPurge.Target rule = stores.target(maps.active().map(), sweep.store(), sweep.table(), sweep.members().get(0).tenant(),
                sweep.members().get(0).cutoff());
        List<RetentionPurge.Target> targets = sweep.members().stream().map(m -> rule.forTenant(m.tenant(), m.cutoff())).toList();
        DataSource gateway = stores.store(sweep.store());
        List<Member> members = settle(run, gateway, targets, sweep.members());
        RetentionPurge purge = new RetentionPurge(gateway, targets);
        // Tenants of the rule may stand at different places (a run begun tenant by tenant); the
        // sweep starts at the earliest, and a window already handled for a tenant only finds rows
        // that expired since, each still deleted and counted once.
        RetentionPurge.Position position = members.stream().anyMatch(m -> m.position() == null) ? null
                : members.stream().map(Member::position).min(Comparator.comparing(RetentionPurge.Position::clock)).orElseThrow();
        PurgePacer pacer = new PurgePacer(maxRowsPerSecond, busyFactor);
        int size = FIRST_CHUNK;
        while (!stopping && runs.beat(run)) {
            long started = System.nanoTime();
            RetentionPurge.Chunk chunk = purge.next(position, size, stores::heldAccounts, sweep.dryRun(), c -> pending(run, members, c));
            long nanos = System.nanoTime() - started;
            position = chunk.next();
            checkpoint(run, members, chunk, pacer);
            if (chunk.done()) {
                return "DONE";
            }
            if (!sweep.dryRun()) {
                pauseFor(pacer.pauseAfter(chunk.rows(), Duration.ofNanos(nanos), RetentionPurge.probe(gateway)));
            }
            double ratio = (double) budget.toNanos() / Math.max(nanos, 1);
            size = (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, size * Math.max(0.5, Math.min(2.0, ratio))));
        }
        return "STOPPED";
    }

    /** The rule's tenants this partition purges, and where each stands. */
    private record Sweep(String store, String table, boolean dryRun, List<Member> members) {
    }

    /** One tenant of the sweep: its row of the run ({@code seq}), cutoff, checkpoint and pending chunk. */
    private record Member(int seq, String tenant, Instant cutoff, RetentionPurge.Position position, Instant pendingClock, long pendingRows) {
    }

    /** The partition's tenants not yet done, in seq order. */
    private Sweep open(UUID run) throws Exception {
        int[] wanted = Arrays.stream(seqs.split(",")).mapToInt(Integer::parseInt).toArray();
        String store = null;
        String table = null;
        boolean dryRun = false;
        List<Member> members = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT p.seq, p.store, p.table_name, "
                + "p.tenant, p.cutoff, p.position_clock, p.position_key, r.dry_run, p.pending_clock, p.pending_rows FROM retention_partition p "
                + "JOIN retention_run r ON r.id = p.run_id WHERE p.run_id = ? AND p.seq = ANY(?) AND NOT p.done ORDER BY p.seq")) {
            s.setObject(1, run);
            s.setArray(2, c.createArrayOf("integer", Arrays.stream(wanted).boxed().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    store = rs.getString(2);
                    table = rs.getString(3);
                    dryRun = rs.getBoolean(8);
                    OffsetDateTime clock = rs.getObject(6, OffsetDateTime.class);
                    OffsetDateTime pending = rs.getObject(9, OffsetDateTime.class);
                    members.add(new Member(rs.getInt(1), rs.getString(4), rs.getObject(5, OffsetDateTime.class).toInstant(),
                            clock == null ? null : new RetentionPurge.Position(clock.toInstant(), rs.getString(7)),
                            pending == null ? null : pending.toInstant(), rs.getLong(10)));
                }
            }
        }
        return new Sweep(store, table, dryRun, members);
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

    /**
     * Before the chunk commits on the store: what it is about to delete of each tenant, so that a
     * crash before the checkpoint cannot lose the count.
     */
    private void pending(UUID run, List<Member> members, RetentionPurge.Chunk chunk) throws Exception {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE retention_partition p SET "
                + "pending_clock = ?, pending_rows = v.rows FROM unnest(?::integer[], ?::bigint[]) AS v(seq, rows) "
                + "WHERE p.run_id = ? AND p.seq = v.seq")) {
            s.setObject(1, OffsetDateTime.ofInstant(chunk.next().clock(), ZoneOffset.UTC));
            bindRows(c, s, 2, members, chunk);
            s.setObject(4, run);
            s.executeUpdate();
        }
    }

    /**
     * Chunks were pending when the last execution died: for each tenant, if the store no longer has
     * its rows of the chunk's window, the commit happened and they are counted now; if it still has
     * them, the chunk rolled back. Returns the members as they stand after.
     */
    private List<Member> settle(UUID run, DataSource gateway, List<RetentionPurge.Target> targets, List<Member> members) throws Exception {
        List<Member> settled = new ArrayList<>();
        List<String> held = stores.heldAccounts();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            if (m.pendingClock() == null) {
                settled.add(m);
                continue;
            }
            boolean committed = new RetentionPurge(gateway, targets.get(i)).committed(m.position(), m.pendingClock(), m.pendingRows(), held);
            try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(committed
                    ? "UPDATE retention_partition SET position_clock = pending_clock, position_key = NULL, rows_deleted = rows_deleted + pending_rows, "
                    + "pending_clock = NULL, pending_rows = NULL WHERE run_id = ? AND seq = ?"
                    : "UPDATE retention_partition SET pending_clock = NULL, pending_rows = NULL WHERE run_id = ? AND seq = ?")) {
                s.setObject(1, run);
                s.setInt(2, m.seq());
                s.executeUpdate();
            }
            settled.add(new Member(m.seq(), m.tenant(), m.cutoff(), committed ? new RetentionPurge.Position(m.pendingClock(), null)
                    : m.position(), null, 0));
        }
        return settled;
    }

    /**
     * Every tenant's checkpoint after the chunk, in one statement: the shared position, its own rows,
     * done once the position has reached its cutoff, and the sweep's pacing.
     */
    private void checkpoint(UUID run, List<Member> members, RetentionPurge.Chunk chunk, PurgePacer pacer) throws Exception {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE retention_partition p SET "
                + "position_clock = ?, position_key = ?, rows_deleted = rows_deleted + v.rows, done = (? OR p.cutoff <= ?), rate_ceiling = ?, "
                + "backoffs = ?, paused_ms = ?, pending_clock = NULL, pending_rows = NULL FROM unnest(?::integer[], ?::bigint[]) AS v(seq, rows) "
                + "WHERE p.run_id = ? AND p.seq = v.seq")) {
            OffsetDateTime clock = chunk.next() == null ? null : OffsetDateTime.ofInstant(chunk.next().clock(), ZoneOffset.UTC);
            s.setObject(1, clock);
            s.setString(2, chunk.next() == null ? null : chunk.next().key());
            s.setBoolean(3, chunk.done());
            s.setObject(4, clock);
            s.setDouble(5, pacer.ceiling());
            s.setInt(6, pacer.backoffs());
            s.setLong(7, pacer.paused().toMillis());
            bindRows(c, s, 8, members, chunk);
            s.setObject(10, run);
            s.executeUpdate();
        }
    }

    /** The members' seqs and the chunk's rows of each, as two arrays from parameter {@code first}. */
    private static void bindRows(Connection c, PreparedStatement s, int first, List<Member> members, RetentionPurge.Chunk chunk)
            throws Exception {
        s.setArray(first, c.createArrayOf("integer", members.stream().map(Member::seq).toArray()));
        s.setArray(first + 1, c.createArrayOf("bigint", chunk.rowsByTarget().toArray()));
    }
}
