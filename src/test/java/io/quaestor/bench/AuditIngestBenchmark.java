package io.quaestor.bench;

import io.quaestor.launcher.EmbeddedDatabase;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sustained appends through the gateway's batched ingest API, against raw JDBC batch INSERTs of
 * the same rows (same columns, canonical bytes and leaf hashes precomputed) into a copy of the
 * table without triggers, from the same number of threads. Then the sealing lag of those events:
 * from being recorded to the first signed checkpoint that covers them.
 */
final class AuditIngestBenchmark implements Benchmark {

    private static final int THREADS = 4;
    private static final int[] SCALING = {1, THREADS, 8};
    private static final int BATCH = 500;
    private static final int WARMUP_BATCHES = 20;
    private static final int MEASURED_BATCHES_PER_THREAD = 25;

    @Override
    public String name() {
        return "audit-ingest";
    }

    @Override
    public String description() {
        return "POST /api/audit/ingest from " + THREADS + " client threads, " + BATCH + " events per batch, "
                + THREADS * MEASURED_BATCHES_PER_THREAD * BATCH + " measured events after " + WARMUP_BATCHES * BATCH
                + " warm-up events (and the same number of events from 1 and 8 threads for the scaling lines); each event validated, "
                + "pseudonymised, canonicalised, receipted and queued with its MAC, then sequenced, hashed, chained and signed by the "
                + "sequencer (no head lock in the request). Baseline: raw JDBC batch INSERT (reWriteBatchedInserts, as the server's datasource) of the same number of rows (precomputed "
                + "canonical bytes and hashes) into a trigger-free copy of audit_event, same threads and batch size. "
                + "Sealing lag: recorded_at to the issued_at of the first checkpoint covering the event, over the measured events.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        String token = BenchStaff.create(stack, "bench-gateway", "SERVICE", "GATEWAY").token();
        AtomicInteger warm = new AtomicInteger();
        Latencies.measure(1, WARMUP_BATCHES, () -> post(stack, token, batch(warm.incrementAndGet())));
        List<Figure> figures = new ArrayList<>();
        List<Figure> scaling = new ArrayList<>();
        for (int threads : SCALING) {
            int perThread = MEASURED_BATCHES_PER_THREAD * THREADS / threads;
            long firstSeq = maxSeq(stack) + 1;
            Latencies ingest = Latencies.measure(threads, perThread, () -> post(stack, token, batch(0)));
            double eventsPerSecond = ingest.perSecond() * BATCH;
            Thread.sleep(3_000);
            double[] lag = sealingLag(stack, firstSeq);
            Latencies raw = rawInserts(stack, threads, perThread);
            double rawPerSecond = raw.perSecond() * BATCH;
            String ratio = String.format("%.2f×", eventsPerSecond / rawPerSecond);
            if (threads == THREADS) {
                figures.add(new Figure("ingest: events/s, " + THREADS + " threads (target ≥ 10,000 and ≥ 0.5× raw)", f0(eventsPerSecond),
                        f0(rawPerSecond) + " (raw INSERT)", ratio));
                figures.add(new Figure("ingest: p50 / p99 ms per " + BATCH + "-event batch", f2(ingest.percentileMillis(50)) + " / "
                        + f2(ingest.percentileMillis(99)), f2(raw.percentileMillis(50)) + " / " + f2(raw.percentileMillis(99))
                        + " (raw INSERT)", ""));
                figures.add(new Figure("sealing lag p50 / p99 / max (target ≤ 2 s)", lag(lag), "", "under the ingest load above"));
            }
            scaling.add(new Figure("scaling: " + threads + (threads == 1 ? " thread" : " threads") + ": events/s; sealing lag p99",
                    f0(eventsPerSecond) + "; " + String.format("%.2f s", lag[1]), f0(rawPerSecond) + " (raw INSERT)", ratio));
        }
        figures.addAll(scaling);
        return figures;
    }

    private static String lag(double[] lag) {
        return String.format("%.2f / %.2f / %.2f s", lag[0], lag[1], lag[2]);
    }

    private static void post(BenchStack stack, String token, String body) throws Exception {
        HttpResponse<String> response = stack.send(BenchStaff.json(stack.request("api/audit/ingest"), body)
                .header("Authorization", "Bearer " + token));
        if (response.statusCode() != 200 || !response.body().contains("\"appended\":" + BATCH)) {
            throw new IllegalStateException("ingest failed: " + response.statusCode() + " " + response.body());
        }
    }

    private static String batch(int salt) {
        StringBuilder json = new StringBuilder("{\"events\":[");
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        for (int i = 0; i < BATCH; i++) {
            json.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(UUID.randomUUID()).append("\",\"occurredAt\":\"")
                    .append(now).append("\",\"actor\":{\"id\":\"adm-").append(i % 17).append("\",\"role\":\"support-admin\","
                    + "\"authenticationMethod\":\"sso\",\"breakGlass\":false},\"action\":\"account.viewed\",\"resourceType\":"
                    + "\"account\",\"resourceId\":\"acc-").append(i).append("\",\"tenant\":\"tenant-").append(i % 50)
                    .append("\",\"customer\":{\"kind\":\"email\",\"value\":\"user").append(i).append("-").append(salt)
                    .append("@customer.example\"},\"justificationCode\":\"CUSTOMER_SUPPORT\",\"justificationReference\":\"SUP-")
                    .append(i).append("\",\"outcome\":\"success\",\"sourceIp\":\"203.0.113.").append(i % 250)
                    .append("\",\"details\":{\"reason\":\"support ticket\"}}");
        }
        return json.append("]}").toString();
    }

    private static Connection superuser(BenchStack stack) throws Exception {
        return stack.database.superuserConnection(EmbeddedDatabase.QUAESTOR_DB);
    }

    private static long maxSeq(BenchStack stack) throws Exception {
        try (Connection c = superuser(stack); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), -1) FROM audit_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** p50, p99 and max seconds from recorded_at to the first checkpoint covering the event. */
    private static double[] sealingLag(BenchStack stack, long firstSeq) throws Exception {
        try (Connection c = superuser(stack); PreparedStatement s = c.prepareStatement("""
                WITH lag AS (
                  SELECT extract(epoch FROM (SELECT min(issued_at) FROM audit_checkpoint k WHERE k.tree_size > e.seq) - e.recorded_at) AS s
                  FROM audit_event e WHERE e.seq >= ?)
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.99) WITHIN GROUP (ORDER BY s), max(s),
                       count(*) FILTER (WHERE s IS NULL) FROM lag""")) {
            s.setLong(1, firstSeq);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(4) > 0) {
                    throw new IllegalStateException(rs.getLong(4) + " events were not sealed within 3 s of the run's end");
                }
                return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)};
            }
        }
    }

    private static Latencies rawInserts(BenchStack stack, int threads, int batchesPerThread) throws Exception {
        try (Connection c = superuser(stack); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_raw_audit_event");
            s.execute("CREATE TABLE bench_raw_audit_event (LIKE audit_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
            s.execute("CREATE SEQUENCE IF NOT EXISTS bench_raw_seq");
        }
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = superuser(stack); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT actor, actor_role, authentication_method, action, resource_type, resource_id, "
                     + "tenant, justification_code, justification_reference, outcome, origin, details, canonical, leaf_hash "
                     + "FROM audit_event WHERE canonical IS NOT NULL ORDER BY seq DESC LIMIT " + BATCH)) {
            while (rs.next()) {
                Object[] row = new Object[14];
                for (int i = 0; i < 14; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rows.add(row);
            }
        }
        String url = stack.database.jdbcUrl(EmbeddedDatabase.QUAESTOR_DB);
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                // The same driver setting the server's datasource uses: batches as multi-row INSERTs.
                Connection c = DriverManager.getConnection(url + "?reWriteBatchedInserts=true", "postgres", "");
                c.setAutoCommit(false);
                return c;
            } catch (Exception e) {
                throw new IllegalStateException(url, e);
            }
        });
        String insert = "INSERT INTO bench_raw_audit_event (seq, event_id, occurred_at, recorded_at, actor, actor_role, "
                + "authentication_method, action, resource_type, resource_id, tenant, justification_code, justification_reference, "
                + "outcome, origin, details, canonical, leaf_hash) VALUES (nextval('bench_raw_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        Latencies.Operation batch = () -> {
            Connection c = connections.get();
            try (PreparedStatement s = c.prepareStatement(insert)) {
                Timestamp now = Timestamp.from(Instant.now());
                for (Object[] row : rows) {
                    s.setObject(1, UUID.randomUUID());
                    s.setTimestamp(2, now);
                    s.setTimestamp(3, now);
                    for (int i = 0; i < 14; i++) {
                        s.setObject(4 + i, row[i]);
                    }
                    s.addBatch();
                }
                s.executeBatch();
            }
            c.commit();
        };
        Latencies.measure(1, WARMUP_BATCHES, batch);
        return Latencies.measure(threads, batchesPerThread, batch);
    }

    private static String f0(double v) {
        return String.format("%,.0f", v);
    }

    private static String f2(double v) {
        return String.format("%.2f", v);
    }
}
