package io.quaestor.access.control;

import io.quaestor.access.entity.AccessCertification;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.AccessDeniedException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.SecurityEvents;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Access reviews: an operator's standing permission to hold grants is good for one interval after
 * the role was given or last recertified by someone else; after that it lapses (the gate refuses
 * every request and every read) until a privacy officer or administrator recertifies it.
 */
@ApplicationScoped
public class Recertifications {

    /** When an active operator's standing began: the role's grant or the last recertification, whichever is later. */
    private static final String CERTIFIED_SINCE = """
            greatest(r.granted_at, (SELECT max(c.certified_at) FROM access_certification c WHERE c.user_id = u.id))""";

    private static final String STANDINGS = """
            SELECT u.id, u.username, %s
            FROM staff_user u JOIN staff_user_role r ON r.user_id = u.id AND r.role = 'OPERATOR'
            WHERE u.active AND (CAST(? AS uuid) IS NULL OR u.id = CAST(? AS uuid))
            ORDER BY u.username""".formatted(CERTIFIED_SINCE);

    /**
     * A scalar sub-select giving when the operator bound to the enclosing statement's first uuid
     * parameter was last certified, null when they are not an active operator; for callers that read
     * the standing in the same round trip as something else (the access gate).
     */
    static final String CERTIFIED_SINCE_OF_PARAMETER = """
            (SELECT %s FROM staff_user u JOIN staff_user_role r ON r.user_id = u.id AND r.role = 'OPERATOR'
             WHERE u.active AND u.id = ?)""".formatted(CERTIFIED_SINCE);

    /** One operator's standing: certified since, due at, and whether it has lapsed at the time asked. */
    public record Standing(UUID userId, String username, Instant certifiedSince, Instant dueAt, boolean lapsed) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    AccessPolicy policy;

    @Inject
    SecurityEvents events;

    @Inject
    Clock clock;

    public List<Standing> all() {
        return read(null);
    }

    /** Empty when the user is not an active operator. */
    public Optional<Standing> of(UUID operator) {
        return read(operator).stream().findFirst();
    }

    @Transactional
    public Standing recertify(UUID operator, String note, Caller by) {
        if (operator.equals(by.userId())) {
            throw new AccessDeniedException("self-recertification", "Nobody recertifies their own access.");
        }
        if (of(operator).isEmpty()) {
            throw new NotFoundException("No active operator has this id.");
        }
        em.persist(new AccessCertification(operator, by.userId(), note, clock.instant()));
        em.flush();
        events.publish("access.operator-recertified", by.userId(), "staff-user", operator, "success", Map.of());
        return of(operator).orElseThrow();
    }

    /** Whether a standing that began at {@code certifiedSince} (null: not an active operator) has lapsed now. */
    boolean lapsed(Instant certifiedSince) {
        return lapsed(certifiedSince, clock.instant());
    }

    private boolean lapsed(Instant certifiedSince, Instant now) {
        return certifiedSince == null || !now.isBefore(dueAt(certifiedSince));
    }

    private Instant dueAt(Instant certifiedSince) {
        return certifiedSince.plus(policy.recertificationInterval());
    }

    private List<Standing> read(UUID only) {
        Instant now = clock.instant();
        List<Standing> standings = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(STANDINGS)) {
            s.setObject(1, only);
            s.setObject(2, only);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant since = rs.getTimestamp(3).toInstant();
                    standings.add(new Standing((UUID) rs.getObject(1), rs.getString(2), since, dueAt(since), lapsed(since, now)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("operator standings could not be read", e);
        }
        return standings;
    }
}
