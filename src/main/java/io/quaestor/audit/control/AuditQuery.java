package io.quaestor.audit.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonString;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Searches the trail for auditors, a page at a time in sequence order; every search is itself audited. */
@ApplicationScoped
public class AuditQuery {

    /** What to look for; null members do not filter. */
    public record Filter(Instant from, Instant to, String actor, String tenant, String resourceType, String resourceId,
                         String action, String justificationCode, String outcome, long afterSeq, int limit) {
    }

    public record EventView(long seq, UUID eventId, Instant occurredAt, Instant recordedAt, String actor, String actorRole,
                            String authenticationMethod, boolean breakGlass, String action, String resourceType,
                            String resourceId, String tenant, String justificationCode, String justificationReference,
                            UUID grantId, UUID approvalId, String outcome, String origin, String requestId,
                            Map<String, String> details, String leafHash) {
    }

    public record Page(List<EventView> events, Long nextAfterSeq) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AuditLog log;

    @Transactional
    public Page search(Filter filter, Caller caller, String origin) {
        StringBuilder sql = new StringBuilder("SELECT seq, event_id, occurred_at, recorded_at, actor, actor_role, "
                + "authentication_method, break_glass, action, resource_type, resource_id, tenant, justification_code, "
                + "justification_reference, grant_id, approval_id, outcome, origin, request_id, details, leaf_hash "
                + "FROM audit_event WHERE seq > ? AND payload_removed_at IS NULL");
        List<Object> values = new ArrayList<>(List.of(filter.afterSeq()));
        condition(sql, values, "occurred_at >= ?", filter.from() == null ? null : OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC));
        condition(sql, values, "occurred_at < ?", filter.to() == null ? null : OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC));
        condition(sql, values, "actor = ?", filter.actor());
        condition(sql, values, "tenant = ?", filter.tenant());
        condition(sql, values, "resource_type = ?", filter.resourceType());
        condition(sql, values, "resource_id = ?", filter.resourceId());
        condition(sql, values, "action = ?", filter.action());
        condition(sql, values, "justification_code = ?", filter.justificationCode());
        condition(sql, values, "outcome = ?", filter.outcome());
        sql.append(" ORDER BY seq LIMIT ?");
        values.add(filter.limit() + 1);
        List<EventView> events = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(view(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be searched", e);
        }
        Long next = null;
        if (events.size() > filter.limit()) {
            events.remove(events.size() - 1);
            next = events.get(events.size() - 1).seq();
        }
        log.appendTrailRead(caller, origin, "audit.events-read", Map.of("returned", Integer.toString(events.size())));
        return new Page(events, next);
    }

    private static void condition(StringBuilder sql, List<Object> values, String clause, Object value) {
        if (value != null) {
            sql.append(" AND ").append(clause);
            values.add(value);
        }
    }

    private static EventView view(ResultSet rs) throws SQLException {
        Map<String, String> details = new LinkedHashMap<>();
        try (var reader = Json.createReader(new StringReader(rs.getString(20)))) {
            reader.readObject().forEach((k, v) -> details.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
        }
        return new EventView(rs.getLong(1), rs.getObject(2, UUID.class), rs.getObject(3, OffsetDateTime.class).toInstant(),
                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getBoolean(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                rs.getString(14), rs.getObject(15, UUID.class), rs.getObject(16, UUID.class), rs.getString(17), rs.getString(18),
                rs.getString(19), details, HexFormat.of().formatHex(rs.getBytes(21)));
    }
}
