package io.quaestor.bench;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectQueries;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.referencestore.generator.GenerationReport;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The query engine resolving a subject by email and streaming all their rows (about a million
 * request-metadata rows plus account, keys, billing and console rows), against {@code psql \copy}
 * of the very same statements to /dev/null, in the same run. Heap use is sampled while streaming.
 */
final class SubjectStreamBenchmark implements Benchmark {

    @Override
    public String name() {
        return "subject-stream";
    }

    @Override
    public String description() {
        return "Data map query engine: resolve a subject by email, then stream every row of every mapped table that "
                + "belongs to them (fetch size 5,000, values read as Java objects) from a store of 3.4 million metadata rows "
                + "where the subject holds about 1 million. Baseline: psql \\copy of the same SQL statements to /dev/null.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        String url = stack.database.jdbcUrl(EmbeddedDatabase.GATEWAY_DB);
        PGSimpleDataSource gateway = new PGSimpleDataSource();
        gateway.setURL(url);
        gateway.setUser(EmbeddedDatabase.GATEWAY_ROLE);
        gateway.setPassword(BenchStack.GATEWAY_PASSWORD);
        GenerationReport report = new GatewayDataGenerator(gateway::getConnection, 2)
                .generate(new GenerationPlan(1, 50, 3_400_000, 30, 1, 5, LocalDate.now(ZoneOffset.UTC)));
        String email = heavyEmail(gateway, report.batch());
        DataMap map = DataMapValidator.validate(DataMapReader.read(new StringReader(Files.readString(
                Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"), name -> Optional.of(gateway));
        SubjectRows engine = new SubjectRows(map, gateway);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long[] peak = {0};
        List<Object> keys = new java.util.ArrayList<>();
        AtomicLong rows = new AtomicLong();
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        double engineSeconds = HeapSampling.sampled(peak, () -> {
            keys.addAll(engine.resolve(SubjectIdentifier.of("email", email)));
            counts.putAll(engine.stream(keys, (table, values) -> rows.incrementAndGet()));
            return null;
        });

        System.gc();
        long retained = memory.getHeapMemoryUsage().getUsed() - heapBefore;
        double psqlSeconds = psqlCopy(stack, map, (UUID) keys.get(0));
        return List.of(
                new Figure("subject's rows streamed", String.format("%,d (metadata %,d)", rows.get(), counts.get("request_metadata")), "", ""),
                new Figure("resolve + stream time", String.format("%.2f s", engineSeconds), String.format("%.2f s (psql \\copy)", psqlSeconds),
                        String.format("%.2f×", engineSeconds / psqlSeconds)),
                new Figure("rows/s", String.format("%,.0f", rows.get() / engineSeconds), String.format("%,.0f", rows.get() / psqlSeconds), ""),
                new Figure("heap growth while streaming (sampled peak, garbage included)",
                        String.format("%.0f MiB", peak[0] / 1048576.0), "", ""),
                new Figure("heap retained after the stream (after GC)", String.format("%.1f MiB", retained / 1048576.0), "",
                        "rows are never collected"));
    }

    private static String heavyEmail(PGSimpleDataSource gateway, String batch) throws Exception {
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement("SELECT email FROM accounts WHERE username = ?")) {
            s.setString(1, "u" + batch + "0");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The same statements the engine ran, with the subject's key inlined, through psql to /dev/null. */
    private static double psqlCopy(BenchStack stack, DataMap map, UUID key) throws Exception {
        SubjectQueries queries = new SubjectQueries(map);
        StringBuilder script = new StringBuilder();
        for (DataMap.MappedTable table : queries.subjectTables()) {
            script.append("\\copy (").append(BenchStack.withKeys(queries.rows(table), "'{" + key + "}'::uuid[]"))
                    .append(") TO '/dev/null'\n");
        }
        Path file = Files.createTempFile("subject-copy", ".sql");
        Files.writeString(file, script);
        ProcessBuilder psql = new ProcessBuilder("psql", "-q", "-h", "127.0.0.1", "-p", Integer.toString(stack.database.port()),
                "-U", EmbeddedDatabase.GATEWAY_ROLE, "-d", EmbeddedDatabase.GATEWAY_DB, "-v", "ON_ERROR_STOP=1", "-f", file.toString())
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", BenchStack.GATEWAY_PASSWORD);
        long start = System.nanoTime();
        Process process = psql.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
