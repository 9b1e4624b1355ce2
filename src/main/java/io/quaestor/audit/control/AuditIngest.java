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
import java.util.Set;
import java.util.HashSet;
import java.util.UUID;

/**
 * Appends the gateway's reports of its operators' actions, idempotently by event id. The whole
 * batch is one transaction. Receipts are claimed with {@code ON CONFLICT DO NOTHING}, so of two
 * concurrent replays of the same batch the second waits for the first on the receipts' keys and
 * appends nothing: no global lock is needed. An id reused for other content is a 409 that writes
 * nothing at all. The events get their seq from the sequencer once the batch commits.
 */
@ApplicationScoped
public class AuditIngest {

    /** What was done with a batch; the events' seqs are assigned after it commits, so they are not in it. */
    public record Outcome(int received, int appended, int duplicates) {
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
        List<AuditEvent.Template> templates = new ArrayList<>(batch.size());
        for (Indexed item : batch) {
            AuditEvent.Template template = item.event().template();
            templates.add(template);
            byte[] hash = contentHash(template);
            byte[] earlier = hashes.putIfAbsent(item.event().eventId(), hash);
            if (earlier != null && !Arrays.equals(earlier, hash)) {
                throw conflict(item.index());
            }
        }
        try (Connection c = quaestor.getConnection()) {
            Instant now = clock.instant();
            Instant recordedAt = AuditEvent.truncated(now);
            Set<UUID> claimed = claimReceipts(c, hashes, now);
            Map<UUID, byte[]> earlier = claimed.size() == hashes.size() ? Map.of() : receipts(c, hashes.keySet());
            List<AuditEvent.Unsequenced> fresh = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Indexed item = batch.get(i);
                UUID id = item.event().eventId();
                if (claimed.remove(id)) {
                    fresh.add(templates.get(i).unsequenced(recordedAt));
                } else if (earlier.containsKey(id) && !Arrays.equals(earlier.get(id), hashes.get(id))) {
                    throw conflict(item.index());
                }
            }
            if (!fresh.isEmpty()) {
                AuditQueue.enqueue(c, fresh, keys.pendingKey());
            }
            return new Outcome(batch.size(), fresh.size(), batch.size() - fresh.size());
        } catch (SQLException e) {
            throw new IllegalStateException("the ingested events could not be appended", e);
        }
    }

    /** The content an event id stands for: the canonical form without its place in the trail. */
    static byte[] contentHash(AuditEvent.Template event) {
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

    /** Writes a receipt for each id not received before; returns the ids that got one, i.e. are new. */
    private static Set<UUID> claimReceipts(Connection c, Map<UUID, byte[]> hashes, Instant now) throws SQLException {
        Set<UUID> claimed = new HashSet<>();
        UUID[] ids = hashes.keySet().toArray(UUID[]::new);
        byte[][] contents = hashes.values().toArray(byte[][]::new);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO audit_ingest_receipt (event_id, content_hash, received_at)
                SELECT u.id, u.hash, ? FROM unnest(?::uuid[], ?::bytea[]) AS u (id, hash)
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id""")) {
            s.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            s.setArray(2, c.createArrayOf("uuid", ids));
            s.setArray(3, c.createArrayOf("bytea", contents));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    claimed.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return claimed;
    }
}
