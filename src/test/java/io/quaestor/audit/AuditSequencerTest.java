package io.quaestor.audit;

import io.quaestor.audit.control.AppendChain;
import io.quaestor.audit.control.AuditQueue;
import io.quaestor.audit.control.AuditSequencer;
import io.quaestor.audit.control.CheckpointSigner;
import io.quaestor.audit.control.MerkleTree;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.platform.persistence.DatabaseMigrations;
import io.quaestor.testing.TestAuditKey;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Appends through the pending queue on real PostgreSQL: the sequenced event is byte for byte the
 * event a direct append would have written, in a defined order, without gaps, signed, and a row
 * Quaestor did not write (or cannot sequence) is set aside without stalling the others.
 */
class AuditSequencerTest {

    private static final CheckpointSigner SIGNER = TestAuditKey.signer();

    @BeforeAll
    static void migrate() {
        DatabaseMigrations.flyway(TestDatabase.quaestorOwner(), EmbeddedDatabase.QUAESTOR_RUNTIME).migrate();
    }

    @Test
    void theSplitCanonicalFormReassemblesExactly() {
        AuditEvent tricky = new AuditEvent(UUID.randomUUID(), Instant.parse("2026-12-03T10:15:30.123456789Z"), "adm-1",
                "ADMIN", "SSO", true, "x.\"seq\":0", "account", "cp_1", "t-1", "CUSTOMER_SUPPORT", "SUP-\"seq\":7",
                UUID.randomUUID(), null, "success", "203.0.113.0/24", "req-1",
                Map.of("note", "\"seq\":0 ünïcødé \u2028 \\", "seq", "9"));
        Instant recordedAt = Instant.parse("2026-12-03T10:15:31Z");
        AuditEvent.Unsequenced parts = tricky.unsequenced(recordedAt);
        for (long seq : new long[] {0, 7, 10, 123_456_789_012L}) {
            assertArrayEquals(tricky.canonical(seq, recordedAt), parts.with(seq), "seq " + seq);
        }
    }

    @Test
    void aSequencedEventIsTheEventADirectAppendWouldHaveWrittenAndItsRoundIsSigned() throws Exception {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), Instant.now(), "adm-2", "OPERATOR,AUDITOR", "SESSION", false,
                "customer-data.read", "account", "cp_0123", "tenant-a", "CUSTOMER_SUPPORT", "SUP-1", UUID.randomUUID(),
                UUID.randomUUID(), "success", "198.51.100.0/24", "req-2", Map.of("categories", "account", "rows.accounts", "1"));
        Instant recordedAt = Instant.now();
        enqueueCommitted(List.of(event), recordedAt);
        AuditSequencer.Round round = drain();
        assertEquals(1, round.sequenced());

        try (Connection c = TestDatabase.superuser("quaestor"); PreparedStatement s = c.prepareStatement("""
                SELECT seq, canonical, leaf_hash, actor, actor_role, authentication_method, break_glass, action, resource_id,
                       tenant, justification_reference, grant_id, approval_id, origin, request_id, details, occurred_at, recorded_at
                FROM audit_event WHERE event_id = ?""")) {
            s.setObject(1, event.eventId());
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                long seq = rs.getLong(1);
                byte[] expected = event.canonical(seq, recordedAt);
                assertArrayEquals(expected, rs.getBytes(2));
                assertArrayEquals(MerkleTree.leafHash(expected), rs.getBytes(3));
                assertEquals(List.of("adm-2", "OPERATOR,AUDITOR", "SESSION", "f", "customer-data.read", "cp_0123", "tenant-a", "SUP-1",
                                event.grantId().toString(), event.approvalId().toString(), "198.51.100.0/24", "req-2", event.canonicalDetails()),
                        List.of(rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15),
                                rs.getString(16)));
                assertEquals(AuditEvent.truncated(event.occurredAt()), rs.getObject(17, OffsetDateTime.class).toInstant());
                assertEquals(AuditEvent.truncated(recordedAt), rs.getObject(18, OffsetDateTime.class).toInstant());
                assertSigned(c, seq);
            }
        }
    }

    @Test
    void anUncommittedEventWaitsAndEventsCommittedEarlierComeFirst() throws Exception {
        try (Connection slow = TestDatabase.quaestorRuntime().getConnection()) {
            slow.setAutoCommit(false);
            AuditEvent late = event("late-committer");
            AuditQueue.enqueue(slow, List.of(late), Instant.now(), SIGNER.pendingKey());
            AuditEvent early = event("early-committer");
            enqueueCommitted(List.of(early), Instant.now());
            drain();
            assertEquals(-1, seqOf(late), "not visible, so not sequenced");
            long earlySeq = seqOf(early);
            slow.commit();
            drain();
            assertEquals(earlySeq + 1, seqOf(late), "committed later, sequenced after, without a gap");
        }
        List<AuditEvent> batch = List.of(event("batch-0"), event("batch-1"), event("batch-2"));
        enqueueCommitted(batch, Instant.now());
        drain();
        long first = seqOf(batch.get(0));
        assertEquals(List.of(first, first + 1, first + 2), batch.stream().map(AuditSequencerTest::seqOfUnchecked).toList(),
                "in the order they were written");
    }

    @Test
    void aForgedRowAndAReplayedRowAreSetAsideAndTheRestIsSequenced() throws Exception {
        AuditEvent genuine = event("genuine");
        enqueueCommitted(List.of(genuine), Instant.now());
        drain();
        long forgedId;
        long replayId;
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement()) {
            AuditEvent.Unsequenced parts = event("forged").unsequenced(Instant.now());
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO audit_pending (canonical_head, canonical_tail, mac) VALUES (?, ?, NULL) RETURNING id")) {
                insert.setBytes(1, parts.head());
                insert.setBytes(2, parts.tail());
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    forgedId = rs.getLong(1);
                }
            }
            // The genuine event's own bytes and MAC, replayed: authentic, but its id is already in the trail.
            AuditEvent.Unsequenced again = genuine.unsequenced(Instant.parse("2026-01-01T00:00:00Z"));
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO audit_pending (canonical_head, canonical_tail, mac) VALUES (?, ?, ?) RETURNING id")) {
                insert.setBytes(1, again.head());
                insert.setBytes(2, again.tail());
                insert.setBytes(3, mac(again));
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    replayId = rs.getLong(1);
                }
            }
        }
        AuditEvent after = event("after-the-poison");
        enqueueCommitted(List.of(after), Instant.now());
        drain();
        assertTrue(seqOf(after) > seqOf(genuine), "the trail went on");
        assertEquals(1, count("SELECT count(*) FROM audit_pending_rejected WHERE id = " + forgedId + " AND reason LIKE '%MAC%'"));
        assertEquals(1, count("SELECT count(*) FROM audit_pending_rejected WHERE id = " + replayId + " AND reason LIKE '%23505%'"));
        assertEquals(1, count("SELECT count(*) FROM audit_event WHERE event_id = '" + genuine.eventId() + "'"));
        assertEquals(2, count("SELECT count(*) FROM audit_event WHERE action = 'audit.pending-rejected' AND details::jsonb ->> 'pendingId' IN ('"
                + forgedId + "', '" + replayId + "')"), "each rejection is itself in the trail");
        assertEquals(0, count("SELECT count(*) FROM audit_pending"));
    }

    @Test
    void aFailureOfTheDatabaseSetsNothingAsideAndTheEventsWaitForTheNextPass() throws Exception {
        AuditEvent waiting = event("waits-out-an-outage");
        enqueueCommitted(List.of(waiting), Instant.now());
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE OR REPLACE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$""");
            s.execute("CREATE TRIGGER test_disk_full BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION test_disk_full()");
        }
        try {
            java.sql.SQLException outage = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, AuditSequencerTest::drain);
            assertEquals("53100", outage.getSQLState());
        } finally {
            try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER test_disk_full ON audit_event");
                s.execute("DROP FUNCTION test_disk_full()");
            }
        }
        assertEquals(0, count("SELECT count(*) FROM audit_pending_rejected WHERE reason LIKE '%53100%'"), "nothing set aside");
        drain();
        assertTrue(seqOf(waiting) >= 0, "sequenced once the database is back");
    }

    @Test
    void concurrentWritersAndASequencerLoseNothingAndLeaveNoGap() throws Exception {
        long before = count("SELECT count(*) FROM audit_event");
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        Future<?> sequencer = pool.submit(() -> {
            while (writing.get()) {
                drain();
            }
            return null;
        });
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    enqueueCommitted(List.of(event("concurrent"), event("concurrent")), Instant.now());
                }
                return null;
            }));
        }
        for (Future<?> w : writers) {
            w.get();
        }
        writing.set(false);
        sequencer.get();
        drain();
        pool.shutdown();
        assertEquals(before + 400, count("SELECT count(*) FROM audit_event"));
        assertEquals(count("SELECT count(*) FROM audit_event"), count("SELECT max(seq) + 1 FROM audit_event"), "gapless from 0");
    }

    private static void assertSigned(Connection c, long seq) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT first_seq, last_seq, chain, statement, signature FROM audit_append_signature WHERE first_seq <= ? AND last_seq >= ?")) {
            s.setLong(1, seq);
            s.setLong(2, seq);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "the round that sequenced it is signed");
                assertTrue(AppendChain.vouches(SIGNER.publicKey(), rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getString(4),
                        rs.getBytes(5)));
            }
        }
    }

    @Test
    void aGuardedAppendQueuesAllItsEventsWhileTheGuardHoldsAndNoneOtherwise() throws Exception {
        AuditEvent refused = event("guard-failed");
        List<AuditEvent> admitted = List.of(event("guard-held-1"), event("guard-held-2"));
        Instant recordedAt = Instant.now();
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            assertFalse(AuditQueue.enqueueIf(c, "SELECT 1 WHERE ?::boolean", s -> {
                s.setBoolean(1, false);
                return 1;
            }, List.of(refused.unsequenced(AuditEvent.truncated(recordedAt))), SIGNER.pendingKey()));
            assertTrue(AuditQueue.enqueueIf(c, "SELECT 1 WHERE ?::boolean", s -> {
                s.setBoolean(1, true);
                return 1;
            }, admitted.stream().map(e -> e.unsequenced(AuditEvent.truncated(recordedAt))).toList(), SIGNER.pendingKey()));
        }
        drain();
        assertEquals(-1, seqOf(refused), "nothing queued when the guard finds no row");
        for (AuditEvent event : admitted) {
            assertTrue(seqOf(event) >= 0, "queued and sequenced, its MAC accepted: " + event.action());
        }
        assertEquals(seqOf(admitted.get(0)) + 1, seqOf(admitted.get(1)), "in the order given");
    }

    /** Every committed pending event, in rounds, under the sealing lock as the server takes it. */
    private static AuditSequencer.Round drain() throws Exception {
        int sequenced = 0;
        int rejected = 0;
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + 0x5153545253454131L + ")");
            }
            AuditSequencer.Round round;
            do {
                round = AuditSequencer.sequenceOnce(c, SIGNER, 100, Instant.now());
                sequenced += round.sequenced();
                rejected += round.rejected();
            } while (!round.idle());
            c.commit();
        }
        return new AuditSequencer.Round(sequenced, rejected, -1);
    }

    private static void enqueueCommitted(List<AuditEvent> events, Instant now) throws SQLException {
        try (Connection c = TestDatabase.quaestorRuntime().getConnection()) {
            AuditQueue.enqueue(c, events, now, SIGNER.pendingKey());
        }
    }

    private static byte[] mac(AuditEvent.Unsequenced parts) throws Exception {
        javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
        hmac.init(SIGNER.pendingKey());
        int n = parts.head().length;
        hmac.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        hmac.update(parts.head());
        return hmac.doFinal(parts.tail());
    }

    private static AuditEvent event(String action) {
        return new AuditEvent(UUID.randomUUID(), Instant.now(), "adm-test", "ADMIN", "SESSION", false, "test." + action,
                "account", null, null, null, null, null, null, "success", null, null, Map.of("n", new String(new byte[] {65},
                StandardCharsets.US_ASCII)));
    }

    private static long seqOf(AuditEvent event) throws SQLException {
        return count("SELECT coalesce((SELECT seq FROM audit_event WHERE event_id = '" + event.eventId() + "'), -1)");
    }

    private static long seqOfUnchecked(AuditEvent event) {
        try {
            return seqOf(event);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
