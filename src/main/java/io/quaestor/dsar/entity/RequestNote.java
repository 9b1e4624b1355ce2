package io.quaestor.dsar.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** An internal note on a request, for the privacy office only. */
@Entity
@Table(name = "dsar_note")
@NamedQuery(name = RequestNote.OF_REQUEST, query = "SELECT n FROM RequestNote n WHERE n.requestId = :request ORDER BY n.createdAt")
public class RequestNote {

    public static final String OF_REQUEST = "RequestNote.ofRequest";

    @Id
    private UUID id;

    @Column(name = "request_id", nullable = false)
    private UUID requestId;

    @Column(name = "author_id", nullable = false)
    private UUID authorId;

    @Column(nullable = false)
    private String body;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected RequestNote() {
    }

    public RequestNote(UUID requestId, UUID authorId, String body, Instant createdAt) {
        this.id = UUID.randomUUID();
        this.requestId = requestId;
        this.authorId = authorId;
        this.body = body;
        this.createdAt = createdAt;
    }

    public UUID getId() {
        return id;
    }

    public UUID getAuthorId() {
        return authorId;
    }

    public String getBody() {
        return body;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
