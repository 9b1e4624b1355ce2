package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.QuaestorException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.platform.problem.TooManyRequestsException;
import io.quaestor.security.control.ServerKey;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * Single-use codes that prove control of the email on a request: 8 random digits, stored only as
 * an HMAC under the server key, valid for {@code quaestor.dsar.verification.code-validity}
 * (default 24 h), at most {@code max-attempts} tries (default 5). A new code replaces the old one.
 */
@ApplicationScoped
public class IdentityVerification {

    /** A code that was wrong, with how many tries are left. */
    public static final class WrongCode extends QuaestorException {
        public WrongCode(int left) {
            super("The code is not right; " + left + (left == 1 ? " try is" : " tries are") + " left.", "code");
        }

        @Override
        public int status() {
            return 422;
        }

        @Override
        public String slug() {
            return "verification-failed";
        }

        @Override
        public String title() {
            return "Verification failed";
        }
    }

    /** A code past its time. */
    public static final class ExpiredCode extends QuaestorException {
        public ExpiredCode() {
            super("The code has expired; ask for a new one.", "code");
        }

        @Override
        public int status() {
            return 410;
        }

        @Override
        public String slug() {
            return "verification-expired";
        }

        @Override
        public String title() {
            return "Verification code expired";
        }
    }

    public record Challenge(String code, Instant expiresAt, int maxAttempts) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    ServerKey serverKey;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.verification.code-validity", defaultValue = "PT24H")
    Duration validity;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.verification.max-attempts", defaultValue = "5")
    int maxAttempts;

    /** A fresh code for the request; only its HMAC is stored. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Challenge issue(DataSubjectRequest request) {
        String code = String.format("%08d", RANDOM.nextInt(100_000_000));
        Instant now = clock.instant();
        Instant expires = now.plus(validity);
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO dsar_verification (id, request_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, request.getId());
            s.setBytes(3, hash(request.getId(), code));
            s.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            s.setObject(5, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the verification code could not be stored", e);
        }
        return new Challenge(code, expires, maxAttempts);
    }

    /** What a try came to; the caller turns anything but RIGHT into a problem response. */
    public enum Outcome {
        RIGHT, WRONG, EXPIRED, LOCKED, NONE_WAITING
    }

    public record Result(Outcome outcome, int triesLeft) {
        /** The problem for a try that did not verify. */
        public QuaestorException problem() {
            return switch (outcome) {
                case WRONG -> new WrongCode(triesLeft);
                case EXPIRED -> new ExpiredCode();
                case LOCKED -> new TooManyRequestsException("Too many wrong codes; ask for a new one.", Duration.ZERO);
                default -> new StateConflictException("No code is waiting for this request; ask for a new one.", "code");
            };
        }
    }

    /**
     * Checks a code against the request's newest challenge, in a transaction of its own so that a
     * wrong try stays counted whatever happens to the caller's transaction.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Result check(UUID requestId, String code) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, code_hash, expires_at, attempts, consumed_at FROM dsar_verification WHERE request_id = ? "
                        + "ORDER BY created_at DESC LIMIT 1 FOR UPDATE")) {
            s.setObject(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getObject(5) != null) {
                    return new Result(Outcome.NONE_WAITING, 0);
                }
                UUID challenge = rs.getObject(1, UUID.class);
                int attempts = rs.getInt(4);
                if (attempts >= maxAttempts) {
                    return new Result(Outcome.LOCKED, 0);
                }
                if (!clock.instant().isBefore(rs.getObject(3, OffsetDateTime.class).toInstant())) {
                    return new Result(Outcome.EXPIRED, 0);
                }
                boolean right = MessageDigest.isEqual(rs.getBytes(2), hash(requestId, code.strip()));
                mark(c, challenge, right);
                return right ? new Result(Outcome.RIGHT, 0) : new Result(Outcome.WRONG, maxAttempts - attempts - 1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the verification code could not be checked", e);
        }
    }

    private void mark(Connection c, UUID challenge, boolean right) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(right
                ? "UPDATE dsar_verification SET consumed_at = now() WHERE id = ?"
                : "UPDATE dsar_verification SET attempts = attempts + 1 WHERE id = ?")) {
            s.setObject(1, challenge);
            s.executeUpdate();
        }
    }

    private byte[] hash(UUID requestId, String code) {
        return serverKey.hmac("dsar-verification", requestId + ":" + code);
    }

    static Map<String, String> placeholders(Challenge challenge) {
        return Map.of("code", challenge.code(), "codeExpiresAt", challenge.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString(),
                "maxAttempts", Integer.toString(challenge.maxAttempts()));
    }
}
