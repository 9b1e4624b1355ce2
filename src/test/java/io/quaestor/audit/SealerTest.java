package io.quaestor.audit;

import io.quaestor.audit.control.AuditAppender;
import io.quaestor.audit.control.CheckpointSigner;
import io.quaestor.audit.control.MerkleTree;
import io.quaestor.audit.control.Sealer;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.platform.persistence.DatabaseMigrations;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sealing on real PostgreSQL: signed checkpoints whose roots are the trail's, heartbeats, one sealer at a time. */
class SealerTest {

    private static final Duration HEARTBEAT = Duration.ofSeconds(60);
    private static CheckpointSigner signer;

    @BeforeAll
    static void prepare() throws Exception {
        DatabaseMigrations.flyway(TestDatabase.quaestorOwner(), EmbeddedDatabase.QUAESTOR_RUNTIME).migrate();
        signer = io.quaestor.testing.TestAuditKey.signer();
    }

    @Test
    void aCheckpointSignsTheRootOfEveryLeafSoFar() throws Exception {
        append(5);
        Sealer.Checkpoint checkpoint = seal(Instant.now()).orElseThrow();
        List<byte[]> leaves = leafHashes();
        assertEquals(leaves.size(), checkpoint.treeSize());
        assertEquals(HexFormat.of().formatHex(MerkleTree.root(leaves, leaves.size())), HexFormat.of().formatHex(checkpoint.root()));
        assertTrue(signer.verify(checkpoint.statement().getBytes(StandardCharsets.UTF_8), checkpoint.signature()));
        assertTrue(checkpoint.statement().startsWith("quaestor-audit-checkpoint/v1\ntree_size=" + leaves.size() + "\n"));

        append(3);
        Sealer.Checkpoint next = seal(Instant.now()).orElseThrow();
        assertEquals(leaves.size() + 3, next.treeSize(), "the next seal resumes from the stored compact range");
        List<byte[]> grown = leafHashes();
        assertEquals(HexFormat.of().formatHex(MerkleTree.root(grown, grown.size())), HexFormat.of().formatHex(next.root()));
        assertTrue(MerkleTree.verifyConsistency(checkpoint.treeSize(), next.treeSize(), checkpoint.root(), next.root(),
                MerkleTree.consistencyProof(grown, (int) checkpoint.treeSize(), (int) next.treeSize())));
    }

    @Test
    void silenceIsSealedToo() throws Exception {
        append(1);
        Instant now = Instant.now();
        Sealer.Checkpoint first = seal(now).orElseThrow();
        assertTrue(seal(now.plusSeconds(10)).isEmpty(), "nothing new and the heartbeat not due: no checkpoint");
        Sealer.Checkpoint heartbeat = seal(now.plus(HEARTBEAT)).orElseThrow();
        assertEquals(first.treeSize(), heartbeat.treeSize(), "a heartbeat re-signs the same tree at a later time");
        assertFalse(first.issuedAt().equals(heartbeat.issuedAt()));
    }

    @Test
    void onlyOneSealerWorksAtATime() throws Exception {
        append(1);
        try (Connection holder = TestDatabase.quaestorRuntime().getConnection();
             Connection other = TestDatabase.quaestorRuntime().getConnection()) {
            holder.setAutoCommit(false);
            other.setAutoCommit(false);
            assertTrue(Sealer.sealOnce(holder, signer, Instant.now(), HEARTBEAT).isPresent());
            assertTrue(Sealer.sealOnce(other, signer, Instant.now().plus(HEARTBEAT), HEARTBEAT).isEmpty(),
                    "the second instance finds the lock taken and does nothing");
            holder.commit();
            other.rollback();
        }
    }

    @Test
    void checkpointsAreAppendOnly() throws Exception {
        append(1);
        seal(Instant.now().plus(Duration.ofDays(1)));
        try (Connection c = TestDatabase.quaestorOwner().getConnection(); Statement s = c.createStatement()) {
            assertThrows(java.sql.SQLException.class, () -> s.execute("UPDATE audit_checkpoint SET tree_size = 0"));
            assertThrows(java.sql.SQLException.class, () -> s.execute("DELETE FROM audit_checkpoint"));
        }
    }

    @Test
    void mismatchedKeysAreRefused() throws Exception {
        KeyPair one = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair two = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThrows(java.security.GeneralSecurityException.class, () -> CheckpointSigner.fromBase64(
                Base64.getEncoder().encodeToString(one.getPrivate().getEncoded()),
                Base64.getEncoder().encodeToString(two.getPublic().getEncoded())));
    }

    private static Optional<Sealer.Checkpoint> seal(Instant now) throws Exception {
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            c.setAutoCommit(false);
            Optional<Sealer.Checkpoint> checkpoint = Sealer.sealOnce(c, signer, now, HEARTBEAT);
            c.commit();
            return checkpoint;
        }
    }

    private static void append(int count) throws Exception {
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            c.setAutoCommit(false);
            List<AuditEvent> events = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                events.add(new AuditEvent(UUID.randomUUID(), Instant.now(), "actor", null, null, false, "sealed-action",
                        "thing", null, null, null, null, null, null, "success", null, null, Map.of()));
            }
            AuditAppender.append(c, events, Instant.now(), signer);
            c.commit();
        }
    }

    private static List<byte[]> leafHashes() throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT leaf_hash FROM audit_event ORDER BY seq")) {
            while (rs.next()) {
                leaves.add(rs.getBytes(1));
            }
        }
        return leaves;
    }
}
