package io.quaestor.platform.outbox;

/**
 * One queue the dispatcher drains. {@link #deliverNext()} claims one due row with {@code FOR
 * UPDATE SKIP LOCKED} in a transaction of its own and delivers or reschedules it.
 */
public interface Outbox {

    /** Short name for logs. */
    String name();

    /** Whether delivery is configured; an unconfigured outbox keeps its rows for later. */
    boolean enabled();

    /** @return false when nothing was due */
    boolean deliverNext();
}
