package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Appends events on the caller's connection and transaction without any global lock: each event
 * is written to {@code audit_pending} as its canonical form less its seq, with an HMAC under the
 * pending key. If the caller's transaction rolls back, so does the event; once it commits, the
 * {@link AuditSequencer} gives it its place in the trail, usually within a fraction of a second.
 */
public final class AuditQueue {

    private static final String INSERT = "INSERT INTO audit_pending (canonical_head, canonical_tail, mac) VALUES (?, ?, ?)";

    private AuditQueue() {
    }

    /** @param pendingKey the key of {@link CheckpointSigner#pendingKey()}, or null where no audit key is configured */
    public static void enqueue(Connection c, List<AuditEvent> events, Instant now, SecretKeySpec pendingKey) throws SQLException {
        Instant recordedAt = AuditEvent.truncated(now);
        enqueue(c, events.stream().map(e -> e.unsequenced(recordedAt)).toList(), pendingKey);
    }

    /** As above, for events already written as their canonical form less the seq (recorded at {@link AuditEvent#truncated}). */
    public static void enqueue(Connection c, List<AuditEvent.Unsequenced> events, SecretKeySpec pendingKey) throws SQLException {
        Mac hmac = pendingKey == null ? null : hmac(pendingKey);
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            for (AuditEvent.Unsequenced parts : events) {
                insert.setBytes(1, parts.head());
                insert.setBytes(2, parts.tail());
                insert.setBytes(3, hmac == null ? null : mac(hmac, parts.head(), parts.tail()));
                if (events.size() == 1) {
                    insert.executeUpdate();
                } else {
                    insert.addBatch();
                }
            }
            if (events.size() > 1) {
                insert.executeBatch();
            }
        }
    }

    /** Binds a guard's parameters, from the first on; returns how many it bound. */
    @FunctionalInterface
    public interface GuardParameters {
        int bind(PreparedStatement statement) throws SQLException;
    }

    /**
     * As {@link #enqueue(Connection, List, SecretKeySpec)}, in one statement with a guard: the events
     * are queued only if {@code guard} (a query, which may lock what it reads until the caller's
     * transaction ends) returns a row. One round trip where a check and then an insert took two.
     *
     * @return whether the guard held and the events were queued (all of them, or none)
     */
    public static boolean enqueueIf(Connection c, String guard, GuardParameters guardParameters, List<AuditEvent> events, Instant now,
                                    SecretKeySpec pendingKey) throws SQLException {
        Instant recordedAt = AuditEvent.truncated(now);
        return enqueueIf(c, guard, guardParameters, events.stream().map(e -> e.unsequenced(recordedAt)).toList(), pendingKey);
    }

    /** As above, for events already written as their canonical form less the seq; at least one. */
    public static boolean enqueueIf(Connection c, String guard, GuardParameters guardParameters, List<AuditEvent.Unsequenced> events,
                                    SecretKeySpec pendingKey) throws SQLException {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a guarded append queues at least one event");
        }
        Mac hmac = pendingKey == null ? null : hmac(pendingKey);
        String rows = String.join(", ", java.util.Collections.nCopies(events.size(), "(?::bytea, ?::bytea, ?::bytea)"));
        try (PreparedStatement insert = c.prepareStatement("WITH guard AS (" + guard + ") INSERT INTO audit_pending (canonical_head, "
                + "canonical_tail, mac) SELECT v.head, v.tail, v.mac FROM (VALUES " + rows + ") AS v(head, tail, mac) "
                + "WHERE EXISTS (SELECT 1 FROM guard)")) {
            int i = guardParameters.bind(insert) + 1;
            for (AuditEvent.Unsequenced parts : events) {
                insert.setBytes(i++, parts.head());
                insert.setBytes(i++, parts.tail());
                insert.setBytes(i++, hmac == null ? null : mac(hmac, parts.head(), parts.tail()));
            }
            int queued = insert.executeUpdate();
            if (queued != 0 && queued != events.size()) {
                throw new IllegalStateException("queued " + queued + " of " + events.size() + " events");
            }
            return queued == events.size();
        }
    }

    /** A MAC keyed for pending rows, to be reused for every row of one batch or round (not thread-safe). */
    static Mac hmac(SecretKeySpec key) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            return hmac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** HMAC-SHA256 over the head's length (4 bytes, big-endian), the head and the tail. */
    static byte[] mac(Mac hmac, byte[] head, byte[] tail) {
        hmac.update(new byte[] {(byte) (head.length >>> 24), (byte) (head.length >>> 16), (byte) (head.length >>> 8),
                (byte) head.length});
        hmac.update(head);
        return hmac.doFinal(tail);
    }

    static boolean authentic(Mac hmac, byte[] head, byte[] tail, byte[] mac) {
        return mac != null && MessageDigest.isEqual(mac(hmac, head, tail), mac);
    }
}
