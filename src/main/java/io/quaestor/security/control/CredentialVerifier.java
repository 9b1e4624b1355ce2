package io.quaestor.security.control;

import io.quaestor.security.entity.ApiToken;
import io.quaestor.security.entity.BrowserSession;
import io.quaestor.security.entity.StaffUser;
import io.quaestor.security.entity.TokenState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks the credential a request presents, on every request: roles come from the database each
 * time, so a revocation, a deactivation or a role change takes effect at once on every instance.
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

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.security.session.idle-minutes", defaultValue = "30")
    int idleMinutes;

    @Transactional
    public TokenCheck verifyToken(String presented) {
        if (!ApiTokens.looksLikeToken(presented)) {
            return new TokenCheck(Optional.empty(), Refusal.MALFORMED);
        }
        Optional<ApiToken> found = em.createNamedQuery(ApiToken.BY_HASH, ApiToken.class)
                .setParameter("hash", Secrets.sha256(presented))
                .getResultStream().findFirst();
        if (found.isEmpty()) {
            return new TokenCheck(Optional.empty(), Refusal.UNKNOWN);
        }
        ApiToken token = found.get();
        Instant now = clock.instant();
        TokenState state = token.stateAt(now);
        if (state != TokenState.ACTIVE) {
            return new TokenCheck(Optional.empty(), state == TokenState.EXPIRED ? Refusal.EXPIRED : Refusal.REVOKED);
        }
        StaffUser owner = em.find(StaffUser.class, token.ownerId());
        if (owner == null || !owner.active()) {
            return new TokenCheck(Optional.empty(), Refusal.OWNER_INACTIVE);
        }
        token.recordUse(now);
        Caller caller = new Caller(owner.id(), owner.username(), token.effectiveRoles(owner.roles()),
                Caller.AuthenticationMethod.BEARER_TOKEN, token.id(), false);
        return new TokenCheck(Optional.of(caller), null);
    }

    /**
     * A session cookie counts only while the session is open, not idle too long, and its user is
     * active; for a state-changing method the request must also carry the session's CSRF token.
     */
    @Transactional
    public SessionCheck verifySession(String cookieValue, boolean stateChanging, String csrfHeader) {
        Optional<BrowserSession> found = em.createNamedQuery(BrowserSession.BY_HASH, BrowserSession.class)
                .setParameter("hash", Secrets.sha256(cookieValue))
                .getResultStream().findFirst();
        Instant now = clock.instant();
        if (found.isEmpty() || !found.get().isUsableAt(now, Duration.ofMinutes(idleMinutes))) {
            return new SessionCheck(Optional.empty(), false);
        }
        BrowserSession session = found.get();
        if (stateChanging && (csrfHeader == null
                || !Secrets.sameDigest(session.csrfHash(), Secrets.sha256(csrfHeader)))) {
            return new SessionCheck(Optional.empty(), true);
        }
        StaffUser user = em.find(StaffUser.class, session.userId());
        if (user == null || !user.active()) {
            return new SessionCheck(Optional.empty(), false);
        }
        session.touch(now);
        return new SessionCheck(Optional.of(new Caller(user.id(), user.username(), user.roles(),
                Caller.AuthenticationMethod.PASSWORD_SESSION, session.id(), user.passwordChangeRequired())), false);
    }
}
