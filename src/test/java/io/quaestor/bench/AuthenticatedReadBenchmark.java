package io.quaestor.bench;

import io.quaestor.launcher.EmbeddedDatabase;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/**
 * The cost of authentication: the same trivial read ({@code GET /api/system/info}) anonymous and
 * with a bearer token, and as baseline the database work a token adds (its lookup by hash, with its
 * owner, straight over JDBC as the runtime role).
 */
final class AuthenticatedReadBenchmark implements Benchmark {

    private static final int THREADS = 4;
    private static final int WARMUP_PER_THREAD = 1_500;
    private static final int MEASURED_PER_THREAD = 5_000;

    @Override
    public String name() {
        return "auth-read";
    }

    @Override
    public String description() {
        return "GET /api/system/info over HTTP/1.1 from " + THREADS + " client threads, " + THREADS * MEASURED_PER_THREAD
                + " measured requests per variant after " + THREADS * WARMUP_PER_THREAD + " warm-up requests. Baseline: "
                + "the token lookup (api_token by SHA-256 joined to its owner) over raw JDBC, same threads and count.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        String token = BenchStaff.create(stack, "bench-auditor", "PERSON", "AUDITOR").token();
        HttpRequest anonymous = stack.request("api/system/info").GET().build();
        HttpRequest authenticated = stack.request("api/system/info").header("Authorization", "Bearer " + token).GET().build();

        Latencies.measure(THREADS, WARMUP_PER_THREAD, () -> expectOk(stack, anonymous));
        Latencies.measure(THREADS, WARMUP_PER_THREAD, () -> expectOk(stack, authenticated));
        Latencies open = Latencies.measure(THREADS, MEASURED_PER_THREAD, () -> expectOk(stack, anonymous));
        Latencies withToken = Latencies.measure(THREADS, MEASURED_PER_THREAD, () -> expectOk(stack, authenticated));
        Latencies lookup = rawTokenLookups(stack, token);

        return List.of(
                new Figure("anonymous: requests/s", f0(open.perSecond()), "", ""),
                new Figure("anonymous: p50 / p99 ms", f2(open.percentileMillis(50)) + " / " + f2(open.percentileMillis(99)), "", ""),
                new Figure("bearer token: requests/s", f0(withToken.perSecond()), f0(open.perSecond()) + " (anonymous)",
                        f2(withToken.perSecond() / open.perSecond()) + "×"),
                new Figure("bearer token: p50 / p99 ms", f2(withToken.percentileMillis(50)) + " / " + f2(withToken.percentileMillis(99)),
                        f2(open.percentileMillis(50)) + " / " + f2(open.percentileMillis(99)) + " (anonymous)",
                        String.format("%+.2f ms at p99", withToken.percentileMillis(99) - open.percentileMillis(99))),
                new Figure("raw PostgreSQL token lookup: lookups/s", f0(lookup.perSecond()), "", ""),
                new Figure("raw PostgreSQL token lookup: p50 / p99 ms", f2(lookup.percentileMillis(50)) + " / "
                        + f2(lookup.percentileMillis(99)), "", ""));
    }

    private static void expectOk(BenchStack stack, HttpRequest request) throws Exception {
        HttpResponse<String> response = stack.http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("unexpected " + response.statusCode() + ": " + response.body());
        }
    }

    private static Latencies rawTokenLookups(BenchStack stack, String token) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        String url = stack.database.jdbcUrl(EmbeddedDatabase.QUAESTOR_DB);
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                return DriverManager.getConnection(url, "quaestor_app", "bench-runtime-password-001");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String sql = "SELECT t.id, t.expires_at, t.revoked_at, u.active, r.role FROM api_token t "
                + "JOIN staff_user u ON u.id = t.owner_id LEFT JOIN api_token_role r ON r.token_id = t.id "
                + "WHERE t.token_hash = ?";
        Latencies.Operation lookup = () -> {
            try (PreparedStatement s = connections.get().prepareStatement(sql)) {
                s.setBytes(1, hash);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("token not found");
                    }
                }
            }
        };
        Latencies.measure(THREADS, WARMUP_PER_THREAD, lookup);
        return Latencies.measure(THREADS, MEASURED_PER_THREAD, lookup);
    }

    private static String f0(double v) {
        return String.format("%,.0f", v);
    }

    private static String f2(double v) {
        return String.format("%.2f", v);
    }
}
