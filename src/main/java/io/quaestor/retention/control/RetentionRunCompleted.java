package io.quaestor.retention.control;

import java.util.UUID;

/** A retention run finished and its record is sealed (fired within the sealing transaction). */
public record RetentionRunCompleted(UUID runId, boolean dryRun) {
}
