package io.quaestor.platform.timers;

import java.time.Instant;
import java.util.UUID;

/** Fired (synchronously, inside the claiming transaction) when a timer's time has come. */
public record TimerDue(String kind, UUID refId, Instant fireAt) {
}
