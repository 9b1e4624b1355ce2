package io.quaestor.security.control;

import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.entity.ApiToken;
import io.quaestor.security.entity.Role;
import io.quaestor.security.entity.StaffUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Issues, lists and revokes bearer API tokens. The secret exists in clear only in the issuing response. */
@ApplicationScoped
public class ApiTokens {

    public static final String PREFIX = "qst_";
    private static final Pattern SHAPE = Pattern.compile("qst_[A-Za-z0-9_-]{43}");
    private static final int DISPLAY_PREFIX_LENGTH = 12;

    /** A token as issued: the secret is here once and never again. */
    public record IssuedToken(ApiToken token, String secret) {
    }

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SecurityEvents events;

    @Inject
    @ConfigProperty(name = "quaestor.security.token.default-days", defaultValue = "90")
    int defaultDays;

    @Inject
    @ConfigProperty(name = "quaestor.security.token.max-days", defaultValue = "365")
    int maxDays;

    static boolean looksLikeToken(String presented) {
        return presented != null && SHAPE.matcher(presented).matches();
    }

    @Transactional
    public IssuedToken issue(UUID ownerId, String name, Set<Role> roles, Integer expiresInDays, Caller issuer) {
        StaffUser owner = em.find(StaffUser.class, ownerId);
        if (owner == null) {
            throw new InvalidInputException("ownerId", "No staff user has this id.");
        }
        if (!owner.active()) {
            throw new InvalidInputException("ownerId", "The owner is deactivated.");
        }
        if (!owner.roles().containsAll(roles)) {
            throw new InvalidInputException("roles", "A token can only carry roles its owner holds.");
        }
        int days = expiresInDays == null ? defaultDays : expiresInDays;
        if (days > maxDays) {
            throw new InvalidInputException("expiresInDays", "A token may live at most " + maxDays + " days.");
        }
        String secret = Secrets.newSecret(PREFIX);
        Instant now = clock.instant();
        ApiToken token = new ApiToken(ownerId, name, Secrets.sha256(secret), secret.substring(0, DISPLAY_PREFIX_LENGTH),
                roles, issuer.userId(), now, now.plus(Duration.ofDays(days)));
        em.persist(token);
        events.publish("token.issued", issuer.userId(), "api-token", token.id(), "success",
                Map.of("owner", ownerId.toString(), "roles", roles.toString(), "days", Integer.toString(days)));
        return new IssuedToken(token, secret);
    }

    public List<ApiToken> list(Optional<UUID> owner) {
        return owner.map(id -> em.createNamedQuery(ApiToken.BY_OWNER, ApiToken.class).setParameter("owner", id))
                .orElseGet(() -> em.createNamedQuery(ApiToken.ALL, ApiToken.class))
                .getResultList();
    }

    public ApiToken get(UUID id) {
        return Optional.ofNullable(em.find(ApiToken.class, id))
                .orElseThrow(() -> new NotFoundException("No API token has this id."));
    }

    /** Revocation is immediate and idempotent: revoking a revoked token changes nothing. */
    @Transactional
    public ApiToken revoke(UUID id, Caller by) {
        ApiToken token = get(id);
        boolean wasRevoked = token.revokedAt().isPresent();
        token.revoke(by.userId(), clock.instant());
        if (!wasRevoked) {
            events.publish("token.revoked", by.userId(), "api-token", id, "success", Map.of());
        }
        return token;
    }

    /** Used when an account is deactivated: none of its tokens may work any more. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int revokeAllOf(UUID ownerId, Caller by) {
        return em.createNamedQuery(ApiToken.REVOKE_ALL_OF_OWNER)
                .setParameter("now", clock.instant())
                .setParameter("by", by.userId())
                .setParameter("owner", ownerId)
                .executeUpdate();
    }
}
