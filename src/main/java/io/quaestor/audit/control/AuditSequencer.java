package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.logging.StructuredLog;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Gives committed pending events ({@link AuditQueue}) their place in the trail. A round takes the
 * lowest provisional ids visible in one snapshot, in that order, numbers them from the head's
 * next seq without gaps, moves them into {@code audit_event} in one statement on the server
 * (which parses the columns from the canonical form and hashes the leaf), and extends and signs
 * the append chain over them. The caller holds the sealing advisory lock, so rounds never
 * overlap, and runs the round in one transaction: it commits whole or not at all.
 *
 * <p>Ordering: a round sees every event whose transaction committed before its snapshot, so an
 * event committed before another's transaction began always gets the lower seq; events of
 * concurrent transactions are ordered by round, then by provisional id.
 */
public final class AuditSequencer {

    private static final StructuredLog LOG = StructuredLog.of(AuditSequencer.class);

    private static final String PENDING = "SELECT id, canonical_head, canonical_tail, mac FROM audit_pending ORDER BY id LIMIT ?";
    private static final String HEAD = "SELECT next_seq, chain FROM audit_head FOR UPDATE";
    /** The columns are parsed from the canonical form once per row (jsonb_to_record), never re-parsed per column. */
    private static final String MOVE = """
            WITH moved AS (
              DELETE FROM audit_pending WHERE id = ANY(?) RETURNING id, canonical_head, canonical_tail
            ), numbered AS (
              SELECT ? + row_number() OVER (ORDER BY id) - 1 AS seq, canonical_head, canonical_tail FROM moved
            ), whole AS (
              SELECT seq, canonical_head || convert_to(seq::text, 'UTF8') || canonical_tail AS canonical FROM numbered
            )
            INSERT INTO audit_event (seq, event_id, occurred_at, recorded_at, actor, actor_role, authentication_method,
              break_glass, action, resource_type, resource_id, tenant, justification_code, justification_reference,
              grant_id, approval_id, outcome, origin, request_id, details, canonical, leaf_hash)
            SELECT w.seq, r."eventId", r."occurredAt", r."recordedAt", r.actor, r."actorRole", r."authenticationMethod",
              r."breakGlass", r.action, r."resourceType", r."resourceId", r.tenant, r."justificationCode",
              r."justificationReference", r."grantId", r."approvalId", r.outcome, r.origin, r."requestId", r.details,
              w.canonical, sha256('\\x00'::bytea || w.canonical)
            FROM whole w CROSS JOIN LATERAL jsonb_to_record(convert_from(w.canonical, 'UTF8')::jsonb) AS r (
              "eventId" uuid, "occurredAt" timestamptz, "recordedAt" timestamptz, actor text, "actorRole" text,
              "authenticationMethod" text, "breakGlass" boolean, action text, "resourceType" text, "resourceId" text,
              tenant text, "justificationCode" text, "justificationReference" text, "grantId" uuid, "approvalId" uuid,
              outcome text, origin text, "requestId" text, details text)
            RETURNING seq, leaf_hash""";
    private static final String REJECT = """
            WITH gone AS (DELETE FROM audit_pending WHERE id = ? RETURNING id, canonical_head, canonical_tail)
            INSERT INTO audit_pending_rejected (id, reason, rejected_at, canonical_head, canonical_tail)
            SELECT id, ?, ?, canonical_head, canonical_tail FROM gone""";

    /** What one round did. */
    public record Round(int sequenced, int rejected, long firstSeq) {
        static final Round NOTHING = new Round(0, 0, -1);

        public boolean idle() {
            return sequenced == 0 && rejected == 0;
        }
    }

    private record Pending(long id, byte[] head, byte[] tail) {
        byte[] canonical(long seq) {
            byte[] number = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
            byte[] whole = Arrays.copyOf(head, head.length + number.length + tail.length);
            System.arraycopy(number, 0, whole, head.length, number.length);
            System.arraycopy(tail, 0, whole, head.length + number.length, tail.length);
            return whole;
        }
    }

    private AuditSequencer() {
    }

    /**
     * One round of at most {@code limit} events, on the caller's transaction.
     *
     * @param signer the audit key, or null where none is configured (rows are then taken without
     *               a MAC check and the chain is kept unsigned, as appends were before)
     */
    public static Round sequenceOnce(Connection c, CheckpointSigner signer, int limit, Instant now) throws SQLException {
        SecretKeySpec key = signer == null ? null : signer.pendingKey();
        javax.crypto.Mac hmac = key == null ? null : AuditQueue.hmac(key);
        List<Pending> authentic = new ArrayList<>();
        int rejected = 0;
        try (PreparedStatement s = c.prepareStatement(PENDING)) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Pending p = new Pending(rs.getLong(1), rs.getBytes(2), rs.getBytes(3));
                    byte[] mac = rs.getBytes(4);
                    if (key == null || AuditQueue.authentic(hmac, p.head(), p.tail(), mac)) {
                        authentic.add(p);
                    } else {
                        reject(c, p.id(), mac == null
                                ? "it has no MAC: queued while no audit key was configured, or not written by Quaestor"
                                : "its MAC does not verify: the row was not written by Quaestor with this key", now, key);
                        rejected++;
                    }
                }
            }
        }
        if (authentic.isEmpty()) {
            return rejected == 0 ? Round.NOTHING : new Round(0, rejected, -1);
        }
        Savepoint beforeMove = c.setSavepoint();
        try {
            long first = move(c, authentic, signer);
            c.releaseSavepoint(beforeMove);
            return new Round(authentic.size(), rejected, first);
        } catch (SQLException failed) {
            c.rollback(beforeMove);
            if (!causedByARow(failed)) {
                throw failed;
            }
            return isolate(c, authentic, signer, now, rejected);
        }
    }

    /**
     * A round failed as a whole (an event id already in the trail, a canonical form that is not
     * JSON): sequence the rows one by one and set aside each one that fails, with its reason,
     * so that one bad row never stalls the trail.
     */
    private static Round isolate(Connection c, List<Pending> rows, CheckpointSigner signer, Instant now, int rejected)
            throws SQLException {
        int sequenced = 0;
        long first = -1;
        for (Pending row : rows) {
            Savepoint one = c.setSavepoint();
            try {
                long seq = move(c, List.of(row), signer);
                c.releaseSavepoint(one);
                first = first < 0 ? seq : first;
                sequenced++;
            } catch (SQLException e) {
                c.rollback(one);
                if (!causedByARow(e)) {
                    throw e;
                }
                reject(c, row.id(), "it could not be sequenced (SQL state " + e.getSQLState() + ")", now,
                        signer == null ? null : signer.pendingKey());
                rejected++;
            }
        }
        return new Round(sequenced, rejected, first);
    }

    /**
     * Whether a failed move is the fault of a row (a duplicate event id, a canonical form that is
     * not valid JSON or holds an invalid value, a row changed under us) rather than of the
     * database (disk full, a lost connection, a missing grant). Only the former sets rows aside;
     * the latter fails the pass, which the next poll retries, so a passing outage never
     * quarantines good events.
     */
    static boolean causedByARow(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.equals(CHANGED_UNDER_US));
    }

    private static final String CHANGED_UNDER_US = "QS001";

    private static long move(Connection c, List<Pending> rows, CheckpointSigner signer) throws SQLException {
        long first;
        byte[] previous;
        try (PreparedStatement s = c.prepareStatement(HEAD); ResultSet rs = s.executeQuery()) {
            rs.next();
            first = rs.getLong(1);
            previous = rs.getBytes(2);
        }
        Map<Long, byte[]> stored = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(MOVE)) {
            s.setArray(1, c.createArrayOf("bigint", rows.stream().map(Pending::id).toArray()));
            s.setLong(2, first);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getLong(1), rs.getBytes(2));
                }
            }
        }
        // A trail begun before chains existed has none until AppendSignatures.startChain() backfills it.
        AppendChain chain = previous != null || first == 0 ? AppendChain.from(previous) : null;
        for (int i = 0; i < rows.size(); i++) {
            byte[] leaf = MerkleTree.leafHash(rows.get(i).canonical(first + i));
            if (!Arrays.equals(leaf, stored.get(first + i))) {
                // Changed between our read and the move, or not the event its canonical form claims.
                throw new SQLException("pending event " + rows.get(i).id() + " did not sequence as read", CHANGED_UNDER_US);
            }
            if (chain != null) {
                chain.append(leaf);
            }
        }
        long last = first + rows.size() - 1;
        AuditAppender.advanceHead(c, last + 1, chain == null ? null : chain.value());
        if (chain != null && signer != null) {
            AuditAppender.sign(c, first, last, chain.value(), signer);
        }
        return first;
    }

    /** Sets a row aside and records that in the trail itself, so an auditor sees it too. */
    private static void reject(Connection c, long id, String reason, Instant now, SecretKeySpec key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(REJECT)) {
            s.setLong(1, id);
            s.setString(2, reason);
            s.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            s.executeUpdate();
        }
        AuditQueue.enqueue(c, List.of(new AuditEvent(UUID.randomUUID(), now, "quaestor", null, null, false,
                "audit.pending-rejected", "audit-trail", null, null, null, null, null, null, "error", null, null,
                Map.of("pendingId", Long.toString(id), "reason", reason))), now, key);
        LOG.warn("audit.pending-rejected", Map.of("pendingId", id, "reason", reason,
                "effect", "not in the trail; kept in audit_pending_rejected for investigation"));
    }
}
