package io.quaestor.retention;

import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.retention.control.RetentionPurge;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clock-window chunks on real PostgreSQL: resumable from a checkpoint, each row counted once, blind to unexpired and held rows, rolled back when holds change. */
class RetentionPurgeTest {

    private static PGSimpleDataSource store;
    private static final String TENANT = UUID.randomUUID().toString();
    private static final String OTHER = UUID.randomUUID().toString();
    private static final String HELD = UUID.randomUUID().toString();

    @BeforeAll
    static void store() throws Exception {
        store = TestDatabase.freshGateway("retention");
        ReferenceStoreSetup.flyway(store).migrate();
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT ensure_request_metadata_partitions(current_date - 60, current_date)");
            rows(s, TENANT, UUID.randomUUID().toString(), 1_000, "40 days");
            rows(s, TENANT, UUID.randomUUID().toString(), 50, "5 days");
            rows(s, TENANT, HELD, 30, "40 days");
            rows(s, OTHER, UUID.randomUUID().toString(), 70, "40 days");
        }
    }

    @Test
    void theProbeCommitsATransactionWithAnIdAsTheGatewaysWritesDo() throws Exception {
        long before = assignedTransactionIds();
        RetentionPurge.probe(store);
        assertTrue(assignedTransactionIds() > before, "the probe took an xid, so its commit waits for the WAL flush");

        // On a connection that does not commit by itself (as a pool may hand out), the probe commits.
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        javax.sql.DataSource manual = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return method.invoke(store, args);
                    }
                    Connection real = store.getConnection();
                    real.setAutoCommit(false);
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("commit")) {
                                    commits.incrementAndGet();
                                }
                                return m.invoke(real, a);
                            });
                });
        RetentionPurge.probe(manual);
        assertEquals(1, commits.get());
    }

    /** The first xid not yet handed out: it moves only when a transaction is given an id. */
    private static long assignedTransactionIds() throws Exception {
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT txid_snapshot_xmax(txid_current_snapshot())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void chunksResumeFromTheirCheckpointAndTouchOnlyExpiredUnheldRowsOfTheTenant() throws Exception {
        RetentionPurge purge = new RetentionPurge(store, target(Instant.now().minus(30, ChronoUnit.DAYS)));
        assertEquals(1_000, purge.expired(List.of(HELD)), "the dry count");
        long counted = 0;
        RetentionPurge.Position dryPosition = null;
        RetentionPurge.Chunk dry;
        do {
            dry = purge.next(dryPosition, 400, () -> List.of(HELD), true);
            counted += dry.rows();
            dryPosition = dry.next();
        } while (!dry.done());
        assertEquals(1_000, counted, "dry chunks count every expired row once");
        assertEquals(1_080, count("organization_id = '" + TENANT + "'"), "a dry chunk deletes nothing");

        RetentionPurge.Chunk first = new RetentionPurge(store, target(Instant.now().minus(30, ChronoUnit.DAYS)))
                .next(null, 300, () -> List.of(HELD), false);
        assertTrue(first.rows() > 0 && first.rows() < 1_000 && !first.done(), "the first window takes a part: " + first);
        // A new purge object, as after a restart, continues from the saved position.
        RetentionPurge resumed = new RetentionPurge(store, target(Instant.now().minus(30, ChronoUnit.DAYS)));
        RetentionPurge.Position position = first.next();
        long deleted = first.rows();
        int chunks = 1;
        RetentionPurge.Chunk chunk;
        do {
            chunk = resumed.next(position, 256, () -> List.of(HELD), false);
            deleted += chunk.rows();
            position = chunk.next();
            chunks++;
        } while (!chunk.done());
        assertTrue(chunks > 2, "windows sized to about 256 rows take several chunks: " + chunks);
        assertEquals(1_000, deleted);
        assertEquals(80, count("organization_id = '" + TENANT + "'"), "recent rows and the held account's stay");
        assertEquals(30, count("account_id = '" + HELD + "'"));
        assertEquals(70, count("organization_id = '" + OTHER + "'"), "another tenant's rows are another partition's");
    }

    @Test
    void aChunkIsRolledBackWhenHoldsChangeWhileItRuns() throws Exception {
        long before = count("organization_id = '" + OTHER + "'");
        RetentionPurge purge = new RetentionPurge(store, new RetentionPurge.Target("request_metadata", "occurred_at", "request_id", "uuid",
                "organization_id", "uuid", OTHER, "account_id", Instant.now().minus(30, ChronoUnit.DAYS)));
        int[] calls = {0};
        assertThrows(IllegalStateException.class, () -> purge.next(null, 50, () -> calls[0]++ == 0 ? List.of() : List.of("someone"), false));
        assertEquals(before, count("organization_id = '" + OTHER + "'"));
    }

    @Test
    void aChunkPendingWhenTheJobDiedIsKnownByWhetherItsWindowStillHoldsItsRows() throws Exception {
        String tenant = UUID.randomUUID().toString();
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            rows(s, tenant, UUID.randomUUID().toString(), 200, "45 days");
        }
        Instant cutoff = Instant.now().minus(30, ChronoUnit.DAYS);
        RetentionPurge.Target target = new RetentionPurge.Target("request_metadata", "occurred_at", "request_id", "uuid",
                "organization_id", "uuid", tenant, "account_id", cutoff);
        RetentionPurge.Chunk[] pending = new RetentionPurge.Chunk[1];
        // Died after recording the chunk as pending, before the store committed it.
        assertThrows(IllegalStateException.class, () -> new RetentionPurge(store, target).next(null, 50, List::of, false, chunk -> {
            pending[0] = chunk;
            throw new IllegalStateException("the JVM died here");
        }));
        assertTrue(pending[0].rows() > 0);
        assertFalse(new RetentionPurge(store, target).committed(null, pending[0].next().clock(), pending[0].rows(), List.of()),
                "rolled back: its rows are still there");
        // Died after the store committed, before the checkpoint was written.
        RetentionPurge.Chunk[] recorded = new RetentionPurge.Chunk[1];
        RetentionPurge.Chunk done = new RetentionPurge(store, target).next(null, 50, List::of, false, chunk -> recorded[0] = chunk);
        assertEquals(recorded[0], done);
        assertTrue(new RetentionPurge(store, target).committed(null, recorded[0].next().clock(), recorded[0].rows(), List.of()),
                "committed: its window is empty, so its rows are counted on restart");
    }

    @Test
    void aRulesTenantsArePurgedTogetherEachBelowItsOwnCutoffAndCountedApart() throws Exception {
        String shortLived = UUID.randomUUID().toString();
        String longLived = UUID.randomUUID().toString();
        String untargeted = UUID.randomUUID().toString();
        String heldAccount = UUID.randomUUID().toString();
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            rows(s, shortLived, UUID.randomUUID().toString(), 300, "40 days");
            rows(s, shortLived, UUID.randomUUID().toString(), 100, "52 days");
            rows(s, longLived, UUID.randomUUID().toString(), 300, "40 days");
            rows(s, longLived, UUID.randomUUID().toString(), 200, "52 days");
            rows(s, longLived, heldAccount, 20, "52 days");
            rows(s, untargeted, UUID.randomUUID().toString(), 100, "52 days");
        }
        RetentionPurge.Target thirtyDays = new RetentionPurge.Target("request_metadata", "occurred_at", "request_id", "uuid",
                "organization_id", "uuid", shortLived, "account_id", Instant.now().minus(30, ChronoUnit.DAYS));
        List<RetentionPurge.Target> targets = List.of(thirtyDays, thirtyDays.forTenant(longLived, Instant.now().minus(50, ChronoUnit.DAYS)));
        assertEquals(600, new RetentionPurge(store, targets).expired(List.of(heldAccount)), "the dry count of both");

        long[] dry = purgeAll(new RetentionPurge(store, targets), heldAccount, true);
        assertEquals(400, dry[0], "dry: every expired row of the 30-day tenant, once");
        assertEquals(200, dry[1], "dry: the 50-day tenant's rows older than 50 days, its held account's aside");
        assertEquals(920, count("organization_id IN ('" + shortLived + "', '" + longLived + "')"), "a dry run deletes nothing");

        long[] deleted = purgeAll(new RetentionPurge(store, targets), heldAccount, false);
        assertEquals(400, deleted[0]);
        assertEquals(200, deleted[1]);
        assertEquals(0, count("organization_id = '" + shortLived + "'"));
        assertEquals(320, count("organization_id = '" + longLived + "'"), "its unexpired rows and the held account's stay");
        assertEquals(20, count("account_id = '" + heldAccount + "'"));
        assertEquals(100, count("organization_id = '" + untargeted + "'"), "a tenant the purge was not given keeps its rows");
        assertThrows(IllegalArgumentException.class, () -> new RetentionPurge(store, List.of(thirtyDays, thirtyDays.forTenant(null,
                Instant.now()))), "the whole table is not one tenant among others");
    }

    /** Chunks of about 64 rows to the end; each target's rows, checked against each chunk's total. */
    private static long[] purgeAll(RetentionPurge purge, String heldAccount, boolean dryRun) throws Exception {
        long[] byTarget = new long[2];
        RetentionPurge.Position position = null;
        int chunks = 0;
        RetentionPurge.Chunk chunk;
        do {
            chunk = purge.next(position, 64, () -> List.of(heldAccount), dryRun);
            assertEquals(chunk.rows(), chunk.rowsByTarget().stream().mapToLong(Long::longValue).sum());
            byTarget[0] += chunk.rowsByTarget().get(0);
            byTarget[1] += chunk.rowsByTarget().get(1);
            position = chunk.next();
            chunks++;
        } while (!chunk.done());
        assertTrue(chunks > 4, "windows of about 64 rows take several chunks: " + chunks);
        return byTarget;
    }

    private static RetentionPurge.Target target(Instant cutoff) {
        return new RetentionPurge.Target("request_metadata", "occurred_at", "request_id", "uuid", "organization_id", "uuid", TENANT, "account_id", cutoff);
    }

    private static void rows(Statement s, String org, String account, int n, String age) throws SQLException {
        s.execute("INSERT INTO request_metadata (occurred_at, request_id, account_id, organization_id, model, prompt_tokens, completion_tokens, "
                + "total_tokens, cost_micro_usd, latency_ms, http_status) SELECT date_trunc('second', now() - interval '" + age + "') - (g || ' minutes')::interval, "
                + "gen_random_uuid(), '" + account + "', '" + org + "', 'm', 1, 1, 2, 1, 1, 200 FROM generate_series(1, " + n + ") g");
    }

    private static long count(String where) throws SQLException {
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM request_metadata WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
