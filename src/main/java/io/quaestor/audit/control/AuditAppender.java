package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Appends events on the caller's connection and transaction. The head row is locked until that
 * transaction ends, so sequence numbers are gapless and in commit order: a rolled-back append
 * gives its numbers back, and seq is the event's leaf index in the Merkle tree.
 */
public final class AuditAppender {

    private static final String RESERVE = "UPDATE audit_head SET next_seq = next_seq + ? RETURNING next_seq - ?";
    private static final String INSERT = """
            INSERT INTO audit_event (seq, event_id, occurred_at, recorded_at, actor, actor_role, authentication_method,
              break_glass, action, resource_type, resource_id, tenant, justification_code, justification_reference,
              grant_id, approval_id, outcome, origin, request_id, details, canonical, leaf_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private AuditAppender() {
    }

    /** @return the sequence number of the first event; the others follow without gaps */
    public static long append(Connection c, List<AuditEvent> events, Instant now) throws SQLException {
        long first;
        try (PreparedStatement reserve = c.prepareStatement(RESERVE)) {
            reserve.setLong(1, events.size());
            reserve.setLong(2, events.size());
            try (ResultSet rs = reserve.executeQuery()) {
                rs.next();
                first = rs.getLong(1);
            }
        }
        Instant recordedAt = AuditEvent.truncated(now);
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            long seq = first;
            for (AuditEvent e : events) {
                byte[] canonical = e.canonical(seq, recordedAt);
                int i = 1;
                insert.setLong(i++, seq);
                insert.setObject(i++, e.eventId());
                insert.setObject(i++, OffsetDateTime.ofInstant(AuditEvent.truncated(e.occurredAt()), ZoneOffset.UTC));
                insert.setObject(i++, OffsetDateTime.ofInstant(recordedAt, ZoneOffset.UTC));
                insert.setString(i++, e.actor());
                insert.setString(i++, e.actorRole());
                insert.setString(i++, e.authenticationMethod());
                insert.setBoolean(i++, e.breakGlass());
                insert.setString(i++, e.action());
                insert.setString(i++, e.resourceType());
                insert.setString(i++, e.resourceId());
                insert.setString(i++, e.tenant());
                insert.setString(i++, e.justificationCode());
                insert.setString(i++, e.justificationReference());
                setUuid(insert, i++, e.grantId());
                setUuid(insert, i++, e.approvalId());
                insert.setString(i++, e.outcome());
                insert.setString(i++, e.origin());
                insert.setString(i++, e.requestId());
                insert.setString(i++, e.canonicalDetails());
                insert.setBytes(i++, canonical);
                insert.setBytes(i, MerkleTree.leafHash(canonical));
                insert.addBatch();
                seq++;
            }
            insert.executeBatch();
        }
        return first;
    }

    private static void setUuid(PreparedStatement s, int index, UUID value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.OTHER);
        } else {
            s.setObject(index, value);
        }
    }
}
