package io.quaestor.bench;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.launcher.EmbeddedDatabase;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the access gate adds to an operator's look at a customer: the grant and standing checks,
 * the re-check under a lock, the audit event and its commit. The server reports that share in a
 * Server-Timing header for every lookup; the baseline is the same subject's rows read straight
 * through the data map's query engine over raw JDBC, no gate and no HTTP.
 */
final class AccessGateBenchmark implements Benchmark {

    private static final int THREADS = 4;
    private static final int WARMUP_PER_THREAD = 300;
    private static final int MEASURED_PER_THREAD = 1_500;
    private static final Pattern GATE = Pattern.compile("gate;dur=([0-9.]+)");
    private static final Pattern RELEASE = Pattern.compile("release;dur=([0-9.]+)");
    private static final String EMAIL = "bench.subject@customer.example";

    @Override
    public String name() {
        return "access-gate";
    }

    @Override
    public String description() {
        return "POST /api/access/lookups by email under an active grant (categories account and security: the account row, "
                + "20 API keys) from " + THREADS + " client threads, " + THREADS * MEASURED_PER_THREAD + " measured lookups after "
                + THREADS * WARMUP_PER_THREAD + " warm-up. Gate time is the server's own Server-Timing figure: everything in "
                + "the lookup except reading the rows (grant and recertification checks, the grant re-checked under a lock, "
                + "the audit event queued for the sequencer, commit). Baseline: resolve and read the same rows "
                + "with the query engine over raw JDBC (one open connection per thread) from the same number of threads. Run "
                + "with 1, " + THREADS + " and 16 client threads (measured lookups split among them; the 1-thread run does half as many).";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        String tenant = customer(stack);
        BenchStaff.Identity operator = BenchStaff.create(stack, "bench-operator", "PERSON", "OPERATOR");
        HttpResponse<String> grant = BenchStaff.check(stack.send(BenchStaff.json(stack.request("api/access/grants"),
                "{\"justificationCode\":\"CUSTOMER_SUPPORT\",\"reference\":\"SUP-1\",\"tenant\":\"" + tenant
                        + "\",\"categories\":[\"account\",\"security\"]}").header("Authorization", "Bearer " + operator.token())), 201);
        String grantId = BenchStaff.parse(grant.body()).getString("id");
        HttpRequest lookup = BenchStaff.json(stack.request("api/access/lookups"), "{\"grantId\":\"" + grantId
                + "\",\"kind\":\"email\",\"value\":\"" + EMAIL + "\"}").header("Authorization", "Bearer " + operator.token()).build();
        List<Figure> figures = new java.util.ArrayList<>();
        for (int threads : new int[] {1, THREADS, 16}) {
            int perThread = MEASURED_PER_THREAD * THREADS / threads / (threads == 1 ? 2 : 1);
            long[] gateNanos = new long[threads * perThread];
            long[] releaseNanos = new long[threads * perThread];
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Latencies.measure(threads, WARMUP_PER_THREAD, () -> timings(stack, lookup));
            Latencies http = Latencies.measure(threads, perThread, () -> {
                long[] t = timings(stack, lookup);
                int i = next.getAndIncrement();
                gateNanos[i] = t[0];
                releaseNanos[i] = t[1];
            });
            Latencies gate = new Latencies(gateNanos, http.wallNanos());
            Latencies release = new Latencies(releaseNanos, http.wallNanos());
            Latencies raw = rawReads(stack, threads, perThread);
            String label = threads + (threads == 1 ? " thread" : " threads");
            figures.add(new Figure(label + ": gate time p50 / p95 / p99 ms (target p95 ≤ 2)", f2(gate.percentileMillis(50)) + " / "
                    + f2(gate.percentileMillis(95)) + " / " + f2(gate.percentileMillis(99)),
                    f2(raw.percentileMillis(50)) + " / " + f2(raw.percentileMillis(95)) + " / " + f2(raw.percentileMillis(99))
                            + " (raw read of the rows)", String.format("%.2f× the raw read at p95",
                    gate.percentileMillis(95) / raw.percentileMillis(95))));
            figures.add(new Figure(label + ": of which release (re-check, event, commit) p50 / p95 ms",
                    f2(release.percentileMillis(50)) + " / " + f2(release.percentileMillis(95)), "", ""));
            figures.add(new Figure(label + ": whole lookup over HTTP p50 / p95 ms", f2(http.percentileMillis(50)) + " / "
                    + f2(http.percentileMillis(95)), "", String.format("%,.0f lookups/s", http.perSecond())));
        }
        figures.add(new Figure("commit of one audit event, raw JDBC, p50 / p95 ms", commitLatency(stack), "", "the floor under release"));
        return figures;
    }

    /** What one durable commit costs on this machine: a single-row INSERT and COMMIT, straight over JDBC. */
    private static String commitLatency(BenchStack stack) throws Exception {
        try (Connection c = stack.database.superuserConnection(EmbeddedDatabase.QUAESTOR_DB)) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS bench_commit (x int)");
            c.setAutoCommit(false);
            Latencies commits = Latencies.measure(1, 500, () -> {
                c.createStatement().execute("INSERT INTO bench_commit VALUES (1)");
                c.commit();
            });
            return f2(commits.percentileMillis(50)) + " / " + f2(commits.percentileMillis(95));
        }
    }

    /** The server's own gate and release times for one lookup, in nanoseconds. */
    private static long[] timings(BenchStack stack, HttpRequest lookup) throws Exception {
        HttpResponse<String> response = stack.http.send(lookup, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("lookup failed: " + response.statusCode() + " " + response.body());
        }
        String timing = response.headers().firstValue("Server-Timing").orElse("");
        Matcher gate = GATE.matcher(timing);
        Matcher release = RELEASE.matcher(timing);
        if (!gate.find() || !release.find()) {
            throw new IllegalStateException("no Server-Timing gate figure");
        }
        return new long[] {(long) (Double.parseDouble(gate.group(1)) * 1e6), (long) (Double.parseDouble(release.group(1)) * 1e6)};
    }

    private static Latencies rawReads(BenchStack stack, int threads, int perThread) throws Exception {
        PGSimpleDataSource gateway = new PGSimpleDataSource();
        gateway.setURL(stack.database.jdbcUrl(EmbeddedDatabase.GATEWAY_DB));
        gateway.setUser(EmbeddedDatabase.GATEWAY_ROLE);
        gateway.setPassword(BenchStack.GATEWAY_PASSWORD);
        DataMap map;
        try (var reader = new InputStreamReader(Files.newInputStream(Path.of("policy-templates/datamap/reference-gateway.datamap.json")),
                StandardCharsets.UTF_8)) {
            map = DataMapValidator.validate(DataMapReader.read(reader, "bench"), name -> Optional.of(gateway));
        }
        SubjectRows rows = new SubjectRows(map, pooled(gateway));
        List<String> categories = Arrays.asList("account", "security");
        Latencies.Operation read = () -> {
            List<Object> keys = rows.resolve(SubjectIdentifier.of("email", EMAIL));
            rows.tenantsOf(keys);
            rows.stream(keys, t -> categories.contains(t.category()), 201, (t, v) -> { });
        };
        Latencies.measure(threads, WARMUP_PER_THREAD, read);
        return Latencies.measure(threads, perThread, read);
    }

    /**
     * One open connection per thread, as the server's pool gives it: the baseline must not pay for
     * a new connection per query when the gate does not.
     */
    private static DataSource pooled(PGSimpleDataSource source) {
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                return source.getConnection();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return method.invoke(source, args);
                    }
                    Connection real = connections.get();
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> m.getName().equals("close") ? null : invoke(m, real, a));
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One tenant, one account, 20 API keys; returns the tenant id. */
    private static String customer(BenchStack stack) throws Exception {
        UUID tenant = UUID.randomUUID();
        UUID account = UUID.randomUUID();
        try (Connection c = stack.database.superuserConnection(EmbeddedDatabase.GATEWAY_DB)) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO organizations (id, name, region, created_at) VALUES (?, 'Bench Org', 'global', now())")) {
                s.setObject(1, tenant);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) "
                    + "VALUES (?, ?, ?, 'Bench Subject', 'bench-subject', now(), now())")) {
                s.setObject(1, account);
                s.setObject(2, tenant);
                s.setString(3, EMAIL);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO api_keys (id, account_id, organization_id, name, key_prefix, key_hash, created_at) "
                    + "VALUES (gen_random_uuid(), ?, ?, 'key ' || ?, 'bk' || lpad(?::text, 6, '0'), '$2a$10$' || repeat('x', 53), now())")) {
                for (int i = 0; i < 20; i++) {
                    s.setObject(1, account);
                    s.setObject(2, tenant);
                    s.setInt(3, i);
                    s.setInt(4, i);
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        return tenant.toString();
    }

    private static String f2(double v) {
        return String.format("%.2f", v);
    }
}
