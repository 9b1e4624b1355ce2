package io.quaestor.security.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A signed-in browser. Kept in PostgreSQL rather than in the servlet session, so that any
 * instance behind a load balancer can serve it and a sign-out ends it everywhere. Only hashes of
 * the cookie secret and of the CSRF token are stored.
 */
@Entity
@Table(name = "browser_session")
@NamedQuery(name = BrowserSession.BY_HASH, query = "SELECT s FROM BrowserSession s WHERE s.tokenHash = :hash")
@NamedQuery(name = BrowserSession.CLOSE_ALL_OF_USER,
        query = "UPDATE BrowserSession s SET s.closedAt = :now WHERE s.userId = :user AND s.closedAt IS NULL")
public class BrowserSession {

    public static final String BY_HASH = "BrowserSession.byHash";
    public static final String CLOSE_ALL_OF_USER = "BrowserSession.closeAllOfUser";

    @Id
    private UUID id;

    @Column(name = "user_id", nullable = false)
    private UUID userId;

    @Column(name = "token_hash", nullable = false, unique = true)
    private byte[] tokenHash;

    @Column(name = "csrf_hash", nullable = false)
    private byte[] csrfHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_seen_at", nullable = false)
    private Instant lastSeenAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "closed_at")
    private Instant closedAt;

    protected BrowserSession() {
    }

    public BrowserSession(UUID userId, byte[] tokenHash, byte[] csrfHash, Instant now, Duration lifetime) {
        this.id = UUID.randomUUID();
        this.userId = userId;
        this.tokenHash = tokenHash.clone();
        this.csrfHash = csrfHash.clone();
        this.createdAt = now;
        this.lastSeenAt = now;
        this.expiresAt = now.plus(lifetime);
    }

    public void close(Instant now) {
        if (closedAt == null) {
            closedAt = now;
        }
    }

    public UUID id() {
        return id;
    }

    public UUID userId() {
        return userId;
    }

    public Instant expiresAt() {
        return expiresAt;
    }
}
