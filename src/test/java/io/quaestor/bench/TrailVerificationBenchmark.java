package io.quaestor.bench;

import io.quaestor.audit.control.AuditAppender;
import io.quaestor.audit.control.BundleWriter;
import io.quaestor.audit.control.TrailVerifier;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.launcher.EmbeddedDatabase;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Verifying a trail of a million events: the API's verifier (re-derives every record from its
 * columns, hashes it, rebuilds the tree, checks every signed checkpoint) and the auditor's offline
 * verifier on an exported bundle, against reading the same rows with psql and hashing them.
 */
final class TrailVerificationBenchmark implements Benchmark {

    private static final int EVENTS = 1_000_000;
    private static final int BATCH = 10_000;
    private static final String PUBLIC_KEY = "MCowBQYDK2VwAyEAVqJvXur9rM51apLlS+n4ZiXP/q478PXu0gT8TX2aFNI=";
    private static final String COLUMNS = "seq, event_id, occurred_at, recorded_at, actor, actor_role, authentication_method, "
            + "break_glass, action, resource_type, resource_id, tenant, justification_code, justification_reference, grant_id, "
            + "approval_id, outcome, origin, request_id, details, canonical, leaf_hash";

    @Override
    public String name() {
        return "trail-verification";
    }

    @Override
    public String description() {
        return "A trail of at least " + String.format("%,d", EVENTS) + " events (appended in batches of " + BATCH
                + " while the server seals every second). API verifier: TrailVerifier over JDBC, every record re-derived from "
                + "its columns and hashed, the tree rebuilt, every checkpoint's Ed25519 signature and root checked. Offline: "
                + "audit/VerifyBundle.java on a bundle of the same trail (export time reported apart). Baseline: psql \\copy of "
                + "the same columns of the same rows, piped into sha256sum. Target: API verifier ≤ 1.5× the baseline.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        double appendSeconds = fill(stack);
        long size = awaitSealed(stack);
        double verifySeconds;
        TrailVerifier.Report report;
        try (Connection c = runtime(stack)) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            report = TrailVerifier.verify(c, PUBLIC_KEY);
            verifySeconds = (System.nanoTime() - start) / 1e9;
        }
        if (!report.intact()) {
            throw new IllegalStateException("the bench trail does not verify: " + report.finding());
        }
        double psqlSeconds = psqlAndHash(stack);
        Path bundle = Files.createTempFile("bench-bundle", ".zip");
        long exportStart = System.nanoTime();
        try (Connection c = runtime(stack); OutputStream out = Files.newOutputStream(bundle)) {
            c.setAutoCommit(false);
            BundleWriter.write(c, PUBLIC_KEY, out);
        }
        double exportSeconds = (System.nanoTime() - exportStart) / 1e9;
        double offlineSeconds = offline(bundle);
        Files.deleteIfExists(bundle);
        return List.of(
                new Figure("events in the trail / signed checkpoints", String.format("%,d / %,d", size, report.checkpointsChecked()), "",
                        String.format("appended at %,.0f events/s", EVENTS / appendSeconds)),
                new Figure("API verifier", String.format("%.1f s", verifySeconds), String.format("%.1f s (psql + sha256sum)", psqlSeconds),
                        String.format("%.2f×", verifySeconds / psqlSeconds)),
                new Figure("offline verifier (VerifyBundle.java)", String.format("%.1f s", offlineSeconds),
                        String.format("%.1f s (psql + sha256sum)", psqlSeconds), String.format("%.2f× (bundle export %.1f s)",
                        offlineSeconds / psqlSeconds, exportSeconds)));
    }

    private static Connection runtime(BenchStack stack) throws Exception {
        return java.sql.DriverManager.getConnection(stack.database.jdbcUrl(EmbeddedDatabase.QUAESTOR_DB), EmbeddedDatabase.QUAESTOR_RUNTIME,
                "bench-runtime-password-001");
    }

    /** Appends the million events once per run (the console's trail benchmark reads them too); answers the seconds it took. */
    static double fill(BenchStack stack) throws Exception {
        long start = System.nanoTime();
        try (Connection c = runtime(stack); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_event WHERE action = 'customer-data.read'")) {
            rs.next();
            if (rs.getLong(1) >= EVENTS) {
                return Double.NaN;
            }
        }
        io.quaestor.audit.control.CheckpointSigner signer = io.quaestor.audit.control.CheckpointSigner.fromBase64(
                BenchStack.AUDIT_SIGNING_KEY, BenchStack.AUDIT_PUBLIC_KEY);
        try (Connection c = runtime(stack)) {
            c.setAutoCommit(false);
            for (int done = 0; done < EVENTS; done += BATCH) {
                List<AuditEvent> events = new ArrayList<>(BATCH);
                Instant now = Instant.now();
                for (int i = 0; i < BATCH; i++) {
                    int n = done + i;
                    events.add(new AuditEvent(UUID.randomUUID(), now, UUID.nameUUIDFromBytes(("op" + n % 40).getBytes()).toString(),
                            "OPERATOR", "BEARER_TOKEN", n % 997 == 0, "customer-data.read", "account",
                            "cp_" + Integer.toHexString(n), "tenant-" + n % 300, "CUSTOMER_SUPPORT",
                            "SUP-" + n, UUID.randomUUID(), null, "success", "203.0.113.0/24", UUID.randomUUID().toString(),
                            Map.of("categories", "account,security", "rows.accounts", "1")));
                }
                AuditAppender.append(c, events, now, signer);
                c.commit();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    static long awaitSealed(BenchStack stack) throws Exception {
        for (int attempt = 0; attempt < 120; attempt++) {
            try (Connection c = runtime(stack); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT max(seq) + 1 FROM audit_event), (SELECT max(tree_size) FROM audit_checkpoint)")) {
                rs.next();
                if (rs.getLong(1) == rs.getLong(2)) {
                    return rs.getLong(1);
                }
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("the server did not seal the bench trail within two minutes");
    }

    private static double psqlAndHash(BenchStack stack) throws Exception {
        ProcessBuilder pipe = new ProcessBuilder("bash", "-c", "set -o pipefail; psql -q -h 127.0.0.1 -p " + stack.database.port()
                + " -U " + EmbeddedDatabase.QUAESTOR_RUNTIME + " -d " + EmbeddedDatabase.QUAESTOR_DB + " -v ON_ERROR_STOP=1 -c "
                + "\"\\copy (SELECT " + COLUMNS + " FROM audit_event ORDER BY seq) TO STDOUT\" | sha256sum").redirectErrorStream(true);
        pipe.environment().put("PGPASSWORD", "bench-runtime-password-001");
        long start = System.nanoTime();
        Process process = pipe.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double offline(Path bundle) throws Exception {
        Path key = Files.createTempFile("bench-key", ".txt");
        Files.writeString(key, PUBLIC_KEY);
        ProcessBuilder verifier = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "audit/VerifyBundle.java", bundle.toString(), key.toString()).redirectErrorStream(true);
        long start = System.nanoTime();
        Process process = verifier.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0 || !output.contains("INTACT")) {
            throw new IllegalStateException("offline verification failed: " + output);
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
