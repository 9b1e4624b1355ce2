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
 * The privacy office's list of requests: filters, newest first, keyset pages (the cursor is the
 * last row's received-at and id). Rows carry no email: the list is for finding, the request
 * itself for reading. Searching by email compares its HMAC, so no plaintext index exists.
 */
@ApplicationScoped
public class RequestSearch {

    public record Filter(RequestStatus status, RequestType type, UUID assignee, Boolean open, Instant dueBefore,
                         byte[] emailKey, String reference, Instant cursorReceivedAt, UUID cursorId, int limit) {
    }

    public record Row(UUID id, String reference, RequestType type, RequestStatus status, String channel, String regime,
                      Instant receivedAt, Instant dueAt, UUID assigneeId, boolean extended, Instant closedAt) {
    }

    public record Page(List<Row> requests, String nextCursor) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    public Page search(Filter f) {
        StringBuilder sql = new StringBuilder("SELECT id, reference, type, status, channel, regime, received_at, "
                + "coalesce(extended_due_at, due_at), assignee_id, extended_due_at IS NOT NULL, closed_at FROM dsar_request WHERE true");
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
        if (f.cursorReceivedAt() != null) {
            sql.append(" AND (received_at, id) < (?, ?)");
            values.add(utc(f.cursorReceivedAt()));
            values.add(f.cursorId());
        }
        sql.append(" ORDER BY received_at DESC, id DESC LIMIT ?");
        values.add(f.limit() + 1);
        List<Row> rows = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime closed = rs.getObject(11, OffsetDateTime.class);
                    rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), RequestType.valueOf(rs.getString(3)),
                            RequestStatus.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6),
                            rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getObject(8, OffsetDateTime.class).toInstant(),
                            rs.getObject(9, UUID.class), rs.getBoolean(10), closed == null ? null : closed.toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("requests could not be searched", e);
        }
        String next = null;
        if (rows.size() > f.limit()) {
            rows.remove(f.limit());
            Row last = rows.get(f.limit() - 1);
            next = last.receivedAt() + "_" + last.id();
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
