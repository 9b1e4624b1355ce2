package io.quaestor.notifications.control;

import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Notifications to staff, written in the transaction of what caused them. Messages never carry personal data. */
@ApplicationScoped
public class StaffNotifications {

    public record Notification(UUID id, String kind, UUID refId, String message, Instant createdAt, Instant readAt) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public void notify(UUID userId, String kind, UUID refId, String message) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO staff_notification (id, user_id, kind, ref_id, message, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, userId);
            s.setString(3, kind);
            s.setObject(4, refId);
            s.setString(5, message);
            s.setObject(6, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the notification could not be written", e);
        }
    }

    /** Every active staff member holding the role. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void notifyRole(String role, String kind, UUID refId, String message) {
        for (UUID user : holders(role)) {
            notify(user, kind, refId, message);
        }
    }

    /** Every active holder of the role but one (the person who caused the notice). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void notifyRoleExcept(String role, UUID except, String kind, UUID refId, String message) {
        for (UUID user : holders(role)) {
            if (!user.equals(except)) {
                notify(user, kind, refId, message);
            }
        }
    }

    public List<Notification> of(UUID userId, int limit) {
        List<Notification> found = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, kind, ref_id, message, created_at, read_at FROM staff_notification WHERE user_id = ? "
                        + "ORDER BY created_at DESC LIMIT ?")) {
            s.setObject(1, userId);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime read = rs.getObject(6, OffsetDateTime.class);
                    found.add(new Notification(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                            rs.getString(4), rs.getObject(5, OffsetDateTime.class).toInstant(), read == null ? null : read.toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("notifications could not be read", e);
        }
        return found;
    }

    private List<UUID> holders(String role) {
        List<UUID> users = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT u.id FROM staff_user u JOIN staff_user_role r ON r.user_id = u.id WHERE u.active AND r.role = ?")) {
            s.setString(1, role);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    users.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("staff could not be read", e);
        }
        return users;
    }
}
