package io.quaestor.testing;

import io.quaestor.audit.control.MerkleTree;
import io.quaestor.audit.entity.AuditEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What a database superuser can write into the audit trail without the audit key: an event whose
 * columns, canonical record and leaf hash agree, at a sequence number of their choosing, with the
 * head advanced past it.
 */
public final class ForgedEvents {

    private ForgedEvents() {
    }

    /** Inserts the event at {@code seq} on a superuser connection (triggers bypassed) and moves the head past it. */
    public static void append(Connection superuser, long seq, AuditEvent event) throws SQLException {
        Instant recordedAt = AuditEvent.truncated(Instant.now());
        byte[] canonical = event.canonical(seq, recordedAt);
        try (Statement s = superuser.createStatement()) {
            s.execute("SET session_replication_role = replica");
            try (PreparedStatement insert = superuser.prepareStatement("INSERT INTO audit_event (seq, event_id, occurred_at, recorded_at, actor, "
                    + "actor_role, authentication_method, break_glass, action, resource_type, resource_id, tenant, justification_code, "
                    + "justification_reference, outcome, origin, request_id, details, canonical, leaf_hash) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, false, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = 1;
                insert.setLong(i++, seq);
                insert.setObject(i++, event.eventId());
                insert.setObject(i++, OffsetDateTime.ofInstant(AuditEvent.truncated(event.occurredAt()), ZoneOffset.UTC));
                insert.setObject(i++, OffsetDateTime.ofInstant(recordedAt, ZoneOffset.UTC));
                insert.setString(i++, event.actor());
                insert.setString(i++, event.actorRole());
                insert.setString(i++, event.authenticationMethod());
                insert.setString(i++, event.action());
                insert.setString(i++, event.resourceType());
                insert.setString(i++, event.resourceId());
                insert.setString(i++, event.tenant());
                insert.setString(i++, event.justificationCode());
                insert.setString(i++, event.justificationReference());
                insert.setString(i++, event.outcome());
                insert.setString(i++, event.origin());
                insert.setString(i++, event.requestId());
                insert.setString(i++, event.canonicalDetails());
                insert.setBytes(i++, canonical);
                insert.setBytes(i, MerkleTree.leafHash(canonical));
                insert.executeUpdate();
            }
            s.execute("UPDATE audit_head SET next_seq = " + (seq + 1));
        }
    }
}
