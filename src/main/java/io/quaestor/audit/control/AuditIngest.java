package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.StateConflictException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Appends the gateway's reports of its operators' actions, idempotently by event id. The whole
 * batch is one transaction, taken under the trail's head lock so that concurrent replays of the
 * same batch cannot both append: a replay appends nothing, and an id reused for other content is a
 * 409 that writes nothing at all.
 */
@ApplicationScoped
public class AuditIngest {

    public record Outcome(int received, int appended, int duplicates, Long firstSeq, Long lastSeq) {
    }

    /** An event and where it sat in the request, so a conflict can name it. */
    public record Indexed(int index, AuditEvent event) {
    }

    private static final Instant CONTENT_EPOCH = Instant.EPOCH;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Inject
    AuditKeys keys;

    @Transactional
    public Outcome ingest(List<Indexed> batch) {
        Map<UUID, byte[]> hashes = new LinkedHashMap<>();
        List<AuditEvent> fresh = new ArrayList<>();
        for (Indexed item : batch) {
            byte[] hash = contentHash(item.event());
            byte[] earlier = hashes.putIfAbsent(item.event().eventId(), hash);
            if (earlier != null && !Arrays.equals(earlier, hash)) {
                throw conflict(item.index());
            }
        }
        try (Connection c = quaestor.getConnection()) {
            lockHead(c);
            Map<UUID, byte[]> received = receipts(c, hashes.keySet());
            for (Indexed item : batch) {
                UUID id = item.event().eventId();
                byte[] known = received.get(id);
                if (known != null && !Arrays.equals(known, hashes.get(id))) {
                    throw conflict(item.index());
                }
                if (known == null) {
                    received.put(id, hashes.get(id));
                    fresh.add(item.event());
                }
            }
            if (fresh.isEmpty()) {
                return new Outcome(batch.size(), 0, batch.size(), null, null);
            }
            Instant now = clock.instant();
            long first = AuditAppender.append(c, fresh, now, keys.signer().orElse(null));
            writeReceipts(c, fresh, hashes, first, now);
            return new Outcome(batch.size(), fresh.size(), batch.size() - fresh.size(), first, first + fresh.size() - 1);
        } catch (SQLException e) {
            throw new IllegalStateException("the ingested events could not be appended", e);
        }
    }

    /** The content an event id stands for: the canonical form without its place in the trail. */
    static byte[] contentHash(AuditEvent event) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(event.canonical(0, CONTENT_EPOCH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static StateConflictException conflict(int index) {
        return new StateConflictException("An event with this id was already received with different content; "
                + "nothing in this batch was written.", "events[" + index + "].eventId");
    }

    private static void lockHead(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT next_seq FROM audit_head FOR UPDATE")) {
            s.executeQuery().close();
        }
    }

    private static Map<UUID, byte[]> receipts(Connection c, java.util.Set<UUID> ids) throws SQLException {
        Map<UUID, byte[]> found = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT event_id, content_hash FROM audit_ingest_receipt WHERE event_id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getObject(1, UUID.class), rs.getBytes(2));
                }
            }
        }
        return found;
    }

    private static void writeReceipts(Connection c, List<AuditEvent> fresh, Map<UUID, byte[]> hashes, long first,
                                      Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO audit_ingest_receipt (event_id, content_hash, seq, received_at) VALUES (?, ?, ?, ?)")) {
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            long seq = first;
            for (AuditEvent event : fresh) {
                s.setObject(1, event.eventId());
                s.setBytes(2, hashes.get(event.eventId()));
                s.setLong(3, seq++);
                s.setObject(4, at);
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
