package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
 * Appends events straight into the trail on the caller's connection and transaction, under the
 * head row's lock until that transaction ends. Only the sealing side writes this way (the start of
 * the append chain, and the {@link AuditSequencer} through {@link #advanceHead} and {@link #sign});
 * everything else writes through {@link AuditQueue} and never waits for this lock. Sequence numbers
 * are gapless and seq is the event's leaf index in the Merkle tree. Each append extends
 * the {@link AppendChain} kept in the head row and, when the audit key is configured, signs it, so
 * an event written behind Quaestor's back is never vouched for.
 */
public final class AuditAppender {

    private static final String RESERVE = "SELECT next_seq, chain FROM audit_head FOR UPDATE";
    private static final String SIGN = """
            INSERT INTO audit_append_signature (last_seq, first_seq, chain, key_id, statement, signature) VALUES (?, ?, ?, ?, ?, ?)""";
    private static final String ADVANCE = "UPDATE audit_head SET next_seq = ?, chain = ?";
    private static final String INSERT = """
            INSERT INTO audit_event (seq, event_id, occurred_at, recorded_at, actor, actor_role, authentication_method,
              break_glass, action, resource_type, resource_id, tenant, justification_code, justification_reference,
              grant_id, approval_id, outcome, origin, request_id, details, canonical, leaf_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private AuditAppender() {
    }

    /**
     * @param signer the audit key, or null where none is configured (the chain is still kept, and
     *               the events stay unvouched until a later signed append covers them)
     * @return the sequence number of the first event; the others follow without gaps
     */
    public static long append(Connection c, List<AuditEvent> events, Instant now, CheckpointSigner signer) throws SQLException {
        long first;
        byte[] previous;
        try (PreparedStatement reserve = c.prepareStatement(RESERVE)) {
            try (ResultSet rs = reserve.executeQuery()) {
                rs.next();
                first = rs.getLong(1);
                previous = rs.getBytes(2);
            }
        }
        // A trail begun before chains existed has none until AppendSignatures.start() backfills it.
        AppendChain chain = previous != null || first == 0 ? AppendChain.from(previous) : null;
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
                byte[] leaf = MerkleTree.leafHash(canonical);
                insert.setBytes(i++, canonical);
                insert.setBytes(i, leaf);
                insert.addBatch();
                if (chain != null) {
                    chain.append(leaf);
                }
                seq++;
            }
            insert.executeBatch();
        }
        if (chain != null) {
            extend(c, first, first + events.size() - 1, chain.value(), signer);
        } else {
            advanceHead(c, first + events.size(), null);
        }
        return first;
    }

    private static void extend(Connection c, long first, long last, byte[] chain, CheckpointSigner signer) throws SQLException {
        advanceHead(c, last + 1, chain);
        if (signer != null) {
            sign(c, first, last, chain, signer);
        }
    }

    /** Moves the head past the last event appended, with the chain value after it (null for a trail without one yet). */
    static void advanceHead(Connection c, long nextSeq, byte[] chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(ADVANCE)) {
            s.setLong(1, nextSeq);
            s.setBytes(2, chain);
            s.executeUpdate();
        }
    }

    /** Signs the statement that the chain value covers the events first..last, and stores it. */
    static void sign(Connection c, long first, long last, byte[] chain, CheckpointSigner signer) throws SQLException {
        String statement = AppendChain.statement(first, last, chain, signer.keyId());
        try (PreparedStatement s = c.prepareStatement(SIGN)) {
            s.setLong(1, last);
            s.setLong(2, first);
            s.setBytes(3, chain);
            s.setString(4, signer.keyId());
            s.setString(5, statement);
            s.setBytes(6, signer.sign(statement.getBytes(StandardCharsets.UTF_8)));
            s.executeUpdate();
        } catch (GeneralSecurityException e) {
            throw new SQLException("the append could not be signed", e);
        }
    }

    private static void setUuid(PreparedStatement s, int index, UUID value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.OTHER);
        } else {
            s.setObject(index, value);
        }
    }
}
