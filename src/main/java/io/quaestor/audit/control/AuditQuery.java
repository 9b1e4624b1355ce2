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
                         String action, String justificationCode, String outcome, Boolean breakGlass, long afterSeq, int limit) {

        /** The filter as an audit event's details: what was searched for, never what was found. */
        Map<String, String> described() {
            Map<String, String> d = new java.util.TreeMap<>();
            put(d, "from", from);
            put(d, "to", to);
            put(d, "actor", actor);
            put(d, "tenant", tenant);
            put(d, "resourceType", resourceType);
            put(d, "resourceId", resourceId);
            put(d, "action", action);
            put(d, "justificationCode", justificationCode);
            put(d, "outcome", outcome);
            put(d, "breakGlass", breakGlass);
            return d;
        }

        private static void put(Map<String, String> d, String name, Object value) {
            if (value != null) {
                d.put(name, value.toString());
            }
        }
    }

    /**
     * One event with its canonical record re-derived from its columns as they are now (base64), so
     * a client can hash it itself; null once the payload moved to the archive.
     */
    public record EventDetail(EventView event, String canonical) {
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

    @Inject
    AuditSealer sealer;

    @Inject
    AuditQuery self;

    @Transactional
    public Page search(Filter filter, Caller caller, String origin) {
        sealer.catchUp();
        List<EventView> events = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = select(c, filter, filter.afterSeq(), filter.limit() + 1)) {
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

    /** One event and its canonical record; an audited read like any search. */
    @Transactional
    public EventDetail event(long seq, Caller caller, String origin) {
        sealer.catchUp();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(COLUMNS
                + ", payload_removed_at IS NOT NULL FROM audit_event WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new io.quaestor.platform.problem.NotFoundException("The trail has no event " + seq + ".");
                }
                if (rs.getBoolean(22)) {
                    throw new io.quaestor.platform.problem.GoneException("Event " + seq
                            + " is past online retention; its record is in the archive and only its leaf hash is online.");
                }
                EventView view = view(rs);
                byte[] canonical = TrailVerifier.rebuild(rs).canonical(seq, view.recordedAt());
                log.appendTrailRead(caller, origin, "audit.event-read", Map.of("seq", Long.toString(seq)));
                return new EventDetail(view, java.util.Base64.getEncoder().encodeToString(canonical));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be read", e);
        }
    }

    /**
     * Every event the filter matches, as JSON Lines, read in pages of 1,000 so memory does not grow
     * with the trail. The export is recorded first, with the filter it was asked for.
     */
    public void export(Filter filter, Caller caller, String origin, java.io.OutputStream out) throws java.io.IOException {
        self.recordExport(filter, caller, origin);
        sealer.catchUp();
        long after = filter.afterSeq();
        try (Connection c = quaestor.getConnection()) {
            while (true) {
                long last = after;
                try (PreparedStatement s = select(c, filter, after, 1000); ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        EventView view = view(rs);
                        out.write(JSONB.toJson(view).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        out.write('\n');
                        last = view.seq();
                    }
                }
                if (last == after) {
                    return;
                }
                after = last;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be exported", e);
        }
    }

    @Transactional
    public void recordExport(Filter filter, Caller caller, String origin) {
        log.appendTrailRead(caller, origin, "audit.events-exported", filter.described());
    }

    /** Thread-safe and costly to build: one for every export, instead of one left unclosed per export. */
    private static final jakarta.json.bind.Jsonb JSONB = jakarta.json.bind.JsonbBuilder.create();

    private static final String COLUMNS = "SELECT seq, event_id, occurred_at, recorded_at, actor, actor_role, "
            + "authentication_method, break_glass, action, resource_type, resource_id, tenant, justification_code, "
            + "justification_reference, grant_id, approval_id, outcome, origin, request_id, details, leaf_hash";

    private static PreparedStatement select(Connection c, Filter filter, long afterSeq, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder(COLUMNS + " FROM audit_event WHERE seq > ? AND payload_removed_at IS NULL");
        List<Object> values = new ArrayList<>(List.of(afterSeq));
        condition(sql, values, "occurred_at >= ?", filter.from() == null ? null : OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC));
        condition(sql, values, "occurred_at < ?", filter.to() == null ? null : OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC));
        condition(sql, values, "actor = ?", filter.actor());
        condition(sql, values, "tenant = ?", filter.tenant());
        condition(sql, values, "resource_type = ?", filter.resourceType());
        condition(sql, values, "resource_id = ?", filter.resourceId());
        condition(sql, values, "action = ?", filter.action());
        condition(sql, values, "justification_code = ?", filter.justificationCode());
        condition(sql, values, "outcome = ?", filter.outcome());
        condition(sql, values, "break_glass = ?", filter.breakGlass());
        sql.append(" ORDER BY seq LIMIT ?");
        values.add(limit);
        PreparedStatement s = c.prepareStatement(sql.toString());
        for (int i = 0; i < values.size(); i++) {
            s.setObject(i + 1, values.get(i));
        }
        return s;
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
