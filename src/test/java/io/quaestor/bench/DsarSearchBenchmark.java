package io.quaestor.bench;

import io.quaestor.launcher.EmbeddedDatabase;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * The privacy office's request list with 100,000 requests in the database, at a steady 100
 * requests per second: the first page, a filtered page (open erasures), and a search by email.
 * Baseline: the same SQL the server runs, over raw JDBC, at the same pace.
 */
final class DsarSearchBenchmark implements Benchmark {

    static final int REQUESTS = 100_000;
    private static final int RATE = 100;
    private static final int SECONDS = 20;
    private static final int THREADS = 4;

    @Override
    public String name() {
        return "dsar-search";
    }

    @Override
    public String description() {
        return String.format("%,d requests in dsar_request (generated in SQL, spread over a year, every state and type), "
                + "plus officer-filed ones to search for. Each query is sent at a steady %d requests/s for %d s from %d threads "
                + "over HTTP as a privacy officer: the first page (50, newest first), open erasures (status and type filter), "
                + "and a search by email (HMAC key). Baseline: the same SQL over raw JDBC at the same pace. Target: p99 < 50 ms.",
                REQUESTS, RATE, SECONDS, THREADS);
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        fill(stack);
        BenchStaff.Identity officer = BenchStaff.create(stack, "bench-officer", "PERSON", "PRIVACY_OFFICER");
        String email = "bench.searched@subject.example";
        for (int i = 0; i < 3; i++) {
            BenchStaff.check(stack.send(BenchStaff.json(stack.request("api/dsar/requests"), "{\"type\":\"ACCESS\",\"email\":\"" + email
                    + "\",\"region\":\"EU\",\"receivedAt\":\"" + Instant.now().minus(i, ChronoUnit.DAYS) + "\",\"evidence\":\"bench\"}")
                    .header("Authorization", "Bearer " + officer.token())), 201);
        }
        byte[] emailKey = emailKey(stack, email);
        List<Figure> figures = new ArrayList<>();
        String[][] queries = {
                {"first page", "api/dsar/requests?limit=50", "SELECT id, reference, type, status, channel, regime, received_at, "
                        + "coalesce(extended_due_at, due_at), assignee_id, extended_due_at IS NOT NULL, closed_at FROM dsar_request "
                        + "WHERE true ORDER BY received_at DESC, id DESC LIMIT 51"},
                {"open erasures", "api/dsar/requests?status=IN_PROGRESS&type=ERASURE&limit=50", "SELECT id, reference, type, status, "
                        + "channel, regime, received_at, coalesce(extended_due_at, due_at), assignee_id, extended_due_at IS NOT NULL, "
                        + "closed_at FROM dsar_request WHERE true AND status = 'IN_PROGRESS' AND type = 'ERASURE' "
                        + "ORDER BY received_at DESC, id DESC LIMIT 51"},
                {"search by email", "api/dsar/requests?email=" + email, null}};
        for (String[] query : queries) {
            HttpRequest request = stack.request(query[1]).header("Authorization", "Bearer " + officer.token()).GET().build();
            paced(() -> expectOk(stack, request));
            Latencies http = paced(() -> expectOk(stack, request));
            Latencies raw = raw(stack, query[2], emailKey);
            figures.add(new Figure(query[0] + ": p50 / p99 ms at " + RATE + "/s (target p99 < 50)",
                    f2(http.percentileMillis(50)) + " / " + f2(http.percentileMillis(99)),
                    f2(raw.percentileMillis(50)) + " / " + f2(raw.percentileMillis(99)) + " (raw SQL)",
                    String.format("%+.2f ms at p99", http.percentileMillis(99) - raw.percentileMillis(99))));
        }
        return figures;
    }

    private static void expectOk(BenchStack stack, HttpRequest request) throws Exception {
        HttpResponse<String> response = stack.http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("unexpected " + response.statusCode() + ": " + response.body());
        }
    }

    private static Latencies raw(BenchStack stack, String sql, byte[] emailKey) throws Exception {
        String query = sql != null ? sql : "SELECT id, reference, type, status, channel, regime, received_at, "
                + "coalesce(extended_due_at, due_at), assignee_id, extended_due_at IS NOT NULL, closed_at FROM dsar_request "
                + "WHERE true AND subject_email_key = ? ORDER BY received_at DESC, id DESC LIMIT 51";
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                return DriverManager.getConnection(stack.database.jdbcUrl(EmbeddedDatabase.QUAESTOR_DB), EmbeddedDatabase.QUAESTOR_RUNTIME,
                        "bench-runtime-password-001");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Latencies.Operation op = () -> {
            try (PreparedStatement s = connections.get().prepareStatement(query)) {
                if (sql == null) {
                    s.setBytes(1, emailKey);
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
            }
        };
        paced(op);
        return paced(op);
    }

    /** Runs the operation at a steady RATE per second for SECONDS, spread over THREADS, recording each latency. */
    private static Latencies paced(Latencies.Operation operation) throws Exception {
        int perThread = RATE * SECONDS / THREADS;
        long periodNanos = 1_000_000_000L * THREADS / RATE;
        long[] all = new long[THREADS * perThread];
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    long next = start + thread * periodNanos / THREADS;
                    for (int i = 0; i < perThread; i++) {
                        LockSupport.parkNanos(next - System.nanoTime());
                        long began = System.nanoTime();
                        operation.run();
                        all[thread * perThread + i] = System.nanoTime() - began;
                        next += periodNanos;
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Latencies(all, System.nanoTime() - start);
    }

    /** The 100,000 bulk requests, once per run (the console benchmark uses them too). */
    static void fill(BenchStack stack) throws Exception {
        try (Connection c = stack.database.superuserConnection(EmbeddedDatabase.QUAESTOR_DB); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM dsar_request WHERE reference LIKE 'BENCH-%'")) {
                rs.next();
                if (rs.getLong(1) >= REQUESTS) {
                    return;
                }
            }
            s.execute("""
                    INSERT INTO dsar_request (id, reference, type, status, channel, region, regime, subject_email, subject_email_key,
                                              received_at, due_at, closed_at, rejection_ground)
                    SELECT gen_random_uuid(), 'BENCH-' || g,
                           (ARRAY['ACCESS','RECTIFICATION','ERASURE','RESTRICTION','OBJECTION','CONSENT_WITHDRAWAL','PORTABILITY'])[1 + g % 7],
                           st, 'PORTAL', 'EU', 'GDPR', 'subject' || g || '@bulk.example', sha256(('k' || g)::bytea),
                           now() - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second',
                           now() - (g % 365) * interval '1 day' + interval '30 days',
                           CASE WHEN st IN ('COMPLETED','REJECTED','CANCELLED','LAPSED') THEN now() - (g % 300) * interval '1 day' END,
                           CASE WHEN st = 'REJECTED' THEN 'THIRD_PARTY_RIGHTS' END
                    FROM generate_series(1, REQUESTS_HERE) g,
                         LATERAL (SELECT (ARRAY['IDENTITY_PENDING','VERIFIED','IN_PROGRESS','AWAITING_APPROVAL','COMPLETED',
                                                'COMPLETED','COMPLETED','REJECTED','CANCELLED','LAPSED'])[1 + g % 10] AS st) x
                    """.replace("REQUESTS_HERE", Integer.toString(REQUESTS)));
            s.execute("ANALYZE dsar_request");
        }
    }

    /** The HMAC the server stores for an address: HmacSHA256 under the bench's key, purpose and a zero byte first. */
    private static byte[] emailKey(BenchStack stack, String email) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(BenchStack.HMAC_KEY), "HmacSHA256"));
        mac.update("dsar-email".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(email.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String f2(double v) {
        return String.format("%.2f", v);
    }
}
