package io.quaestor.bench;

import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.referencestore.generator.GenerationReport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The reference store generator loading 10 million request-metadata rows over 120 days for 50
 * tenants (target: under 3 minutes here). Baseline: PostgreSQL writing 1 million rows of the same
 * shape, in time order, into the same partitioned table by itself ({@code INSERT ... SELECT generate_series}), so
 * client-side generation and COPY are compared with the server's own insert rate.
 */
final class GeneratorBenchmark implements Benchmark {

    private static final long ROWS = Long.getLong("quaestor.bench.generator-rows", 10_000_000L);
    private static final long BASELINE_ROWS = 1_000_000L;

    @Override
    public String name() {
        return "generator";
    }

    @Override
    public String description() {
        return "Reference gateway store generator: 50 organizations, 5,000 accounts (5 heavy), " + String.format("%,d", ROWS)
                + " request-metadata rows over 120 daily partitions, COPY from 2 connections, plus accounts, keys, billing, "
                + "console and log tables; each day written in time order into its partition. Baseline: server-side "
                + "INSERT ... SELECT generate_series, in time order over 12 days, of "
                + String.format("%,d", BASELINE_ROWS) + " rows into the same table.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        String url = stack.database.jdbcUrl(EmbeddedDatabase.GATEWAY_DB);
        GatewayDataGenerator generator = new GatewayDataGenerator(
                () -> DriverManager.getConnection(url, EmbeddedDatabase.GATEWAY_ROLE, BenchStack.GATEWAY_PASSWORD), 2);
        GenerationReport report = generator.generate(new GenerationPlan(50, 5_000, ROWS, 120, 5, 11,
                LocalDate.now(ZoneOffset.UTC)));
        double baseline = serverSideInsertRate(url);
        return List.of(
                new Figure("request_metadata rows loaded", String.format("%,d", report.rowsByTable().get("request_metadata")), "", ""),
                new Figure("metadata load time", String.format("%.1f s", report.metadataMillis() / 1000.0),
                        "target < 180 s", ""),
                new Figure("metadata rows/s (COPY)", String.format("%,.0f", report.metadataRowsPerSecond()),
                        String.format("%,.0f (server-side INSERT…SELECT)", baseline),
                        String.format("%.2f×", report.metadataRowsPerSecond() / baseline)),
                new Figure("whole generation incl. other tables", String.format("%.1f s", report.totalMillis() / 1000.0), "", ""));
    }

    private static double serverSideInsertRate(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, EmbeddedDatabase.GATEWAY_ROLE, BenchStack.GATEWAY_PASSWORD);
             Statement s = c.createStatement()) {
            long start = System.nanoTime();
            s.execute("INSERT INTO request_metadata (occurred_at, request_id, account_id, organization_id, api_key_id, model, "
                    + "prompt_tokens, completion_tokens, total_tokens, cost_micro_usd, latency_ms, http_status, error_type, "
                    + "source_ip, user_agent) "
                    + "SELECT t, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), "
                    + "gen_random_uuid(), 'gpt-4o', 100, 50, 150, 450, 300, 200, NULL, '203.0.113.9'::inet, 'curl/8.5.0' "
                    + "FROM (SELECT date_trunc('day', now()) - interval '12 days' + random() * interval '12 days' AS t "
                    + "FROM generate_series(1, " + BASELINE_ROWS + ") ORDER BY 1) rows");
            return BASELINE_ROWS / ((System.nanoTime() - start) / 1e9);
        }
    }
}
