package io.quaestor.audit.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's own feed of operator access to its data: who (the operator's pseudonymous staff id),
 * when, why, under which grant and approval, and what happened. Each entry carries the canonical
 * event bytes and its inclusion proof against the latest signed checkpoint, so the tenant can check
 * with the public key alone that the entry is part of the trail and cannot silently disappear.
 */
@ApplicationScoped
public class AccessTransparency {

    public record Entry(long seq, Instant occurredAt, String operator, String action, String justificationCode,
                        String justificationReference, boolean breakGlass, UUID grantId, UUID approvalId, String account,
                        String outcome, String canonical, String leafHash, List<String> inclusionProof) {
    }

    public record Feed(String tenant, TrailProofs.SignedCheckpoint checkpoint, List<Entry> entries, Long nextAfterSeq) {
    }

    private static final String PAGE = """
            SELECT seq, occurred_at, actor, action, justification_code, justification_reference, break_glass, grant_id,
                   approval_id, CASE WHEN resource_type = 'account' THEN resource_id END, outcome, canonical, leaf_hash
            FROM audit_event WHERE tenant = ? AND seq > ? AND canonical IS NOT NULL
            ORDER BY seq LIMIT ?""";

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    TrailProofs proofs;

    @Inject
    AuditSealer sealer;

    @Inject
    AuditLog log;

    @Transactional
    public Feed feed(String tenant, long afterSeq, int limit, Caller caller, String origin) {
        sealer.catchUp();
        List<Entry> entries = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(PAGE)) {
            s.setString(1, tenant);
            s.setLong(2, afterSeq);
            s.setInt(3, limit + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getObject(8, UUID.class),
                            rs.getObject(9, UUID.class), rs.getString(10), rs.getString(11),
                            Base64.getEncoder().encodeToString(rs.getBytes(12)), HexFormat.of().formatHex(rs.getBytes(13)), null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the access-transparency feed could not be read", e);
        }
        Long next = null;
        if (entries.size() > limit) {
            entries.remove(limit);
            next = entries.get(limit - 1).seq();
        }
        TrailProofs.Proofs proven = proofs.inclusionProofs(entries.stream().map(Entry::seq).toList());
        List<Entry> withProofs = entries.stream().map(e -> new Entry(e.seq(), e.occurredAt(), e.operator(), e.action(),
                e.justificationCode(), e.justificationReference(), e.breakGlass(), e.grantId(), e.approvalId(), e.account(),
                e.outcome(), e.canonical(), e.leafHash(), proven.paths().get(e.seq()))).toList();
        log.appendTrailRead(caller, origin, "audit.transparency-read", Map.of("tenant", tenant,
                "returned", Integer.toString(withProofs.size())));
        return new Feed(tenant, proven.checkpoint(), withProofs, next);
    }
}
