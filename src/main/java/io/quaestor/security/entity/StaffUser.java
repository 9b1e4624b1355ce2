package io.quaestor.security.entity;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A member of staff (or a service identity) who may use Quaestor. Customers are never staff
 * users: their data lives in the gateway's store. The id, not the username, is what logs and
 * audit events carry.
 */
@Entity
@Table(name = "staff_user")
@NamedQuery(name = StaffUser.BY_USERNAME, query = "SELECT u FROM StaffUser u WHERE u.username = :username")
@NamedQuery(name = StaffUser.ALL, query = "SELECT u FROM StaffUser u ORDER BY u.username")
@NamedQuery(name = StaffUser.COUNT_ACTIVE_ADMINS,
        query = "SELECT COUNT(u) FROM StaffUser u JOIN u.roles r WHERE u.active = TRUE AND r = io.quaestor.security.entity.Role.ADMIN")
public class StaffUser {

    public static final String BY_USERNAME = "StaffUser.byUsername";
    public static final String ALL = "StaffUser.all";
    public static final String COUNT_ACTIVE_ADMINS = "StaffUser.countActiveAdmins";

    @Id
    private UUID id;

    @Column(nullable = false, unique = true)
    private String username;

    @Column(name = "display_name", nullable = false)
    private String displayName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private StaffKind kind;

    @Column(name = "password_hash")
    private String passwordHash;

    @Column(name = "password_change_required", nullable = false)
    private boolean passwordChangeRequired;

    @Column(nullable = false)
    private boolean active = true;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "staff_user_role", joinColumns = @JoinColumn(name = "user_id"))
    @Enumerated(EnumType.STRING)
    @Column(name = "role", nullable = false)
    private Set<Role> roles = EnumSet.noneOf(Role.class);

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "created_by")
    private UUID createdBy;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "last_login_at")
    private Instant lastLoginAt;

    /** Where breach reminders and escalations reach the person; optional. */
    @Column(name = "email")
    private String email;

    @Version
    private long version;

    protected StaffUser() {
    }

    public StaffUser(String username, String displayName, StaffKind kind, Set<Role> roles, UUID createdBy, Instant now) {
        this.id = UUID.randomUUID();
        this.username = username;
        this.displayName = displayName;
        this.kind = kind;
        this.roles = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
        this.createdBy = createdBy;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Sets a password that its holder must replace at first sign-in (issued by someone else). */
    public void issueTemporaryPassword(String hash, Instant now) {
        requirePerson();
        this.passwordHash = hash;
        this.passwordChangeRequired = true;
        this.updatedAt = now;
    }

    /** Sets a password chosen by its holder. */
    public void changePassword(String hash, Instant now) {
        requirePerson();
        this.passwordHash = hash;
        this.passwordChangeRequired = false;
        this.updatedAt = now;
    }

    public void replaceRoles(Set<Role> newRoles, Instant now) {
        this.roles = newRoles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(newRoles);
        this.updatedAt = now;
    }

    public void deactivate(Instant now) {
        this.active = false;
        this.updatedAt = now;
    }

    public void changeEmail(String email, Instant now) {
        this.email = email;
        this.updatedAt = now;
    }

    public java.util.Optional<String> email() {
        return java.util.Optional.ofNullable(email);
    }

    public void recordLogin(Instant now) {
        this.lastLoginAt = now;
    }

    public boolean canSignInWithPassword() {
        return active && kind == StaffKind.PERSON && passwordHash != null;
    }

    private void requirePerson() {
        if (kind != StaffKind.PERSON) {
            throw new IllegalStateException("a service identity has no password");
        }
    }

    public UUID id() {
        return id;
    }

    public String username() {
        return username;
    }

    public String displayName() {
        return displayName;
    }

    public StaffKind kind() {
        return kind;
    }

    public Optional<String> passwordHash() {
        return Optional.ofNullable(passwordHash);
    }

    public boolean passwordChangeRequired() {
        return passwordChangeRequired;
    }

    public boolean active() {
        return active;
    }

    public Set<Role> roles() {
        return roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Optional<UUID> createdBy() {
        return Optional.ofNullable(createdBy);
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public Optional<Instant> lastLoginAt() {
        return Optional.ofNullable(lastLoginAt);
    }
}
