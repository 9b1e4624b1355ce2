package io.quaestor.security.control;

import io.quaestor.security.entity.BrowserSession;
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
import java.util.Map;
import java.util.UUID;

/** Opens and closes browser sessions; only hashes of their secrets are stored. */
@ApplicationScoped
public class BrowserSessions {

    public static final String COOKIE = "quaestor_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    /** A new session: the cookie secret and the CSRF token exist in clear only in this object. */
    public record OpenedSession(BrowserSession session, StaffUser user, String cookieSecret, String csrfToken) {
    }

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    SecurityEvents events;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.security.session.lifetime-hours", defaultValue = "12")
    int lifetimeHours;

    @Transactional
    public OpenedSession open(UUID userId) {
        StaffUser user = em.find(StaffUser.class, userId);
        Instant now = clock.instant();
        user.recordLogin(now);
        String cookieSecret = Secrets.newSecret("qss_");
        String csrfToken = Secrets.newSecret("qsc_");
        BrowserSession session = new BrowserSession(userId, Secrets.sha256(cookieSecret), Secrets.sha256(csrfToken),
                now, Duration.ofHours(lifetimeHours));
        em.persist(session);
        events.publish("session.sign-in", userId, "browser-session", session.id(), "success", Map.of());
        return new OpenedSession(session, user, cookieSecret, csrfToken);
    }

    @Transactional
    public void close(Caller caller) {
        if (caller.method() != Caller.AuthenticationMethod.PASSWORD_SESSION) {
            return;
        }
        BrowserSession session = em.find(BrowserSession.class, caller.credentialId());
        if (session != null) {
            session.close(clock.instant());
            events.publish("session.sign-out", caller.userId(), "browser-session", session.id(), "success", Map.of());
        }
    }

    public Duration lifetime() {
        return Duration.ofHours(lifetimeHours);
    }
}
