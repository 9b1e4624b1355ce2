package io.quaestor.access.entity;

/**
 * A grant's state as seen at an instant. PENDING, ACTIVE, REJECTED and REVOKED are stored; LAPSED
 * (a request nobody answered in time) and EXPIRED (an active grant past its end) follow from time.
 */
public enum GrantStatus {
    PENDING,
    ACTIVE,
    REJECTED,
    REVOKED,
    LAPSED,
    EXPIRED
}
