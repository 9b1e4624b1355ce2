/**
 * Durable timers: a row in PostgreSQL per thing that must happen at a time (a DSAR reminder, a
 * breach clock). Timers survive restarts and fire once across all instances.
 */
package io.quaestor.platform.timers;
