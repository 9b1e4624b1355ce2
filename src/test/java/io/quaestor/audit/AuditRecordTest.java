package io.quaestor.audit;

import io.quaestor.audit.control.AuditAppender;
import io.quaestor.audit.control.MerkleTree;
import io.quaestor.audit.control.Origins;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.platform.persistence.DatabaseMigrations;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail's record on real PostgreSQL: in order, without gaps, and append-only. */
class AuditRecordTest {

    @BeforeAll
    static void migrate() {
        DatabaseMigrations.flyway(TestDatabase.quaestorOwner(), EmbeddedDatabase.QUAESTOR_RUNTIME).migrate();
    }

    @Test
    void sequenceNumbersAreGaplessEvenWhenAnAppendRollsBack() throws Exception {
        long first = appendCommitted(event("first"));
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            c.setAutoCommit(false);
            AuditAppender.append(c, List.of(event("rolled-back")), Instant.now(), io.quaestor.testing.TestAuditKey.signer());
            c.rollback();
        }
        long second = appendCommitted(event("second"));
        assertEquals(first + 1, second, "the rolled-back append gave its number back");
    }

    @Test
    void concurrentAppendersGetEveryNumberExactlyOnce() throws Exception {
        long before = count("SELECT count(*) FROM audit_event");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            work.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    appendCommitted(event("concurrent"));
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        assertEquals(before + 200, count("SELECT count(*) FROM audit_event"));
        assertEquals(count("SELECT count(*) FROM audit_event"), count("SELECT max(seq) + 1 FROM audit_event"),
                "sequence numbers run from 0 without a gap");
    }

    @Test
    void eachLeafHashCoversTheCanonicalEventAtItsPosition() throws Exception {
        long seq = appendCommitted(event("hashed"));
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT canonical, leaf_hash FROM audit_event WHERE seq = " + seq)) {
            rs.next();
            byte[] canonical = rs.getBytes(1);
            assertArrayEquals(MerkleTree.leafHash(canonical), rs.getBytes(2));
            String text = new String(canonical, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.startsWith("{\"action\":\"hashed\""), "members in sorted order: " + text);
            assertTrue(text.contains("\"seq\":" + seq));
        }
    }

    @Test
    void theRuntimeRoleCanOnlyAppendAndRead() throws Exception {
        appendCommitted(event("protected"));
        try (Connection c = TestDatabase.quaestorRuntime().getConnection(); Statement s = c.createStatement()) {
            for (String change : List.of("UPDATE audit_event SET outcome = 'denied'", "DELETE FROM audit_event",
                    "TRUNCATE audit_event")) {
                SQLException refused = assertThrows(SQLException.class, () -> s.execute(change), change);
                assertEquals("42501", refused.getSQLState(), change + " is refused for lack of privilege");
            }
        }
    }

    @Test
    void triggersRefuseChangesEvenToTheOwner() throws Exception {
        appendCommitted(event("owner-cannot-change"));
        try (Connection c = TestDatabase.quaestorOwner().getConnection(); Statement s = c.createStatement()) {
            for (String change : List.of("UPDATE audit_event SET outcome = 'denied'", "DELETE FROM audit_event",
                    "TRUNCATE audit_event")) {
                SQLException refused = assertThrows(SQLException.class, () -> s.execute(change), change);
                assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            }
        }
    }

    /** Why the trail is sealed cryptographically: a superuser can switch triggers off. */
    @Test
    void aSuperuserCanStillBypassTheTriggersWhichSealingMustCatch() throws Exception {
        long seq = appendCommitted(event("bypass-target"));
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            assertEquals(1, s.executeUpdate("UPDATE audit_event SET outcome = 'denied' WHERE seq = " + seq));
            try (ResultSet rs = s.executeQuery("SELECT canonical, leaf_hash FROM audit_event WHERE seq = " + seq)) {
                rs.next();
                assertTrue(Arrays.equals(MerkleTree.leafHash(rs.getBytes(1)), rs.getBytes(2)),
                        "a column changed behind the canonical form: only re-deriving the canonical bytes from the columns, "
                                + "as the verifier will, reveals it");
            }
        }
    }

    @Test
    void originsAreTruncatedToTheirNetwork() {
        assertEquals("203.0.113.0/24", Origins.truncate("203.0.113.77"));
        assertEquals("2001:db8:85a3::/48", Origins.truncate("2001:db8:85a3:8d3:1319:8a2e:370:7348"));
        assertNull(Origins.truncate("not-an-address.example"));
    }

    private static long appendCommitted(AuditEvent event) throws SQLException {
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            c.setAutoCommit(false);
            long seq = AuditAppender.append(c, List.of(event), Instant.now(), io.quaestor.testing.TestAuditKey.signer());
            c.commit();
            return seq;
        }
    }

    private static AuditEvent event(String action) {
        return new AuditEvent(UUID.randomUUID(), Instant.now(), UUID.randomUUID().toString(), "OPERATOR", "BEARER_TOKEN",
                false, action, "account", "pseudonym-1", "tenant-a", "customer-support", "TICKET-1", null, null,
                "success", "203.0.113.0/24", "req-12345678", Map.of("b", "2", "a", "1"));
    }


    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
