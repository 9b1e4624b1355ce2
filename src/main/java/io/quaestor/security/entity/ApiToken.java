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
 * A bearer API token. Only the SHA-256 of the secret is kept (the secret has 256 random bits, so a
 * fast hash is enough and lets every request be checked by an index lookup); the display prefix
 * lets an owner recognise a token without it being usable.
 */
@Entity
@Table(name = "api_token")
@NamedQuery(name = ApiToken.BY_HASH, query = "SELECT t FROM ApiToken t WHERE t.tokenHash = :hash")
@NamedQuery(name = ApiToken.ALL, query = "SELECT t FROM ApiToken t ORDER BY t.createdAt DESC")
@NamedQuery(name = ApiToken.BY_OWNER, query = "SELECT t FROM ApiToken t WHERE t.ownerId = :owner ORDER BY t.createdAt DESC")
@NamedQuery(name = ApiToken.REVOKE_ALL_OF_OWNER,
        query = "UPDATE ApiToken t SET t.revokedAt = :now, t.revokedBy = :by WHERE t.ownerId = :owner AND t.revokedAt IS NULL")
public class ApiToken {

    public static final String BY_HASH = "ApiToken.byHash";
    public static final String ALL = "ApiToken.all";
    public static final String BY_OWNER = "ApiToken.byOwner";
    public static final String REVOKE_ALL_OF_OWNER = "ApiToken.revokeAllOfOwner";

    @Id
    private UUID id;

    @Column(name = "owner_id", nullable = false)
    private UUID ownerId;

    @Column(nullable = false)
    private String name;

    @Column(name = "token_hash", nullable = false, unique = true)
    private byte[] tokenHash;

    @Column(name = "display_prefix", nullable = false)
    private String displayPrefix;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "api_token_role", joinColumns = @JoinColumn(name = "token_id"))
    @Enumerated(EnumType.STRING)
    @Column(name = "role", nullable = false)
    private Set<Role> roles = EnumSet.noneOf(Role.class);

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "created_by", nullable = false)
    private UUID createdBy;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "revoked_by")
    private UUID revokedBy;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Version
    private long version;

    protected ApiToken() {
    }

    public ApiToken(UUID ownerId, String name, byte[] tokenHash, String displayPrefix, Set<Role> roles,
                    UUID createdBy, Instant now, Instant expiresAt) {
        this.id = UUID.randomUUID();
        this.ownerId = ownerId;
        this.name = name;
        this.tokenHash = tokenHash.clone();
        this.displayPrefix = displayPrefix;
        this.roles = EnumSet.copyOf(roles);
        this.createdBy = createdBy;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    public TokenState stateAt(Instant now) {
        if (revokedAt != null) {
            return TokenState.REVOKED;
        }
        return now.isBefore(expiresAt) ? TokenState.ACTIVE : TokenState.EXPIRED;
    }

    /** Revokes the token; revoking a revoked token changes nothing. */
    public void revoke(UUID by, Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
            revokedBy = by;
        }
    }

    /** The roles a request with this token gets: the token's, limited to what its owner still holds. */
    public Set<Role> effectiveRoles(Set<Role> ownerRoles) {
        return effectiveRoles(roles, ownerRoles);
    }

    public static Set<Role> effectiveRoles(Set<Role> tokenRoles, Set<Role> ownerRoles) {
        EnumSet<Role> effective = tokenRoles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(tokenRoles);
        effective.retainAll(ownerRoles);
        return effective;
    }

    public UUID id() {
        return id;
    }

    public UUID ownerId() {
        return ownerId;
    }

    public String name() {
        return name;
    }

    public String displayPrefix() {
        return displayPrefix;
    }

    public Set<Role> roles() {
        return EnumSet.copyOf(roles);
    }

    public Instant createdAt() {
        return createdAt;
    }

    public UUID createdBy() {
        return createdBy;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Optional<Instant> revokedAt() {
        return Optional.ofNullable(revokedAt);
    }

    public Optional<Instant> lastUsedAt() {
        return Optional.ofNullable(lastUsedAt);
    }
}
