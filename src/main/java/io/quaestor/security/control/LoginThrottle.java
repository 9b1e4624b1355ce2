package io.quaestor.security.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.TooManyRequestsException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Limits failed sign-ins per account and per source address, in PostgreSQL so that every
 * instance sees the same counters. A subject that reaches its limit inside the window is locked
 * for the lockout period; a success clears the account's counter. Keys are HMACs of the
 * username and address under the server key.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final String UPSERT_FAILURE = """
            INSERT INTO login_throttle AS t (subject_key, failures, window_started_at, locked_until)
            VALUES (?, 1, ?, CASE WHEN 1 >= ? THEN ?::timestamptz END)
            ON CONFLICT (subject_key) DO UPDATE SET
              failures = CASE WHEN t.window_started_at < ? THEN 1 ELSE t.failures + 1 END,
              window_started_at = CASE WHEN t.window_started_at < ? THEN EXCLUDED.window_started_at ELSE t.window_started_at END,
              locked_until = CASE WHEN (CASE WHEN t.window_started_at < ? THEN 1 ELSE t.failures + 1 END) >= ?
                                  THEN EXCLUDED.window_started_at + (? * interval '1 second') ELSE t.locked_until END
            """;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource dataSource;

    @Inject
    ServerKey serverKey;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.security.login.max-failures-per-account", defaultValue = "5")
    int maxPerAccount;

    @Inject
    @ConfigProperty(name = "quaestor.security.login.max-failures-per-address", defaultValue = "20")
    int maxPerAddress;

    @Inject
    @ConfigProperty(name = "quaestor.security.login.window-minutes", defaultValue = "15")
    int windowMinutes;

    @Inject
    @ConfigProperty(name = "quaestor.security.login.lockout-minutes", defaultValue = "15")
    int lockoutMinutes;

    /** Refuses with 429 while the account or the address is locked. */
    @Transactional
    public void checkAllowed(String username, String address) {
        Instant now = clock.instant();
        for (byte[] key : List.of(accountKey(username), addressKey(address))) {
            Instant lockedUntil = lockedUntil(key);
            if (lockedUntil != null && lockedUntil.isAfter(now)) {
                throw new TooManyRequestsException("Too many failed sign-ins; try again later.",
                        Duration.between(now, lockedUntil));
            }
        }
    }

    /** Counts a failure; committed on its own, whatever happens to the caller's transaction. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void recordFailure(String username, String address) {
        recordFailure(accountKey(username), maxPerAccount);
        recordFailure(addressKey(address), maxPerAddress);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void recordSuccess(String username) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM login_throttle WHERE subject_key = ?")) {
            delete.setBytes(1, accountKey(username));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("login throttle unavailable", e);
        }
    }

    private void recordFailure(byte[] key, int limit) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        OffsetDateTime windowStart = now.minusMinutes(windowMinutes);
        OffsetDateTime lockedUntil = now.plusMinutes(lockoutMinutes);
        try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement(UPSERT_FAILURE)) {
            upsert.setBytes(1, key);
            upsert.setObject(2, now);
            upsert.setInt(3, limit);
            upsert.setObject(4, lockedUntil);
            upsert.setObject(5, windowStart);
            upsert.setObject(6, windowStart);
            upsert.setObject(7, windowStart);
            upsert.setInt(8, limit);
            upsert.setLong(9, Duration.ofMinutes(lockoutMinutes).toSeconds());
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("login throttle unavailable", e);
        }
    }

    private Instant lockedUntil(byte[] key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT locked_until FROM login_throttle WHERE subject_key = ?")) {
            select.setBytes(1, key);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    OffsetDateTime until = rs.getObject(1, OffsetDateTime.class);
                    return until == null ? null : until.toInstant();
                }
                return null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("login throttle unavailable", e);
        }
    }

    private byte[] accountKey(String username) {
        return serverKey.hmac("login-throttle", "account:" + username);
    }

    private byte[] addressKey(String address) {
        return serverKey.hmac("login-throttle", "address:" + address);
    }
}
