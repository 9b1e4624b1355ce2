package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The privacy office's list of requests: filters, newest first or nearest deadline first, keyset
 * pages (the cursor is the last row's received-at or deadline, and its id). Rows carry no email: the list is for finding, the request
 * itself for reading. Searching by email compares its HMAC, so no plaintext index exists.
 */
@ApplicationScoped
public class RequestSearch {

    /** The order of a list: newest received first, or the nearest deadline in force first. */
    public enum Order {
        RECEIVED("received_at", "DESC"),
        DUE("coalesce(extended_due_at, due_at)", "ASC");

        final String column;
        final String direction;

        Order(String column, String direction) {
            this.column = column;
            this.direction = direction;
        }
    }

    public record Filter(RequestStatus status, RequestType type, UUID assignee, Boolean open, Instant dueBefore,
                         byte[] emailKey, String reference, Order order, Instant cursorAt, UUID cursorId, int limit) {
    }

    public record Row(UUID id, String reference, RequestType type, RequestStatus status, String channel, String regime,
                      Instant receivedAt, Instant dueAt, java.time.LocalDate dueDate, UUID assigneeId, boolean extended, boolean verified, Instant closedAt,
                      String approvalAskedBy, String approvalReason) {
    }

    public record Page(List<Row> requests, String nextCursor) {
    }

    /** Who asked for a pending approval (the same rule as the approval itself: they cannot give it). */
    private static final String APPROVAL_ASKER = "CASE WHEN r.status = 'AWAITING_APPROVAL' THEN (SELECT e.actor FROM dsar_request_event e"
            + " WHERE e.request_id = r.id AND (e.action = 'start' OR (e.action = 'request-approval' AND e.actor <> 'quaestor'))"
            + " ORDER BY e.id DESC LIMIT 1) END";
    private static final String APPROVAL_REASON = "CASE WHEN r.status = 'AWAITING_APPROVAL' THEN (SELECT e.reason FROM dsar_request_event e"
            + " WHERE e.request_id = r.id AND e.action = 'request-approval' ORDER BY e.id DESC LIMIT 1) END";

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    public Page search(Filter f) {
        StringBuilder sql = new StringBuilder("SELECT id, reference, type, status, channel, regime, received_at, "
                + "coalesce(extended_due_at, due_at), assignee_id, extended_due_at IS NOT NULL, verified_at IS NOT NULL, closed_at, "
                + APPROVAL_ASKER + ", " + APPROVAL_REASON + " FROM dsar_request r WHERE true");
        List<Object> values = new ArrayList<>();
        add(sql, values, " AND status = ?", f.status() == null ? null : f.status().name());
        add(sql, values, " AND type = ?", f.type() == null ? null : f.type().name());
        add(sql, values, " AND assignee_id = ?", f.assignee());
        add(sql, values, " AND subject_email_key = ?", f.emailKey());
        add(sql, values, " AND reference = ?", f.reference());
        add(sql, values, " AND coalesce(extended_due_at, due_at) < ?", utc(f.dueBefore()));
        if (f.open() != null) {
            sql.append(f.open() ? " AND closed_at IS NULL" : " AND closed_at IS NOT NULL");
        }
        Order order = f.order() == null ? Order.RECEIVED : f.order();
        if (f.cursorAt() != null) {
            sql.append(" AND (").append(order.column).append(", id) ").append(order == Order.DUE ? ">" : "<").append(" (?, ?)");
            values.add(utc(f.cursorAt()));
            values.add(f.cursorId());
        }
        sql.append(" ORDER BY ").append(order.column).append(' ').append(order.direction)
                .append(", id ").append(order.direction).append(" LIMIT ?");
        values.add(f.limit() + 1);
        List<Row> rows = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime closed = rs.getObject(12, OffsetDateTime.class);
                    rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), RequestType.valueOf(rs.getString(3)),
                            RequestStatus.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6),
                            rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getObject(8, OffsetDateTime.class).toInstant(),
                            LegalClock.lastDay(rs.getObject(8, OffsetDateTime.class).toInstant()),
                            rs.getObject(9, UUID.class), rs.getBoolean(10), rs.getBoolean(11), closed == null ? null : closed.toInstant(),
                            rs.getString(13), rs.getString(14)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("requests could not be searched", e);
        }
        String next = null;
        if (rows.size() > f.limit()) {
            rows.remove(f.limit());
            Row last = rows.get(f.limit() - 1);
            next = (order == Order.DUE ? last.dueAt() : last.receivedAt()) + "_" + last.id();
        }
        return new Page(rows, next);
    }

    private static void add(StringBuilder sql, List<Object> values, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            values.add(value);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
