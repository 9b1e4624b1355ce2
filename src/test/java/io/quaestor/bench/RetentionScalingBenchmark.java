package io.quaestor.bench;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.retention.control.RetentionRules;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the purge's cost grows with the store: the same store shape as the retention benchmark
 * (50 tenants, 120 days, periods of 30/60/90/180 days) at 1 M and 10 M rows, and 50 M with
 * {@code -Dbench.retention.sizes=1000000,10000000,50000000} where the disk allows. Each size gets
 * a fresh database; the engine (no write-rate ceiling, so the rate is the engine's own) purges one
 * half of the tenants, psql's DELETE per tenant the other half of the same mix.
 */
final class RetentionScalingBenchmark implements Benchmark {

    private static final long[] SIZES = Arrays.stream(System.getProperty("bench.retention.sizes", "1000000,10000000").split(","))
            .mapToLong(Long::parseLong).toArray();
    private static final double UNPACED = 1e12;

    @Override
    public String name() {
        return "retention-scaling";
    }

    @Override
    public String description() {
        return "Retention purge, unpaced, on stores of " + Arrays.toString(SIZES) + " metadata rows (50 tenants, 120 days, periods "
                + "30/60/90/180 days), each a fresh database: the engine purges half the tenants, psql DELETE per tenant the other "
                + "half of the same mix. Rows per second compared within each size.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        List<Figure> figures = new ArrayList<>();
        for (long size : SIZES) {
            String database = "bench_purge_" + size;
            try (Connection c = stack.database.superuserConnection("postgres"); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database);
                s.execute("CREATE DATABASE " + database + " OWNER " + EmbeddedDatabase.GATEWAY_ROLE);
            }
            PGSimpleDataSource store = stack.asGateway(database);
            ReferenceStoreSetup.flyway(store).migrate();
            new GatewayDataGenerator(store::getConnection, 2)
                    .generate(new GenerationPlan(50, 5_000, size, 120, 5, 23, LocalDate.now(ZoneOffset.UTC)));
            figures.add(measure(stack, store, database, size));
            try (Connection c = stack.database.superuserConnection("postgres"); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + database);
            }
        }
        return figures;
    }

    private static Figure measure(BenchStack stack, PGSimpleDataSource store, String database, long size) throws Exception {
        DataMap map = DataMapValidator.validate(DataMapReader.read(new StringReader(Files.readString(
                Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"), name -> Optional.of(store));
        Map<String, Integer> days = RetentionBenchmark.assignPeriods(store);
        RetentionBenchmark.Halves halves = RetentionBenchmark.Halves.of(store, map, days);
        List<RetentionRules.Cutoff> engineHalf = halves.engine();
        long rawRows = halves.rawRows();
        long engineRows = 0;
        long start = System.nanoTime();
        engineRows = RetentionBenchmark.purge(store, engineHalf, UNPACED);
        double engineSeconds = (System.nanoTime() - start) / 1e9;
        double rawSeconds = stack.psqlOn(database, halves.rawScript(), false);
        double engineRate = engineRows / engineSeconds;
        double rawRate = rawRows / rawSeconds;
        return new Figure(String.format("%,d rows: purge rate (rows/s), unpaced", size),
                String.format("%,.0f (%,d rows in %.1f s)", engineRate, engineRows, engineSeconds),
                String.format("%,.0f (%,d rows in %.1f s, psql DELETE)", rawRate, rawRows, rawSeconds),
                String.format("%.2f×", engineRate / rawRate));
    }
}
