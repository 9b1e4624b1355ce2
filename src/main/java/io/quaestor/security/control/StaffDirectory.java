package io.quaestor.security.control;

import io.quaestor.platform.problem.AccessDeniedException;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.entity.BrowserSession;
import io.quaestor.security.entity.Role;
import io.quaestor.security.entity.StaffKind;
import io.quaestor.security.entity.StaffUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Staff accounts: created by an administrator, never deleted (deactivated instead, so every past
 * action keeps its actor), and never left without at least one active administrator.
 */
@ApplicationScoped
public class StaffDirectory {

    /** A person's account as created: the temporary password is shown to the administrator once. */
    public record CreatedUser(StaffUser user, Optional<String> temporaryPassword) {
    }

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    PasswordHasher hasher;

    @Inject
    ApiTokens tokens;

    @Inject
    SecurityEvents events;

    @Inject
    Clock clock;

    public Optional<StaffUser> findByUsername(String username) {
        return em.createNamedQuery(StaffUser.BY_USERNAME, StaffUser.class)
                .setParameter("username", username)
                .getResultStream().findFirst();
    }

    public StaffUser get(UUID id) {
        return Optional.ofNullable(em.find(StaffUser.class, id))
                .orElseThrow(() -> new NotFoundException("No staff user has this id."));
    }

    public List<StaffUser> list() {
        return em.createNamedQuery(StaffUser.ALL, StaffUser.class).getResultList();
    }

    public long count() {
        return em.createQuery("SELECT COUNT(u) FROM StaffUser u", Long.class).getSingleResult();
    }

    @Transactional
    public CreatedUser create(String username, String displayName, StaffKind kind, Set<Role> roles, Caller by) {
        String hash = null;
        Optional<String> temporary = Optional.empty();
        if (kind == StaffKind.PERSON) {
            temporary = Optional.of(Secrets.temporaryPassword());
            hash = hasher.hash(temporary.get());
        }
        StaffUser user = createWithHash(username, displayName, kind, roles, by == null ? null : by.userId(), hash);
        events.publish("user.created", by == null ? null : by.userId(), "staff-user", user.id(), "success",
                Map.of("kind", kind.name(), "roles", roles.toString()));
        return new CreatedUser(user, temporary);
    }

    /** Creates a person whose password an operator chose (first administrator from configuration). */
    @Transactional
    public StaffUser createWithTemporaryPassword(String username, String displayName, Set<Role> roles, String password) {
        return createWithHash(username, displayName, StaffKind.PERSON, roles, null, hasher.hash(password));
    }

    private StaffUser createWithHash(String username, String displayName, StaffKind kind, Set<Role> roles,
                                     UUID createdBy, String hash) {
        requireRolesFit(kind, roles);
        if (findByUsername(username).isPresent()) {
            throw new StateConflictException("A staff user with this username already exists.", "username");
        }
        Instant now = clock.instant();
        StaffUser user = new StaffUser(username, displayName, kind, roles, createdBy, now);
        if (hash != null) {
            user.issueTemporaryPassword(hash, now);
        }
        em.persist(user);
        try {
            // Written now so that a concurrent creation of the same username loses with 409, not at commit with 500.
            em.flush();
        } catch (PersistenceException raced) {
            throw new StateConflictException("A staff user with this username already exists.", "username");
        }
        return user;
    }

    @Transactional
    public StaffUser replaceRoles(UUID id, Set<Role> roles, Caller by) {
        if (id.equals(by.userId())) {
            throw new AccessDeniedException("own-roles", "Nobody changes their own roles; another administrator must.");
        }
        StaffUser user = lockedUser(id);
        requireRolesFit(user.kind(), roles);
        if (user.roles().contains(Role.ADMIN) && !roles.contains(Role.ADMIN)) {
            requireAnotherActiveAdmin();
        }
        Set<Role> before = user.roles();
        user.replaceRoles(roles, clock.instant());
        events.publish("user.roles-changed", by.userId(), "staff-user", id, "success",
                Map.of("before", before.toString(), "after", roles.toString()));
        return user;
    }

    /** Sets (or, with null, removes) the address breach reminders and escalations are mailed to. */
    @Transactional
    public StaffUser changeEmail(UUID id, String email, Caller by) {
        StaffUser user = lockedUser(id);
        user.changeEmail(email, clock.instant());
        events.publish("user.email-changed", by.userId(), "staff-user", id, "success", Map.of("set", Boolean.toString(email != null)));
        return user;
    }

    /** Ends the account's access now: sessions closed, tokens revoked. */
    @Transactional
    public StaffUser deactivate(UUID id, Caller by) {
        StaffUser user = lockedUser(id);
        if (!user.active()) {
            throw new StateConflictException("The staff user is already deactivated.");
        }
        if (user.roles().contains(Role.ADMIN)) {
            requireAnotherActiveAdmin();
        }
        Instant now = clock.instant();
        user.deactivate(now);
        em.createNamedQuery(BrowserSession.CLOSE_ALL_OF_USER).setParameter("now", now).setParameter("user", id).executeUpdate();
        int revoked = tokens.revokeAllOf(id, by);
        events.publish("user.deactivated", by.userId(), "staff-user", id, "success",
                Map.of("tokensRevoked", Integer.toString(revoked)));
        return user;
    }

    /** Gives a person a new temporary password, to be replaced at next sign-in; open sessions end. */
    @Transactional
    public String resetPassword(UUID id, Caller by) {
        StaffUser user = lockedUser(id);
        if (user.kind() != StaffKind.PERSON) {
            throw new StateConflictException("A service identity has no password.");
        }
        if (!user.active()) {
            throw new StateConflictException("The staff user is deactivated.");
        }
        String temporary = Secrets.temporaryPassword();
        Instant now = clock.instant();
        user.issueTemporaryPassword(hasher.hash(temporary), now);
        em.createNamedQuery(BrowserSession.CLOSE_ALL_OF_USER).setParameter("now", now).setParameter("user", id).executeUpdate();
        events.publish("user.password-reset", by.userId(), "staff-user", id, "success", Map.of());
        return temporary;
    }

    @Transactional
    public void changeOwnPassword(Caller caller, String currentPassword, String newPassword) {
        StaffUser user = lockedUser(caller.userId());
        if (user.kind() != StaffKind.PERSON || user.passwordHash().isEmpty()
                || !hasher.matches(currentPassword, user.passwordHash().get())) {
            events.publish("user.password-change", caller.userId(), "staff-user", user.id(), "denied", Map.of());
            throw new InvalidInputException("currentPassword", "The current password is not correct.");
        }
        PasswordPolicy.check("newPassword", newPassword, user.username());
        if (hasher.matches(newPassword, user.passwordHash().get())) {
            throw new InvalidInputException("newPassword", "The new password must differ from the current one.");
        }
        user.changePassword(hasher.hash(newPassword), clock.instant());
        events.publish("user.password-change", caller.userId(), "staff-user", user.id(), "success", Map.of());
    }

    /** A service identity holds GATEWAY and nothing else; a person never holds GATEWAY. */
    /**
     * Roles that together would let one person defeat four eyes: an operator who could approve
     * (privacy officer) or grant (administrator) their own access to customer data, and an
     * auditor who could change what they audit.
     */
    static void requireSeparationOfDuties(Set<Role> roles) {
        if (roles.contains(Role.OPERATOR) && (roles.contains(Role.PRIVACY_OFFICER) || roles.contains(Role.ADMIN))) {
            throw new InvalidInputException("roles", "OPERATOR cannot be combined with PRIVACY_OFFICER or ADMIN: "
                    + "an operator could then approve or grant their own access to customer data.");
        }
        if (roles.contains(Role.AUDITOR) && roles.size() > 1) {
            throw new InvalidInputException("roles", "AUDITOR cannot be combined with a role that changes anything: "
                    + "an auditor must not audit their own actions.");
        }
    }

    private static void requireRolesFit(StaffKind kind, Set<Role> roles) {
        requireSeparationOfDuties(roles);
        if (kind == StaffKind.SERVICE && !roles.equals(Set.of(Role.GATEWAY))) {
            throw new InvalidInputException("roles", "A service identity holds the GATEWAY role and nothing else.");
        }
        if (kind == StaffKind.PERSON && roles.contains(Role.GATEWAY)) {
            throw new InvalidInputException("roles", "GATEWAY is a service role; people cannot hold it.");
        }
    }

    private StaffUser lockedUser(UUID id) {
        StaffUser user = em.find(StaffUser.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (user == null) {
            throw new NotFoundException("No staff user has this id.");
        }
        return user;
    }

    private void requireAnotherActiveAdmin() {
        long admins = em.createNamedQuery(StaffUser.COUNT_ACTIVE_ADMINS, Long.class).getSingleResult();
        if (admins <= 1) {
            throw new StateConflictException("Quaestor must keep at least one active administrator.");
        }
    }
}
