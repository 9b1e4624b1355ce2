package io.quaestor.dsar.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.UnsupportedMediaException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.control.Caller;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Files attached to a request by the privacy office: PDFs, images and text, within the body limit. */
@ApplicationScoped
public class RequestAttachments {

    public static final Set<String> TYPES = Set.of("application/pdf", "image/png", "image/jpeg", "text/plain");

    public record Attachment(UUID id, String filename, String contentType, int sizeBytes, String sha256, UUID uploadedBy,
                             Instant uploadedAt) {
    }

    public record Content(Attachment attachment, byte[] bytes) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    DataSubjectRequests requests;

    @Inject
    Clock clock;

    @Transactional
    public Attachment attach(UUID requestId, String filename, String contentType, byte[] bytes, Caller by) {
        requests.get(requestId);
        if (filename == null || !filename.matches("^[\\p{L}\\p{N}][\\p{L}\\p{N} ._()-]{0,199}$")) {
            throw new InvalidInputException("filename", "A file name of letters, digits, spaces, '.', '_', '(', ')' or '-', up to 200.");
        }
        if (contentType == null || !TYPES.contains(contentType)) {
            throw new InvalidInputException("Content-Type", "Attachments are PDF, PNG, JPEG or plain text.");
        }
        if (bytes.length == 0) {
            throw new InvalidInputException("body", "The attachment is empty.");
        }
        if (!FileSignatures.matches(contentType, bytes)) {
            throw new UnsupportedMediaException("Content-Type", "The file's content is not " + contentType
                    + " as declared; send it with the type it has (PDF, PNG, JPEG or UTF-8 text).");
        }
        Attachment attachment = new Attachment(UUID.randomUUID(), filename, contentType, bytes.length,
                HexFormat.of().formatHex(sha256(bytes)), by.userId(), clock.instant());
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO dsar_attachment (id, request_id, filename, content_type, size_bytes, sha256, content, uploaded_by, uploaded_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, attachment.id());
            s.setObject(2, requestId);
            s.setString(3, filename);
            s.setString(4, contentType);
            s.setInt(5, bytes.length);
            s.setBytes(6, sha256(bytes));
            s.setBytes(7, bytes);
            s.setObject(8, by.userId());
            s.setObject(9, OffsetDateTime.ofInstant(attachment.uploadedAt(), ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the attachment could not be stored", e);
        }
        return attachment;
    }

    public List<Attachment> of(UUID requestId) {
        List<Attachment> found = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at FROM dsar_attachment "
                        + "WHERE request_id = ? ORDER BY uploaded_at")) {
            s.setObject(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("attachments could not be read", e);
        }
        return found;
    }

    public Content content(UUID requestId, UUID attachmentId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at, content FROM dsar_attachment "
                        + "WHERE request_id = ? AND id = ?")) {
            s.setObject(1, requestId);
            s.setObject(2, attachmentId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("No attachment has this id on this request.");
                }
                return new Content(row(rs), rs.getBytes(8));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the attachment could not be read", e);
        }
    }

    private static Attachment row(ResultSet rs) throws SQLException {
        return new Attachment(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getInt(4),
                HexFormat.of().formatHex(rs.getBytes(5)), rs.getObject(6, UUID.class), rs.getObject(7, OffsetDateTime.class).toInstant());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
