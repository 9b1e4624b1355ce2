package io.quaestor.dsar.control;

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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What went out about a request, for its timeline: each message to the subject (queued, sent,
 * retrying) and each Art. 19 notification to a recipient. Never a message's text or an error's
 * words, which may carry the subject's address.
 */
@ApplicationScoped
public class RequestCorrespondence {

    public record Message(String kind, Instant queuedAt, Instant sentAt, int attempts, boolean failing) {
    }

    public record RecipientNotice(String recipient, String kind, String action, String categories, Instant recordedAt) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    public List<Message> messages(UUID requestId) {
        List<Message> out = new ArrayList<>();
        query("SELECT kind, created_at, sent_at, attempts, last_error IS NOT NULL FROM subject_message WHERE request_id = ? ORDER BY created_at",
                requestId, rs -> out.add(new Message(rs.getString(1), instant(rs, 2), instant(rs, 3), rs.getInt(4), rs.getBoolean(5))));
        return out;
    }

    public List<RecipientNotice> recipientNotices(UUID requestId) {
        List<RecipientNotice> out = new ArrayList<>();
        query("SELECT recipient, kind, action, categories, recorded_at FROM recipient_notification WHERE request_id = ? ORDER BY recorded_at",
                requestId, rs -> out.add(new RecipientNotice(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5))));
        return out;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, UUID requestId, RowReader reader) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("a request's correspondence could not be read", e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }
}
