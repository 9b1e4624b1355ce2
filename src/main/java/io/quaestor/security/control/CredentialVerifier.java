package io.quaestor.security.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.entity.ApiToken;
import io.quaestor.security.entity.Role;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Checks the credential a request presents. This runs on every request, so it is one indexed,
 * joined read over JDBC (the credential, its owner and both role sets) rather than four entity
 * loads; the entities remain the way credentials are managed. Roles come from the database each
 * time, so a revocation, a deactivation or a role change acts at once on every instance.
 */
@ApplicationScoped
public class CredentialVerifier {

    /** Why a bearer token was refused; the token's holder may know, nobody else learns anything. */
    public enum Refusal {
        MALFORMED, UNKNOWN, EXPIRED, REVOKED, OWNER_INACTIVE
    }

    public record TokenCheck(Optional<Caller> caller, Refusal refusal) {
    }

    public record SessionCheck(Optional<Caller> caller, boolean csrfRejected) {
    }

    private static final String TOKEN = """
            SELECT t.id, t.expires_at, t.revoked_at, t.last_used_at, u.id, u.username, u.active,
                   ARRAY(SELECT role FROM api_token_role WHERE token_id = t.id),
                   ARRAY(SELECT role FROM staff_user_role WHERE user_id = u.id)
            FROM api_token t JOIN staff_user u ON u.id = t.owner_id
            WHERE t.token_hash = ?""";

    private static final String RECORD_TOKEN_USE =
            "UPDATE api_token SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)";

    private static final String SESSION = """
            SELECT s.id, s.csrf_hash, s.expires_at, s.last_seen_at, s.closed_at, u.id, u.username, u.active,
                   u.password_change_required, ARRAY(SELECT role FROM staff_user_role WHERE user_id = u.id)
            FROM browser_session s JOIN staff_user u ON u.id = s.user_id
            WHERE s.token_hash = ?""";

    private static final String TOUCH_SESSION =
            "UPDATE browser_session SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?";

    /** Bookkeeping (last use, last seen) is refreshed at most this often, so reads do not each cost a write. */
    private static final Duration BOOKKEEPING_RESOLUTION = Duration.ofMinutes(1);

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource dataSource;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.security.session.idle-minutes", defaultValue = "30")
    int idleMinutes;

    /** After how many minutes without activity a browser session ends. */
    public int idleMinutes() {
        return idleMinutes;
    }

    public TokenCheck verifyToken(String presented) {
        if (!ApiTokens.looksLikeToken(presented)) {
            return new TokenCheck(Optional.empty(), Refusal.MALFORMED);
        }
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(TOKEN)) {
            s.setBytes(1, Secrets.sha256(presented));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new TokenCheck(Optional.empty(), Refusal.UNKNOWN);
                }
                if (rs.getObject(3) != null) {
                    return new TokenCheck(Optional.empty(), Refusal.REVOKED);
                }
                if (!now.isBefore(instant(rs, 2))) {
                    return new TokenCheck(Optional.empty(), Refusal.EXPIRED);
                }
                if (!rs.getBoolean(7)) {
                    return new TokenCheck(Optional.empty(), Refusal.OWNER_INACTIVE);
                }
                UUID tokenId = rs.getObject(1, UUID.class);
                Set<Role> effective = ApiToken.effectiveRoles(roles(rs.getArray(8)), roles(rs.getArray(9)));
                Instant lastUsed = rs.getObject(4) == null ? null : instant(rs, 4);
                if (lastUsed == null || lastUsed.isBefore(now.minus(BOOKKEEPING_RESOLUTION))) {
                    bookkeeping(c, RECORD_TOKEN_USE, tokenId, now, BOOKKEEPING_RESOLUTION);
                }
                return new TokenCheck(Optional.of(new Caller(rs.getObject(5, UUID.class), rs.getString(6), effective,
                        Caller.AuthenticationMethod.BEARER_TOKEN, tokenId, false)), null);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("credential store unavailable", e);
        }
    }

    /**
     * A session cookie counts only while the session is open, not idle too long, and its user is
     * active; for a state-changing method the request must also carry the session's CSRF token.
     */
    public SessionCheck verifySession(String cookieValue, boolean stateChanging, String csrfHeader) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SESSION)) {
            s.setBytes(1, Secrets.sha256(cookieValue));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getObject(5) != null || !now.isBefore(instant(rs, 3))
                        || !now.isBefore(instant(rs, 4).plus(Duration.ofMinutes(idleMinutes))) || !rs.getBoolean(8)) {
                    return new SessionCheck(Optional.empty(), false);
                }
                if (stateChanging && (csrfHeader == null || !Secrets.sameDigest(rs.getBytes(2), Secrets.sha256(csrfHeader)))) {
                    return new SessionCheck(Optional.empty(), true);
                }
                UUID sessionId = rs.getObject(1, UUID.class);
                if (instant(rs, 4).isBefore(now.minus(BOOKKEEPING_RESOLUTION))) {
                    bookkeeping(c, TOUCH_SESSION, sessionId, now, BOOKKEEPING_RESOLUTION);
                }
                return new SessionCheck(Optional.of(new Caller(rs.getObject(6, UUID.class), rs.getString(7),
                        roles(rs.getArray(10)), Caller.AuthenticationMethod.PASSWORD_SESSION, sessionId,
                        rs.getBoolean(9))), false);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("credential store unavailable", e);
        }
    }

    /** A conditional single-row update: concurrent requests may both try; neither can fail the request. */
    private static void bookkeeping(Connection c, String sql, UUID id, Instant now, Duration resolution) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(sql)) {
            update.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            update.setObject(2, id);
            update.setObject(3, OffsetDateTime.ofInstant(now.minus(resolution), ZoneOffset.UTC));
            update.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Set<Role> roles(Array array) throws SQLException {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (Object name : (Object[]) array.getArray()) {
            roles.add(Role.valueOf((String) name));
        }
        return roles;
    }
}
