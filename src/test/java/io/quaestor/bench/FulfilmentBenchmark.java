package io.quaestor.bench;

import io.quaestor.accesspackages.control.AccessLetter;
import io.quaestor.accesspackages.control.PackageWriter;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectErasure;
import io.quaestor.datamap.control.SubjectQueries;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.platform.crypto.SealedStream;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.referencestore.generator.GenerationReport;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * DSAR fulfilment for a subject with about a million metadata rows: building the access package
 * (CSV and JSON Lines of every table, manifest, PDF letter, zipped and sealed with AES-GCM to a
 * file) against psql {@code \copy} of the same rows to a CSV and a JSON file; and erasing a second
 * subject of the same size with the data map's strategies against psql running the equivalent raw
 * DELETE and UPDATE statements for the first, in one transaction each. Heap is sampled while the
 * package is written.
 */
final class FulfilmentBenchmark implements Benchmark {

    @Override
    public String name() {
        return "fulfilment";
    }

    @Override
    public String description() {
        return "DSAR fulfilment on a store of 6.8 million metadata rows where two subjects hold about 1 million each. "
                + "Package: every mapped table of subject A as RFC 4180 CSV and JSON Lines, manifest and PDF letter, zipped "
                + "(fastest deflate) and sealed (segmented AES-256-GCM) to a file; baseline: psql \\copy of the same queries "
                + "to a CSV file and, through row_to_json, a JSON file. Erasure: the data map's strategies for subject B in one "
                + "transaction (deletes, keyed-HMAC pseudonyms and nulls on kept billing rows); baseline: psql running the "
                + "equivalent raw DELETE/UPDATE statements (md5 for the pseudonyms) for subject A in one transaction. "
                + "Targets: both ≤ 1.5× their baseline, heap flat.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        PGSimpleDataSource gateway = stack.gateway();
        GenerationReport report = new GatewayDataGenerator(gateway::getConnection, 2)
                .generate(new GenerationPlan(1, 50, 6_800_000, 30, 2, 17, LocalDate.now(ZoneOffset.UTC)));
        UUID a = account(gateway, "u" + report.batch() + "0");
        UUID b = account(gateway, "u" + report.batch() + "1");
        DataMap map = DataMapValidator.validate(DataMapReader.read(new StringReader(Files.readString(
                Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"), name -> Optional.of(gateway));
        try (Connection c = gateway.getConnection()) {
            c.createStatement().execute("VACUUM ANALYZE");
        }

        long[] peak = new long[1];
        long[] size = new long[1];
        double packageSeconds = sampled(peak, () -> writePackage(map, gateway, a, size));
        double copySeconds = psqlCopy(stack, map, a);
        long rowsA = count(gateway, "SELECT count(*) FROM request_metadata WHERE account_id = ?", a);
        long rowsB = count(gateway, "SELECT count(*) FROM request_metadata WHERE account_id = ?", b);

        double rawSeconds = psqlErase(stack, map, a);
        SubjectErasure erasure = new SubjectErasure(map, gateway);
        long start = System.nanoTime();
        List<SubjectErasure.TableAction> applied = erasure.apply(List.of(b), FulfilmentBenchmark::pseudonym, done -> { });
        double eraseSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        SubjectErasure.Scan scan = erasure.scan(List.of(b), java.util.Map.of("account-id", List.of(b.toString())), List.of());
        double scanSeconds = (System.nanoTime() - start) / 1e9;
        long erased = applied.stream().mapToLong(SubjectErasure.TableAction::rows).sum();

        return List.of(
                new Figure("subject A / B metadata rows", String.format("%,d / %,d", rowsA, rowsB), "", ""),
                new Figure("package build (A): CSV + JSONL + manifest + letter, zipped and sealed",
                        String.format("%.1f s (%.0f MiB sealed)", packageSeconds, size[0] / 1048576.0),
                        String.format("%.1f s (psql \\copy CSV + JSON)", copySeconds), String.format("%.2f×", packageSeconds / copySeconds)),
                new Figure("heap growth while building (sampled peak, garbage included)",
                        String.format("%.0f MiB", peak[0] / 1048576.0), "", ""),
                new Figure("erasure (B): strategies applied in one transaction", String.format("%.1f s (%,d rows)", eraseSeconds, erased),
                        String.format("%.1f s (raw DELETE/UPDATE of A)", rawSeconds), String.format("%.2f×", eraseSeconds / rawSeconds)),
                new Figure("verification scan after erasure (every text, uuid, JSON and array column of every table, mapped or not)", String.format("%.1f s", scanSeconds),
                        "", scan.clean() ? "clean" : "NOT CLEAN"));
    }

    private static Void writePackage(DataMap map, PGSimpleDataSource gateway, UUID account, long[] size) throws Exception {
        Path file = Files.createTempFile("bench-package", ".sealed");
        SealedStream.StreamKey key = SealedStream.StreamKey.random();
        AccessLetter letter = new AccessLetter(map, new AccessLetter.Controller("Bench Gateway", "privacy@bench.example",
                "the supervisory authority", "https://bench.example/privacy/"));
        Instant now = Instant.now();
        try (OutputStream file$ = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
             OutputStream sealed = SealedStream.sealing(key, "bench".getBytes(StandardCharsets.UTF_8), (i, bytes) -> file$.write(bytes))) {
            new PackageWriter(map, new SubjectRows(map, gateway)).write(sealed,
                    new PackageWriter.Header("DSR-BENCH", "ACCESS", now, map.version()), List.of(account), t -> true, List.of(),
                    s -> letter.write(new AccessLetter.Request("DSR-BENCH", false, now, now, 1), s));
        }
        size[0] = Files.size(file);
        Files.delete(file);
        return null;
    }

    private static double sampled(long[] peak, Callable<Void> work) throws Exception {
        return HeapSampling.sampled(peak, work);
    }

    /** The engine's own queries, the subject inlined, each copied to a CSV and (through row_to_json) a JSON file. */
    private static double psqlCopy(BenchStack stack, DataMap map, UUID key) throws Exception {
        SubjectQueries queries = new SubjectQueries(map);
        Path dir = Files.createTempDirectory("bench-copy");
        StringBuilder script = new StringBuilder();
        for (DataMap.MappedTable table : queries.subjectTables()) {
            String sql = BenchStack.withKeys(queries.rows(table), "'{" + key + "}'::uuid[]");
            script.append("\\copy (").append(sql).append(") TO '").append(dir.resolve(table.name() + ".csv")).append("' WITH CSV HEADER\n");
            script.append("\\copy (SELECT row_to_json(r) FROM (").append(sql).append(") r) TO '")
                    .append(dir.resolve(table.name() + ".json")).append("'\n");
        }
        double seconds = stack.psqlOnGateway(script.toString(), false);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
        return seconds;
    }

    /** What the strategies amount to in plain SQL, deepest link first, in one transaction. */
    private static double psqlErase(BenchStack stack, DataMap map, UUID key) throws Exception {
        SubjectQueries queries = new SubjectQueries(map);
        String keys = "'{" + key + "}'::uuid[]";
        StringBuilder script = new StringBuilder();
        List<DataMap.MappedTable> ordered = queries.subjectTables().stream()
                .sorted(java.util.Comparator.comparingInt((DataMap.MappedTable t) -> -queries.depth(t))).toList();
        for (DataMap.MappedTable table : ordered) {
            if ("delete-row".equals(table.erasure().strategy())) {
                script.append(BenchStack.withKeys(queries.delete(table), keys)).append(";\n");
                continue;
            }
            String sets = table.columns().stream().filter(c -> c.erasure() != null).map(c -> "\"" + c.name() + "\" = "
                    + ("pseudonymize".equals(c.erasure().strategy()) ? "'ps_' || md5(\"" + c.name() + "\")" : "NULL"))
                    .collect(Collectors.joining(", "));
            if (!sets.isEmpty()) {
                String count = BenchStack.withKeys(queries.count(table), keys);
                script.append(count, 0, count.indexOf("SELECT count(*)")).append("UPDATE \"").append(table.name()).append("\" t0 SET ")
                        .append(sets).append(" WHERE ").append(count.substring(count.indexOf(" WHERE ") + 7)).append(";\n");
            }
        }
        return stack.psqlOnGateway(script.toString(), true);
    }


    /** As the server's keyed pseudonyms cost: one HMAC-SHA256 per value. */
    private static String pseudonym(String column, String value) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
            mac.update(column.getBytes(StandardCharsets.UTF_8));
            return "ps_" + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID account(PGSimpleDataSource gateway, String username) throws Exception {
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id FROM accounts WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private static long count(PGSimpleDataSource gateway, String sql, UUID account) throws Exception {
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, account);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
