package io.quaestor.dsar.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One step in a request's history: who moved it, from where to where, when and why. Never changed. */
@Entity
@Table(name = "dsar_request_event")
@NamedQuery(name = RequestEvent.OF_REQUEST, query = "SELECT e FROM RequestEvent e WHERE e.requestId = :request ORDER BY e.id")
public class RequestEvent {

    public static final String OF_REQUEST = "RequestEvent.ofRequest";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "request_id", nullable = false)
    private UUID requestId;

    @Column(nullable = false)
    private String action;

    @Enumerated(EnumType.STRING)
    @Column(name = "from_status")
    private RequestStatus fromStatus;

    @Enumerated(EnumType.STRING)
    @Column(name = "to_status", nullable = false)
    private RequestStatus toStatus;

    @Column(nullable = false)
    private String actor;

    private String reason;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    protected RequestEvent() {
    }

    public RequestEvent(UUID requestId, String action, RequestStatus from, RequestStatus to, String actor, String reason,
                        Instant occurredAt) {
        this.requestId = requestId;
        this.action = action;
        this.fromStatus = from;
        this.toStatus = to;
        this.actor = actor;
        this.reason = reason;
        this.occurredAt = occurredAt;
    }

    public String getAction() {
        return action;
    }

    public RequestStatus getFromStatus() {
        return fromStatus;
    }

    public RequestStatus getToStatus() {
        return toStatus;
    }

    public String getActor() {
        return actor;
    }

    public String getReason() {
        return reason;
    }

    public Instant getOccurredAt() {
        return occurredAt;
    }
}
