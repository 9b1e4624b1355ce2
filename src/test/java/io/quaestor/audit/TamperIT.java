package io.quaestor.audit;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.launcher.EmbeddedDatabase;
import io.quaestor.testing.Api;
import io.quaestor.testing.ExtraInstance;
import io.quaestor.testing.ForgedEvents;
import io.quaestor.testing.TestDatabase;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database superuser tampers with a live Quaestor's trail: updates a column, deletes an event,
 * inserts one beyond a gap, truncates the table, and appends a forged event with a consistent
 * record, leaf hash and head. Each time both verifiers, the server's ({@code GET
 * /api/audit/verification}) and the auditor's offline {@code audit/VerifyBundle.java} on a bundle
 * downloaded from the server, name the trail tampered; the sealer never seals the forged event.
 * Runs on an instance with a database of its own, so no other test sees the damage.
 */
class TamperIT {

    private static final String DATABASE = "quaestor_tamper";
    private static final String PUBLIC_KEY = io.quaestor.testing.TestAuditKey.PUBLIC_KEY;
    private static ExtraInstance instance;
    private static Api api;
    private static Api.Session admin;

    @BeforeAll
    static void instanceOfItsOwn() throws Exception {
        try (Connection c = TestDatabase.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + EmbeddedDatabase.QUAESTOR_OWNER);
        }
        String port = System.getProperty("quaestor.test.pg.port");
        instance = ExtraInstance.start("tamper-instance", 18380, List.of(
                "-Dquaestor.db.url=jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, "-Dquaestor.timers.poll-seconds=5"));
        instance.awaitReady(Duration.ofMinutes(4));
        api = new Api(instance.base().toURL());
        Api.Session first = signIn("Bootstrap-Admin-Pass-01");
        assertEquals(204, api.put("api/me/password", "{\"currentPassword\":\"Bootstrap-Admin-Pass-01\",\"newPassword\":\"Tamper-Test-Passphrase-1\"}",
                first).status());
        admin = signIn("Tamper-Test-Passphrase-1");
        awaitSealed();
    }

    @AfterAll
    static void stop() throws Exception {
        if (instance != null) {
            instance.close();
        }
    }

    @Test
    void everyKindOfTamperingIsNamedByBothVerifiersAndAForgedAppendIsNeverSealed() throws Exception {
        Verdict clean = verify();
        assertTrue(clean.apiIntact(), clean.toString());
        assertTrue(clean.offline().startsWith("INTACT"), clean.offline());

        superuser("CREATE TABLE audit_saved AS SELECT * FROM audit_event");

        superuser("UPDATE audit_event SET outcome = 'denied' WHERE seq = 1");
        assertTampered(verify(), 1);
        superuser("UPDATE audit_event e SET outcome = s.outcome FROM audit_saved s WHERE e.seq = s.seq AND e.seq = 1");

        superuser("DELETE FROM audit_event WHERE seq = 2");
        assertTampered(verify(), 2);
        superuser("INSERT INTO audit_event SELECT * FROM audit_saved WHERE seq = 2");

        long gapAt = number("SELECT next_seq FROM audit_head") + 1000;
        superuser("INSERT INTO audit_event SELECT " + gapAt + ", gen_random_uuid(), occurred_at, recorded_at, actor, actor_role, "
                + "authentication_method, break_glass, action, resource_type, resource_id, tenant, justification_code, justification_reference, "
                + "grant_id, approval_id, outcome, origin, request_id, details, canonical, leaf_hash, payload_removed_at FROM audit_saved WHERE seq = 3");
        Verdict gap = verify();
        assertFalse(gap.apiIntact(), gap.toString());
        assertTrue(gap.apiFinding().contains("missing"), gap.toString());
        assertTrue(gap.offline().startsWith("TAMPERED"), gap.offline());
        superuser("DELETE FROM audit_event WHERE seq = " + gapAt);

        // Every event gone (TRUNCATE would cascade into the tables that refer to events; the effect on the trail is the same).
        superuser("DROP TABLE audit_saved");
        superuser("CREATE TABLE audit_saved AS SELECT * FROM audit_event");
        superuser("DELETE FROM audit_event");
        assertTampered(verify(), 0);
        superuser("INSERT INTO audit_event SELECT * FROM audit_saved ON CONFLICT DO NOTHING");

        Verdict restored = verify();
        assertTrue(restored.apiIntact(), "restored: " + restored);

        long forged = forgeAppend();
        assertTampered(verify(), forged);
        Thread.sleep(3_000);
        assertTrue(number("SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint") <= forged,
                "no checkpoint seals the forged event");

        UUID forgedPending = UUID.randomUUID();
        long pendingId = forgePending(forgedPending);
        io.quaestor.testing.Sql.auditSettled(DATABASE);
        assertEquals(1, number("SELECT count(*) FROM audit_pending_rejected WHERE id = " + pendingId),
                "a pending row without Quaestor's MAC is set aside");
        assertEquals(0, number("SELECT count(*) FROM audit_event WHERE event_id = '" + forgedPending + "'"),
                "and never sequenced");
        assertEquals(1, number("SELECT count(*) FROM audit_event WHERE action = 'audit.pending-rejected' "
                + "AND details::jsonb ->> 'pendingId' = '" + pendingId + "'"), "and the trail says so");
    }

    /** A well-formed pending event with a MAC made without the key: all a superuser can write into the queue. */
    private static long forgePending(UUID eventId) throws Exception {
        AuditEvent.Unsequenced parts = new AuditEvent(eventId, Instant.now(), "intruder", "ADMIN", "SESSION", false,
                "user.roles-changed", "staff-user", UUID.randomUUID().toString(), null, null, null, null, null, "success", null, null,
                Map.of("after", "[ADMIN]")).unsequenced(Instant.now());
        byte[] mac = new byte[32];
        new java.security.SecureRandom().nextBytes(mac);
        try (Connection c = TestDatabase.superuser(DATABASE); java.sql.PreparedStatement s = c.prepareStatement(
                "INSERT INTO audit_pending (canonical_head, canonical_tail, mac) VALUES (?, ?, ?) RETURNING id")) {
            s.setBytes(1, parts.head());
            s.setBytes(2, parts.tail());
            s.setBytes(3, mac);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private record Verdict(boolean apiIntact, Long apiFirstBad, String apiFinding, String offline) {
    }

    private static void assertTampered(Verdict verdict, long seq) {
        assertFalse(verdict.apiIntact(), verdict.toString());
        assertEquals(seq, verdict.apiFirstBad(), verdict.toString());
        assertTrue(verdict.offline().contains("TAMPERED: first bad sequence number " + seq + ":"), verdict.offline());
    }

    private static Verdict verify() throws Exception {
        Api.Reply reply = api.get("api/audit/verification", admin);
        assertEquals(200, reply.status(), reply.body());
        JsonObject report = reply.json();
        Path bundle = Path.of("target", "tamper-bundle.zip");
        Files.deleteIfExists(bundle);
        HttpResponse<byte[]> zip = api.bytes(admin.apply(api.request("api/audit/bundle").setHeader("Accept", "application/zip").GET(), false));
        assertEquals(200, zip.statusCode());
        Files.write(bundle, zip.body());
        Path key = Path.of("target", "tamper-public-key.txt");
        Files.writeString(key, PUBLIC_KEY);
        Process verifier = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "audit/VerifyBundle.java", bundle.toString(), key.toString()).redirectErrorStream(true).start();
        String output = new String(verifier.getInputStream().readAllBytes());
        verifier.waitFor();
        return new Verdict(report.getBoolean("intact"), !report.containsKey("firstBadSeq") || report.isNull("firstBadSeq") ? null
                : report.getJsonNumber("firstBadSeq").longValue(), report.getString("finding", ""), output.trim());
    }

    /** A consistent event at the head's position, the head advanced: everything a superuser can make without the audit key. */
    private static long forgeAppend() throws Exception {
        try (Connection c = TestDatabase.superuser(DATABASE)) {
            c.setAutoCommit(false);
            long seq;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT next_seq FROM audit_head FOR UPDATE")) {
                rs.next();
                seq = rs.getLong(1);
            }
            ForgedEvents.append(c, seq, new AuditEvent(UUID.randomUUID(), Instant.now(), "intruder", "ADMIN", "SESSION", false,
                    "user.roles-changed", "staff-user", UUID.randomUUID().toString(), null, null, null, null, null, "success", null, null,
                    Map.of("after", "[ADMIN]")));
            c.commit();
            return seq;
        }
    }

    private static void awaitSealed() throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (number("SELECT count(*) FROM audit_event") >= 3
                    && number("SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint") == number("SELECT count(*) FROM audit_event")) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the trail was not sealed in time");
    }

    private static Api.Session signIn(String password) {
        Api.Reply reply = api.post("api/session", "{\"username\":\"admin\",\"password\":\"" + password + "\"}", Api.ANONYMOUS);
        assertEquals(201, reply.status(), reply.body());
        String cookie = reply.header("Set-Cookie").orElseThrow().split(";", 2)[0].split("=", 2)[1];
        return new Api.Session(cookie, reply.json().getString("csrfToken"), true);
    }

    private static void superuser(String sql) throws Exception {
        try (Connection c = TestDatabase.superuser(DATABASE); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute(sql);
        }
    }

    private static long number(String sql) throws Exception {
        if (sql.contains("audit_event") || sql.contains("audit_head")) {
            io.quaestor.testing.Sql.auditSettled(DATABASE);
        }
        try (Connection c = TestDatabase.superuser(DATABASE); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
