package io.quaestor.bench;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.retention.control.PurgePacer;
import io.quaestor.retention.control.RetentionPurge;
import io.quaestor.retention.control.RetentionRules;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The retention purge on 10 million metadata rows over 120 days across 50 tenants with mixed
 * periods (30, 60, 90 and 180 days). Tenants are split into two halves with the same mix: the
 * engine (its tenants swept together in clock-window chunks sized to a 0.25 s budget, paced, a
 * checkpoint write per chunk)
 * purges one half, psql's raw DELETE per tenant the other, each under the same insert load, rows
 * per second compared. Whole partitions: the engine's detach-and-drop of 20 expired partitions
 * against raw DROP TABLE of 20 identical ones. And the p99 latency of single-row inserts into the
 * metadata table while the engine purges and while the raw DELETE runs, against the same load with
 * no purge.
 */
final class RetentionBenchmark implements Benchmark {

    static final int[] PERIODS = {30, 60, 90, 180};
    /** RetentionPurgeStep's pacing defaults (quaestor.retention.max-rows-per-second, busy-factor); -Dbench.retention.ceiling to try another. */
    private static final double CEILING = Double.parseDouble(System.getProperty("bench.retention.ceiling", "150000"));
    /** RetentionPurgeStep's chunk budget (quaestor.retention.chunk-budget); -Dbench.retention.budget to try another. */
    private static final Duration BUDGET = Duration.parse(System.getProperty("bench.retention.budget", "PT0.25S"));
    private static final int[] PACING = new int[2];

    @Override
    public String name() {
        return "retention";
    }

    @Override
    public String description() {
        return "Retention purge on 10,000,000 metadata rows over 120 days, 50 tenants with periods of 30/60/90/180 days, split "
                + "into two halves with the same mix. Engine: io.quaestor.retention.control.RetentionPurge as the batch step drives it "
                + "(the half's 25 tenants swept together in clock-window chunks sized to 0.25 s, paced under the step's write-rate ceiling, each tenant's pending rows and checkpoint written around each chunk, on one kept connection as a pool gives) on one half; baseline: psql DELETE ... WHERE "
                + "organization_id = t AND occurred_at < cutoff per tenant of the other half, under the same insert load. Partitions: engine-style DETACH + DROP "
                + "of 20 expired daily partitions (50,000 rows each) against psql DROP TABLE of 20 identical ones. Insert latency: "
                + "single-row INSERTs at about 200/s into request_metadata during each purge, against the same load without one. "
                + "Targets: purge rate ≥ 0.8× raw DELETE; insert p99 ≤ 2× no-purge.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        PGSimpleDataSource gateway = stack.gateway();
        new GatewayDataGenerator(gateway::getConnection, 2)
                .generate(new GenerationPlan(50, 5_000, 10_000_000, 120, 5, 23, LocalDate.now(ZoneOffset.UTC)));
        DataMap map = DataMapValidator.validate(DataMapReader.read(new StringReader(Files.readString(
                Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"), name -> Optional.of(gateway));
        Map<String, Integer> days = assignPeriods(gateway);
        Halves halves = Halves.of(gateway, map, days);
        List<RetentionRules.Cutoff> engineHalf = halves.engine();
        String rawHalf = halves.rawScript();
        long rawRows = halves.rawRows();

        Latencies idle = insertLoad(gateway, null);
        AtomicBoolean purging = new AtomicBoolean(true);
        long[] engineRows = new long[1];
        double[] engineSeconds = new double[1];
        Thread purge = new Thread(() -> {
            try {
                long start = System.nanoTime();
                engineRows[0] = purge(gateway, map, engineHalf);
                engineSeconds[0] = (System.nanoTime() - start) / 1e9;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                purging.set(false);
            }
        });
        long[] walBefore = wal(stack);
        purge.start();
        Latencies during = insertLoad(gateway, purging);
        purge.join();
        long[] engineWal = since(walBefore, wal(stack));
        // The raw half runs under the same insert load: a baseline that had the two cores to itself
        // measured the load's share of the machine as much as the engine's pacing.
        AtomicBoolean deleting = new AtomicBoolean(true);
        double[] rawSeconds = new double[1];
        Thread raw = new Thread(() -> {
            try {
                rawSeconds[0] = stack.psqlOnGateway(rawHalf, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                deleting.set(false);
            }
        });
        walBefore = wal(stack);
        raw.start();
        Latencies duringRaw = insertLoad(gateway, deleting);
        raw.join();
        long[] rawWal = since(walBefore, wal(stack));

        double[] drops = partitions(stack, gateway);
        return List.of(
                new Figure("purge: engine half / raw half", String.format("%,d rows in %.1f s", engineRows[0], engineSeconds[0]),
                        String.format("%,d rows in %.1f s (psql DELETE)", rawRows, rawSeconds[0]), ""),
                new Figure("purge rate (rows/s), both under the insert load", String.format("%,.0f", engineRows[0] / engineSeconds[0]),
                        String.format("%,.0f", rawRows / rawSeconds[0]), String.format("%.2f×", (engineRows[0] / engineSeconds[0]) / (rawRows / rawSeconds[0]))),
                new Figure("20 expired partitions (1,000,000 rows) detached and dropped", String.format("%.2f s", drops[0]),
                        String.format("%.2f s (psql DROP TABLE)", drops[1]), String.format("%.2f×", drops[0] / drops[1])),
                new Figure("WAL per deleted row: bytes; full-page images per 1,000 rows", walPerRow(engineWal, engineRows[0]),
                        walPerRow(rawWal, rawRows) + " (psql DELETE)", "every commit of the gateway's waits for this to be flushed"),
                new Figure("pacing: ceiling / back-offs / pauses", String.format("%,.0f rows/s / %d / %.1f s", CEILING, PACING[0], PACING[1] / 1000.0),
                        "", ""),
                new Figure("insert latency p50 / p99 during the purge", String.format("%.2f / %.2f ms", during.percentileMillis(50), during.percentileMillis(99)),
                        String.format("%.2f / %.2f ms (no purge)", idle.percentileMillis(50), idle.percentileMillis(99)), String.format("%.2f× (p99)", during.percentileMillis(99) / idle.percentileMillis(99))),
                new Figure("insert latency p50 / p99 during the raw DELETE", String.format("%.2f / %.2f ms", duringRaw.percentileMillis(50),
                        duringRaw.percentileMillis(99)), String.format("%.2f / %.2f ms (no purge)", idle.percentileMillis(50),
                        idle.percentileMillis(99)), String.format("%.2f× (p99)", duringRaw.percentileMillis(99) / idle.percentileMillis(99))));
    }

    /**
     * As RetentionPurgeStep does it: the half's tenants swept together in clock windows, chunks
     * sized to a 0.25 s budget, each tenant's pending rows written before each commit and its
     * checkpoint after it (one row per tenant, one statement each), on one kept connection (in
     * Payara the step's connections come from a pool; opening a connection per chunk would measure
     * PostgreSQL's authentication, not the purge).
     */
    private static long purge(PGSimpleDataSource store, DataMap map, List<RetentionRules.Cutoff> cutoffs) throws Exception {
        return purge(store, cutoffs, CEILING);
    }

    /** One rule's tenants purged as the step does it, with the given write-rate ceiling (rows/s). */
    static long purge(PGSimpleDataSource store, List<RetentionRules.Cutoff> cutoffs, double ceiling) throws Exception {
        try (Connection kept = store.getConnection(); Connection checkpoints = store.getConnection()) {
            return purge(pooled(kept), checkpoints, cutoffs, ceiling);
        }
    }

    /** As the step: the pending chunk written before each commit and the checkpoint after it, on a connection of their own (Quaestor's database in production). */
    private static long purge(javax.sql.DataSource gateway, Connection checkpoints, List<RetentionRules.Cutoff> cutoffs, double ceiling)
            throws Exception {
        RetentionPurge.Target rule = new RetentionPurge.Target("request_metadata", "occurred_at", "request_id", "uuid",
                "organization_id", "uuid", cutoffs.get(0).tenant(), "account_id", cutoffs.get(0).cutoff());
        List<RetentionPurge.Target> targets = cutoffs.stream().map(c -> rule.forTenant(c.tenant(), c.cutoff())).toList();
        RetentionPurge purge = new RetentionPurge(gateway, targets);
        Integer[] seqs = new Integer[targets.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = i + 1;
        }
        checkpoints.createStatement().execute("TRUNCATE bench_checkpoint");
        try (PreparedStatement s = checkpoints.prepareStatement("INSERT INTO bench_checkpoint SELECT v.seq, null, 0, null, false, v.cutoff "
                + "FROM unnest(?::integer[], ?::timestamptz[]) AS v(seq, cutoff)")) {
            s.setArray(1, checkpoints.createArrayOf("integer", seqs));
            s.setArray(2, checkpoints.createArrayOf("timestamptz", targets.stream().map(t -> java.sql.Timestamp.from(t.cutoff())).toArray()));
            s.execute();
        }
        RetentionPurge.Position position = null;
        PurgePacer pacer = new PurgePacer(ceiling, 3);
        int size = 10_000;
        long rows = 0;
        while (true) {
            long started = System.nanoTime();
            RetentionPurge.Chunk chunk = purge.next(position, size, List::of, false, pending -> {
                try (PreparedStatement s = checkpoints.prepareStatement("UPDATE bench_checkpoint b SET pending = ? || '/' || v.rows "
                        + "FROM unnest(?::integer[], ?::bigint[]) AS v(seq, rows) WHERE b.seq = v.seq")) {
                    s.setString(1, pending.next().clock().toString());
                    s.setArray(2, checkpoints.createArrayOf("integer", seqs));
                    s.setArray(3, checkpoints.createArrayOf("bigint", pending.rowsByTarget().toArray()));
                    s.executeUpdate();
                }
            });
            long nanos = System.nanoTime() - started;
            rows += chunk.rows();
            position = chunk.next();
            try (PreparedStatement s = checkpoints.prepareStatement("UPDATE bench_checkpoint b SET position = ?, rows = b.rows + v.rows, "
                    + "pending = NULL, done = b.cutoff <= ?::timestamptz FROM unnest(?::integer[], ?::bigint[]) AS v(seq, rows) WHERE b.seq = v.seq")) {
                s.setString(1, position == null ? null : position.clock().toString());
                s.setString(2, position == null ? null : position.clock().toString());
                s.setArray(3, checkpoints.createArrayOf("integer", seqs));
                s.setArray(4, checkpoints.createArrayOf("bigint", chunk.rowsByTarget().toArray()));
                s.executeUpdate();
            }
            if (chunk.done()) {
                PACING[0] += pacer.backoffs();
                PACING[1] += (int) pacer.paused().toMillis();
                return rows;
            }
            Duration pause = pacer.pauseAfter(chunk.rows(), Duration.ofNanos(nanos), RetentionPurge.probe(gateway));
            Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
            double ratio = (double) BUDGET.toNanos() / Math.max(nanos, 1);
            size = (int) Math.max(200, Math.min(50_000, size * Math.max(0.5, Math.min(2.0, ratio))));
        }
    }

    /** A data source that hands out one open connection whose close() returns it (as a pool would) instead of closing it. */
    private static javax.sql.DataSource pooled(Connection kept) {
        Connection lent = (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!kept.getAutoCommit()) {
                            kept.rollback();
                            kept.setAutoCommit(true);
                        }
                        return null;
                    }
                    try {
                        return method.invoke(kept, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(javax.sql.DataSource.class.getClassLoader(),
                new Class<?>[]{javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return lent;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The store's WAL counters (pg_stat_wal): bytes and full-page images written so far. */
    private static long[] wal(BenchStack stack) throws Exception {
        try (Connection c = stack.database.superuserConnection(EmbeddedDatabase.GATEWAY_DB);
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT wal_bytes::bigint, wal_fpi FROM pg_stat_wal")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static long[] since(long[] before, long[] after) {
        return new long[] {after[0] - before[0], after[1] - before[1]};
    }

    private static String walPerRow(long[] wal, long rows) {
        return String.format("%,.0f; %,.1f", (double) wal[0] / rows, wal[1] * 1000.0 / rows);
    }

    /** Single-row inserts of recent metadata at about 200/s, for 20 s or while the purge runs. */
    private static Latencies insertLoad(PGSimpleDataSource gateway, AtomicBoolean whilePurging) throws Exception {
        List<Long> nanos = new ArrayList<>();
        long begin = System.nanoTime();
        long end = System.nanoTime() + 20_000_000_000L;
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO request_metadata (occurred_at, "
                + "request_id, account_id, organization_id, model, prompt_tokens, completion_tokens, total_tokens, cost_micro_usd, latency_ms, "
                + "http_status) VALUES (now(), ?, ?, ?, 'bench', 1, 1, 2, 1, 1, 200)")) {
            UUID org = UUID.randomUUID();
            while (whilePurging == null ? System.nanoTime() < end : whilePurging.get()) {
                long start = System.nanoTime();
                s.setObject(1, UUID.randomUUID());
                s.setObject(2, UUID.randomUUID());
                s.setObject(3, org);
                s.executeUpdate();
                nanos.add(System.nanoTime() - start);
                Thread.sleep(5);
            }
        }
        return new Latencies(nanos.stream().mapToLong(Long::longValue).toArray(), System.nanoTime() - begin);
    }

    /** Engine-style and raw drops of 20 expired partitions of 50,000 rows each; seconds for each. */
    private static double[] partitions(BenchStack stack, PGSimpleDataSource gateway) throws Exception {
        StringBuilder raw = new StringBuilder();
        List<String> engine = new ArrayList<>();
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_twin (LIKE request_metadata INCLUDING ALL) PARTITION BY RANGE (occurred_at)");
            for (int d = 0; d < 20; d++) {
                LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(900 + d);
                s.execute("SELECT ensure_request_metadata_partitions('" + day + "', '" + day + "')");
                String twin = "bench_twin_p" + day.toString().replace("-", "");
                s.execute("CREATE TABLE " + twin + " PARTITION OF bench_twin FOR VALUES FROM ('" + day + " 00:00:00+00') TO ('"
                        + day.plusDays(1) + " 00:00:00+00')");
                for (String table : new String[]{"request_metadata", "bench_twin"}) {
                    s.execute("INSERT INTO " + table + " (occurred_at, request_id, account_id, organization_id, model, prompt_tokens, "
                            + "completion_tokens, total_tokens, cost_micro_usd, latency_ms, http_status) SELECT '" + day
                            + "'::date + ((g % 86400) || ' seconds')::interval, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), "
                            + "'m', 1, 1, 2, 1, 1, 200 FROM generate_series(1, 50000) g");
                }
                engine.add("request_metadata_p" + day.toString().replace("-", ""));
                raw.append("ALTER TABLE bench_twin DETACH PARTITION ").append(twin).append("; DROP TABLE ").append(twin).append(";\n");
            }
        }
        long start = System.nanoTime();
        for (String partition : engine) {
            try (Connection c = gateway.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + partition)) {
                        rs.next();
                    }
                    s.execute("ALTER TABLE request_metadata DETACH PARTITION " + partition);
                    s.execute("DROP TABLE " + partition);
                }
                c.commit();
            }
        }
        double engineSeconds = (System.nanoTime() - start) / 1e9;
        return new double[]{engineSeconds, stack.psqlOnGateway(raw.toString(), false)};
    }

    /**
     * Gives the store's tenants the benchmark's mix of periods (pairs of tenants per period, so the
     * engine's half and psql's half get the same mix), adds the checkpoint table the purge writes
     * to, and analyzes the metadata; returns each tenant's period in days, in tenant order.
     */
    static Map<String, Integer> assignPeriods(PGSimpleDataSource store) throws Exception {
        List<String> tenants = new ArrayList<>();
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id::text FROM organizations ORDER BY id")) {
            while (rs.next()) {
                tenants.add(rs.getString(1));
            }
        }
        Map<String, Integer> days = new LinkedHashMap<>();
        for (int i = 0; i < tenants.size(); i++) {
            days.put(tenants.get(i), PERIODS[(i / 2) % PERIODS.length]);
        }
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE organizations SET metadata_retention_days = ? WHERE id::text = ?")) {
            for (Map.Entry<String, Integer> e : days.entrySet()) {
                s.setInt(1, e.getValue());
                s.setString(2, e.getKey());
                s.executeUpdate();
            }
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS bench_checkpoint (seq int PRIMARY KEY, position text, rows bigint, pending text, "
                    + "done boolean, cutoff timestamptz)");
            c.createStatement().execute("VACUUM ANALYZE request_metadata");
        }
        return days;
    }

    /**
     * The tenants split into two halves with the same mix of periods: every other tenant's cutoff
     * for the engine, the rest as psql DELETE statements, with the rows those will delete.
     */
    record Halves(List<RetentionRules.Cutoff> engine, String rawScript, long rawRows) {
        static Halves of(PGSimpleDataSource store, DataMap map, Map<String, Integer> days) throws Exception {
            RetentionRules.Rule rule = new RetentionRules(map).rules().stream().filter(r -> r.table().equals("request_metadata"))
                    .findFirst().orElseThrow();
            Instant now = Instant.now();
            List<String> tenants = new ArrayList<>(days.keySet());
            List<RetentionRules.Cutoff> engine = new ArrayList<>();
            StringBuilder raw = new StringBuilder();
            long rawRows = 0;
            for (int i = 0; i < tenants.size(); i++) {
                RetentionRules.Cutoff cutoff = RetentionRules.decide(rule, tenants.get(i), days.get(tenants.get(i)),
                        new RetentionRules.Context(now, days, Set.of(), Set.of()));
                if (i % 2 == 0) {
                    engine.add(cutoff);
                } else {
                    raw.append("DELETE FROM request_metadata WHERE organization_id = '").append(cutoff.tenant())
                            .append("' AND occurred_at < '").append(cutoff.cutoff()).append("';\n");
                    rawRows += count(store, cutoff.tenant(), cutoff.cutoff());
                }
            }
            return new Halves(engine, raw.toString(), rawRows);
        }
    }

    static long count(PGSimpleDataSource gateway, String tenant, Instant cutoff) throws Exception {
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM request_metadata WHERE organization_id::text = ? AND occurred_at < ?")) {
            s.setString(1, tenant);
            s.setTimestamp(2, java.sql.Timestamp.from(cutoff));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}
