package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.RequestStatus;

import java.util.UUID;

/** Fired synchronously, inside the moving transaction, whenever a request changes state. */
public record RequestMoved(UUID requestId, RequestStatus from, RequestStatus to) {
}
