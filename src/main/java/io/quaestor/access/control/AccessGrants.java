package io.quaestor.access.control;

import io.quaestor.access.entity.AccessGrant;
import io.quaestor.access.entity.GrantStatus;
import io.quaestor.platform.problem.AccessDeniedException;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import io.quaestor.security.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The life of an access grant: requested by an operator, approved or rejected by a second person
 * when its scope is sensitive, revoked, and, for break-glass, reviewed afterwards. Each step is an
 * audit event written in the step's own transaction.
 */
@ApplicationScoped
public class AccessGrants {

    private static final Set<Role> DECIDERS = Set.of(Role.PRIVACY_OFFICER, Role.ADMIN);

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    AccessPolicy policy;

    @Inject
    Recertifications recertifications;

    @Inject
    AccessAudit audit;

    @Inject
    Clock clock;

    @Transactional
    public AccessGrant request(AccessGrant.Request request, Caller caller) {
        Duration duration = request.duration() == null ? policy.maxDuration() : request.duration();
        if (duration.isNegative() || duration.isZero() || duration.compareTo(policy.maxDuration()) > 0) {
            throw new InvalidInputException("duration", "A grant lasts more than zero and at most " + policy.maxDuration() + ".");
        }
        requireStanding(caller, "access.grant-requested", null);
        AccessGrant.Request sized = new AccessGrant.Request(caller.userId(), request.code(), request.reference(),
                request.tenant(), request.accountId(), request.categories(), duration, request.breakGlass());
        AccessGrant grant = AccessGrant.request(sized, policy.needsApproval(request.tenant(), request.categories()),
                clock.instant(), policy.approvalWindow(), policy.reviewWithin());
        em.persist(grant);
        em.flush();
        audit.grantEvent(caller, "access.grant-requested", grant, scope(grant));
        return grant;
    }

    @Transactional
    public AccessGrant decide(UUID grantId, boolean approve, String note, Caller caller) {
        AccessGrant grant = locked(grantId);
        if (grant.getRequesterId().equals(caller.userId())) {
            audit.denied(caller, "access.grant-decided", "access-grant", grantId.toString(), grant, "self-approval", Map.of());
            throw new AccessDeniedException("self-approval", "A grant must be approved by someone other than its requester.");
        }
        requireDecider(caller);
        GrantStatus status = grant.statusAt(clock.instant());
        if (status != GrantStatus.PENDING) {
            throw new StateConflictException("Only a pending grant can be decided; this one is " + status + ".");
        }
        if (approve) {
            grant.approve(caller.userId(), note, clock.instant());
        } else {
            grant.reject(caller.userId(), note, clock.instant());
        }
        em.flush();
        audit.grantEvent(caller, approve ? "access.grant-approved" : "access.grant-rejected", grant, scope(grant));
        return grant;
    }

    @Transactional
    public AccessGrant revoke(UUID grantId, Caller caller) {
        AccessGrant grant = locked(grantId);
        boolean own = grant.getRequesterId().equals(caller.userId());
        if (!own && caller.roles().stream().noneMatch(DECIDERS::contains)) {
            throw new NotFoundException("No grant has this id.");
        }
        GrantStatus status = grant.statusAt(clock.instant());
        if (status != GrantStatus.ACTIVE && status != GrantStatus.PENDING) {
            throw new StateConflictException("Only an active or pending grant can be revoked; this one is " + status + ".");
        }
        grant.revoke(caller.userId(), clock.instant());
        em.flush();
        audit.grantEvent(caller, "access.grant-revoked", grant, Map.of());
        return grant;
    }

    @Transactional
    public AccessGrant review(UUID grantId, boolean justified, String note, Caller caller) {
        AccessGrant grant = locked(grantId);
        if (!grant.isBreakGlass()) {
            throw new StateConflictException("Only break-glass grants are reviewed.");
        }
        if (grant.getReviewedAt() != null) {
            throw new StateConflictException("This break-glass grant was already reviewed.");
        }
        if (grant.getRequesterId().equals(caller.userId())) {
            audit.denied(caller, "access.break-glass-reviewed", "access-grant", grantId.toString(), grant, "self-review", Map.of());
            throw new AccessDeniedException("self-review", "A break-glass grant must be reviewed by someone other than its requester.");
        }
        requireDecider(caller);
        grant.review(caller.userId(), justified, note, clock.instant());
        em.flush();
        audit.grantEvent(caller, "access.break-glass-reviewed", grant, Map.of("outcome", grant.getReviewOutcome()));
        return grant;
    }

    /** An operator sees their own grants; privacy officers, administrators and auditors see all. */
    public AccessGrant get(UUID grantId, Caller caller) {
        AccessGrant grant = em.find(AccessGrant.class, grantId);
        if (grant == null || !(grant.getRequesterId().equals(caller.userId()) || mayOverseeGrants(caller))) {
            throw new NotFoundException("No grant has this id.");
        }
        return grant;
    }

    public List<AccessGrant> list(Caller caller, GrantStatus status) {
        List<AccessGrant> grants = mayOverseeGrants(caller)
                ? em.createNamedQuery(AccessGrant.ALL, AccessGrant.class).setMaxResults(1000).getResultList()
                : em.createNamedQuery(AccessGrant.BY_REQUESTER, AccessGrant.class)
                        .setParameter("requester", caller.userId()).setMaxResults(1000).getResultList();
        Instant now = clock.instant();
        return status == null ? grants : grants.stream().filter(g -> g.statusAt(now) == status).toList();
    }

    /** An operator whose standing permission lapsed gets nothing new, and the refusal is on the record. */
    void requireStanding(Caller caller, String action, AccessGrant grant) {
        requireStanding(caller, action, grant, recertifications.of(caller.userId()).map(Recertifications.Standing::lapsed).orElse(true));
    }

    /** As above, for a caller that read the standing itself ({@link Recertifications#lapsed}). */
    void requireStanding(Caller caller, String action, AccessGrant grant, boolean lapsed) {
        if (lapsed) {
            audit.denied(caller, action, "access-grant", grant == null ? null : grant.getId().toString(), grant,
                    "recertification-lapsed", Map.of());
            throw new AccessDeniedException("recertification-lapsed",
                    "Your operator access is due for recertification; ask a privacy officer or administrator to recertify it.");
        }
    }

    private static boolean mayOverseeGrants(Caller caller) {
        return caller.roles().stream().anyMatch(r -> DECIDERS.contains(r) || r == Role.AUDITOR);
    }

    private static void requireDecider(Caller caller) {
        if (caller.roles().stream().noneMatch(DECIDERS::contains)) {
            throw new AccessDeniedException("forbidden", "Only a privacy officer or administrator decides on grants.");
        }
    }

    private AccessGrant locked(UUID grantId) {
        AccessGrant grant = em.find(AccessGrant.class, grantId, LockModeType.PESSIMISTIC_WRITE);
        if (grant == null) {
            throw new NotFoundException("No grant has this id.");
        }
        return grant;
    }

    private Map<String, String> scope(AccessGrant grant) {
        Map<String, String> scope = new java.util.TreeMap<>();
        scope.put("categories", String.join(",", grant.getCategories()));
        scope.put("durationSeconds", Long.toString(grant.getDuration().toSeconds()));
        scope.put("status", grant.statusAt(clock.instant()).name());
        if (grant.getAccountId() != null) {
            scope.put("account", audit.accountPseudonym(grant.getTenant(), grant.getAccountId()));
        }
        return scope;
    }
}
