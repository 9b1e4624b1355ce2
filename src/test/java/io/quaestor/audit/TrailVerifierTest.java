package io.quaestor.audit;

import io.quaestor.audit.control.AuditAppender;
import io.quaestor.audit.control.AuditArchiver;
import io.quaestor.audit.control.CheckpointSigner;
import io.quaestor.audit.control.MerkleTree;
import io.quaestor.audit.control.Sealer;
import io.quaestor.audit.control.TrailVerifier;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.platform.persistence.DatabaseMigrations;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tampering as a database superuser, triggers bypassed, each on a trail of its own: 30 events
 * sealed in three checkpoints (sizes 10, 20, 30). The verifier names the first bad sequence number.
 */
class TrailVerifierTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static CheckpointSigner signer;
    private static String publicKey;

    @BeforeAll
    static void keys() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        signer = CheckpointSigner.fromBase64(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()), publicKey);
    }

    @Test
    void anUntouchedTrailIsIntact() throws Exception {
        String db = trail();
        TrailVerifier.Report report = verify(db);
        assertTrue(report.intact(), report.finding());
        assertEquals(30, report.eventsChecked());
        assertEquals(3, report.checkpointsChecked());
        assertTrue(offline(db, 0).contains("INTACT: 30 events, 3 signed checkpoints verified"));
    }

    @Test
    void oneChangedColumnIsNamedByItsSequenceNumber() throws Exception {
        String db = trail();
        tamper(db, "UPDATE audit_event SET outcome = 'denied' WHERE seq = 13");
        assertFirstBad(db, 13);
    }

    @Test
    void aChangedStoredRecordIsCaughtThoughItsColumnsAreIntact() throws Exception {
        String db = trail();
        tamper(db, "UPDATE audit_event SET canonical = canonical || '\\x20'::bytea WHERE seq = 5");
        TrailVerifier.Report report = verify(db);
        assertFalse(report.intact());
        assertEquals(5, report.firstBadSeq());
        assertTrue(report.finding().contains("stored canonical record"), report.finding());
    }

    @Test
    void aDeletedEventIsNamedByItsSequenceNumber() throws Exception {
        String db = trail();
        tamper(db, "DELETE FROM audit_event WHERE seq = 7");
        assertFirstBad(db, 7);
    }

    @Test
    void anEventInsertedInTheMiddleShiftsTheRestAndIsCaughtWhereItStands() throws Exception {
        String db = trail();
        tamper(db, "UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 15");
        tamper(db, "UPDATE audit_event SET seq = seq - 999 WHERE seq >= 1015");
        tamper(db, "INSERT INTO audit_event SELECT 15, gen_random_uuid(), occurred_at, recorded_at, actor, actor_role, "
                + "authentication_method, break_glass, 'forged', resource_type, resource_id, tenant, justification_code, "
                + "justification_reference, grant_id, approval_id, outcome, origin, request_id, details, canonical, leaf_hash "
                + "FROM audit_event WHERE seq = 14");
        assertFirstBad(db, 15);
    }

    @Test
    void aTruncatedTailIsCaughtByTheCheckpointThatCoveredIt() throws Exception {
        String db = trail();
        tamper(db, "DELETE FROM audit_event WHERE seq >= 25");
        assertFirstBad(db, 25);
    }

    @Test
    void aConsistentRewriteOfRecordAndHashesIsCaughtByTheSignedRoot() throws Exception {
        String db = trail();
        try (Connection c = superuser(db); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            // Rewrite event 12 completely and consistently: columns, canonical bytes and leaf hash.
            AuditEvent forged = event("forged-but-consistent");
            Instant recordedAt;
            try (ResultSet rs = s.executeQuery("SELECT recorded_at FROM audit_event WHERE seq = 12")) {
                rs.next();
                recordedAt = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
            byte[] canonical = forged.canonical(12, recordedAt);
            try (PreparedStatement update = c.prepareStatement("UPDATE audit_event SET event_id = ?, occurred_at = ?, action = ?, "
                    + "details = ?, canonical = ?, leaf_hash = ? WHERE seq = 12")) {
                update.setObject(1, forged.eventId());
                update.setObject(2, java.time.OffsetDateTime.ofInstant(AuditEvent.truncated(forged.occurredAt()), java.time.ZoneOffset.UTC));
                update.setString(3, forged.action());
                update.setString(4, forged.canonicalDetails());
                update.setBytes(5, canonical);
                update.setBytes(6, MerkleTree.leafHash(canonical));
                assertEquals(1, update.executeUpdate());
            }
        }
        TrailVerifier.Report report = verify(db);
        assertFalse(report.intact());
        assertEquals(10, report.firstBadSeq(), "bounded by the checkpoints around it: after 10, before 20");
        assertTrue(report.finding().contains("signed checkpoint"), report.finding());
        assertTrue(offline(db, 1).contains("TAMPERED: first bad sequence number 10:"));
    }

    @Test
    void aConsistentForgedAppendAtTheTailIsCaughtAndNeverSealed() throws Exception {
        String db = trail();
        forgeAppend(db, 30);
        assertFirstBad(db, 30);
        assertTrue(offline(db, 1).contains("not vouched for by the append signature"));

        try (Connection c = runtime(db)) {
            c.setAutoCommit(false);
            Sealer.sealOnce(c, signer, Instant.now().plusSeconds(3600), Duration.ofSeconds(60));
            c.commit();
        }
        try (Connection c = runtime(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(tree_size) FROM audit_checkpoint")) {
            rs.next();
            assertEquals(30, rs.getLong(1), "the sealer does not seal an event no append signature vouches for");
        }
        assertFirstBad(db, 30);
    }

    @Test
    void aForgedAppendSignatureDoesNotVouchForAForgedEvent() throws Exception {
        String db = trail();
        forgeAppend(db, 30);
        tamper(db, "INSERT INTO audit_append_signature (last_seq, first_seq, chain, key_id, statement, signature) "
                + "SELECT 30, 30, chain, key_id, replace(replace(statement, 'first_seq=20', 'first_seq=30'), 'last_seq=29', 'last_seq=30'), "
                + "signature FROM audit_append_signature WHERE last_seq = 29");
        TrailVerifier.Report report = verify(db);
        assertFalse(report.intact(), "a copied signature does not sign another statement");
        assertEquals(30, report.firstBadSeq(), report.finding());
    }

    @Test
    void eventsAfterTheLastCheckpointAreVerifiedAndReportedUnsealed() throws Exception {
        String db = trail();
        try (Connection c = runtime(db)) {
            c.setAutoCommit(false);
            AuditAppender.append(c, List.of(event("late-1"), event("late-2")), Instant.now(), signer);
            c.commit();
        }
        TrailVerifier.Report report = verify(db);
        assertTrue(report.intact(), report.finding());
        assertEquals(32, report.eventsChecked());
        String offline = offline(db, 0);
        assertTrue(offline.contains("INTACT: 32 events") && offline.contains("2 events after the last checkpoint are UNSEALED"), offline);
    }

    /** As a database superuser would: a consistent event (columns, record, leaf) at the tail, and the head advanced. */
    private static void forgeAppend(String db, long seq) throws Exception {
        try (Connection c = superuser(db)) {
            io.quaestor.testing.ForgedEvents.append(c, seq, event("forged-append"));
        }
    }

    @Test
    void aForgedCheckpointIsCaught() throws Exception {
        String db = trail();
        tamper(db, "UPDATE audit_checkpoint SET signature = decode(repeat('00', 64), 'hex') WHERE tree_size = 20");
        TrailVerifier.Report report = verify(db);
        assertFalse(report.intact());
        assertTrue(report.finding().contains("not signed"), report.finding());
        assertTrue(offline(db, 1).contains("is not signed by the key"));
    }

    @Test
    void archivingOldPayloadsKeepsEveryCheckpointAndProofVerifiable() throws Exception {
        String db = trail(15);
        byte[] leafOfSeven = leaf(db, 7);
        java.nio.file.Path archive = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "archive");

        AuditArchiver.Archived archived;
        try (Connection c = runtime(db)) {
            c.setAutoCommit(false);
            archived = AuditArchiver.archive(c, archive, Instant.now().minus(Duration.ofDays(90))).orElseThrow();
            c.commit();
        }
        assertEquals(15, archived.events());
        assertEquals(0, archived.firstSeq());
        assertEquals(14, archived.lastSeq());
        try (Connection c = runtime(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE canonical IS NULL AND actor IS NULL), count(*) FROM audit_event")) {
            rs.next();
            assertEquals(15, rs.getLong(1), "the payload left the database");
            assertEquals(30, rs.getLong(2), "every row, and so every leaf, stayed");
        }
        assertTrue(java.util.Arrays.equals(leafOfSeven, leaf(db, 7)), "the leaf hash is kept");

        TrailVerifier.Report report = verify(db);
        assertTrue(report.intact(), report.finding());
        assertEquals(15, report.payloadsArchived());
        String offline = offline(db, 0);
        assertTrue(offline.contains("INTACT: 30 events, 3 signed checkpoints verified (15 past online retention"), offline);
        List<byte[]> leaves = new ArrayList<>();
        for (int seq = 0; seq < 30; seq++) {
            leaves.add(leaf(db, seq));
        }
        assertTrue(MerkleTree.verifyInclusion(7, 30, leafOfSeven, MerkleTree.inclusionProof(leaves, 7, 30), MerkleTree.root(leaves, 30)));

        // Each archived line is the exact record: it re-derives the leaf the database kept.
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                java.nio.file.Files.newInputStream(archive.resolve(archived.file()))), java.nio.charset.StandardCharsets.UTF_8))) {
            List<String> records = lines.lines().toList();
            assertEquals(15, records.size());
            assertTrue(java.util.Arrays.equals(leafOfSeven, MerkleTree.leafHash(records.get(7).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }

        // Tampering with an archived event's leaf is still caught by the signed roots.
        String leafOfThree = java.util.HexFormat.of().formatHex(leaf(db, 3));
        tamper(db, "UPDATE audit_event SET leaf_hash = decode(repeat('ab', 32), 'hex') WHERE seq = 3");
        assertFalse(verify(db).intact());
        assertTrue(offline(db, 1).contains("TAMPERED: first bad sequence number 0:"));
        tamper(db, "UPDATE audit_event SET leaf_hash = decode('" + leafOfThree + "', 'hex') WHERE seq = 3");

        assertEquals(List.of(), AuditArchiver.purge(archive, Instant.now().minus(Duration.ofDays(365))), "not yet 12 months old");
        assertEquals(1, AuditArchiver.purge(archive, Instant.now().minus(Duration.ofDays(100))).size());
        assertFalse(java.nio.file.Files.exists(archive.resolve(archived.file())));
    }

    @Test
    void onlyTheRemovalFunctionMayTouchARecordAndNeverARecentOne() throws Exception {
        String db = trail();
        try (Connection c = runtime(db); Statement s = c.createStatement()) {
            java.sql.SQLException recent = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> s.executeQuery("SELECT audit_remove_payload(now() - interval '1 hour', 100, 'audit-archive-0-1.ndjson.gz')"));
            assertTrue(recent.getMessage().contains("at least a day"), recent.getMessage());
            org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> s.executeUpdate("UPDATE audit_event SET actor = NULL WHERE seq = 1"), "the runtime role has no UPDATE");
        }
        try (Connection c = TestDatabase.login(db, EmbeddedDatabase.QUAESTOR_OWNER, TestDatabase.CREDENTIALS.quaestorOwner()).getConnection();
             Statement s = c.createStatement()) {
            java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> s.executeUpdate("UPDATE audit_event SET outcome = 'denied' WHERE seq = 1"));
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        }
    }

    private static void assertFirstBad(String db, long seq) throws Exception {
        TrailVerifier.Report report = verify(db);
        assertFalse(report.intact(), "tampering went unnoticed");
        assertEquals(seq, report.firstBadSeq(), report.finding());
        String offline = offline(db, 1);
        assertTrue(offline.contains("TAMPERED: first bad sequence number " + seq + ":"), offline);
    }

    /** Exports the trail as a bundle and runs audit/VerifyBundle.java on it in a JDK of its own, as an auditor would. */
    private static String offline(String db, int expectedExit) throws Exception {
        java.nio.file.Path bundle = java.nio.file.Files.createTempFile(java.nio.file.Path.of("target"), db, ".zip");
        java.nio.file.Path key = java.nio.file.Files.createTempFile(java.nio.file.Path.of("target"), db, ".key");
        java.nio.file.Files.writeString(key, publicKey);
        try (Connection c = TestDatabase.login(db, EmbeddedDatabase.QUAESTOR_RUNTIME, TestDatabase.CREDENTIALS.quaestorRuntime()).getConnection();
             java.io.OutputStream out = java.nio.file.Files.newOutputStream(bundle)) {
            io.quaestor.audit.control.BundleWriter.write(c, "not-the-key-the-auditor-uses", out);
        }
        Process verifier = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "audit/VerifyBundle.java", bundle.toString(), key.toString()).redirectErrorStream(true).start();
        String output = new String(verifier.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(expectedExit, verifier.waitFor(), output);
        return output;
    }

    /** A fresh database with Quaestor's schema, 30 events and checkpoints at 10, 20 and 30. */
    private static String trail() throws Exception {
        return trail(0);
    }

    /** As {@link #trail()}, the first {@code old} events having occurred 200 days ago. */
    private static String trail(int old) throws Exception {
        String db = "trail_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = TestDatabase.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db + " OWNER " + EmbeddedDatabase.QUAESTOR_OWNER);
        }
        DatabaseMigrations.flyway(TestDatabase.login(db, EmbeddedDatabase.QUAESTOR_OWNER, TestDatabase.CREDENTIALS.quaestorOwner()),
                EmbeddedDatabase.QUAESTOR_RUNTIME).migrate();
        Instant now = Instant.now();
        for (int batch = 0; batch < 3; batch++) {
            try (Connection c = TestDatabase.login(db, EmbeddedDatabase.QUAESTOR_RUNTIME, TestDatabase.CREDENTIALS.quaestorRuntime()).getConnection()) {
                c.setAutoCommit(false);
                List<AuditEvent> events = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int index = batch * 10 + i;
                    events.add(event("action-" + index, index < old ? now.minus(Duration.ofDays(200)) : now));
                }
                AuditAppender.append(c, events, now, signer);
                Sealer.sealOnce(c, signer, now.plusSeconds(batch), Duration.ofSeconds(60)).orElseThrow();
                c.commit();
            }
        }
        return db;
    }

    private static void tamper(String db, String sql) throws Exception {
        try (Connection c = superuser(db); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute(sql);
        }
    }

    private static TrailVerifier.Report verify(String db) throws Exception {
        try (Connection c = TestDatabase.login(db, EmbeddedDatabase.QUAESTOR_RUNTIME, TestDatabase.CREDENTIALS.quaestorRuntime()).getConnection()) {
            return TrailVerifier.verify(c, publicKey);
        }
    }

    private static Connection runtime(String db) throws Exception {
        return TestDatabase.login(db, EmbeddedDatabase.QUAESTOR_RUNTIME, TestDatabase.CREDENTIALS.quaestorRuntime()).getConnection();
    }

    private static byte[] leaf(String db, long seq) throws Exception {
        try (Connection c = runtime(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT leaf_hash FROM audit_event WHERE seq = " + seq)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    private static Connection superuser(String db) throws Exception {
        return TestDatabase.superuser(db);
    }


    private static AuditEvent event(String action) {
        return event(action, Instant.now());
    }

    private static AuditEvent event(String action, Instant occurredAt) {
        return new AuditEvent(UUID.randomUUID(), occurredAt, "6f1c1a8e-55d5-4d5e-9a4e-0c1b2c3d4e5f", "OPERATOR",
                "BEARER_TOKEN", false, action, "account", "pseudonym-9", "tenant-a", "customer-support", "TICKET-9",
                null, null, "success", "203.0.113.0/24", "req-abcdefgh", Map.of("k", "v"));
    }
}
