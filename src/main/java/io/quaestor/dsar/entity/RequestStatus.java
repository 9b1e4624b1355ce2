package io.quaestor.dsar.entity;

import java.util.Set;

/** Where a request stands. COMPLETED, REJECTED, CANCELLED and LAPSED are final. */
public enum RequestStatus {
    RECEIVED,
    IDENTITY_PENDING,
    VERIFIED,
    IN_PROGRESS,
    AWAITING_APPROVAL,
    COMPLETED,
    REJECTED,
    CANCELLED,
    LAPSED;

    public static final Set<RequestStatus> FINAL = Set.of(COMPLETED, REJECTED, CANCELLED, LAPSED);

    public boolean isFinal() {
        return FINAL.contains(this);
    }
}
