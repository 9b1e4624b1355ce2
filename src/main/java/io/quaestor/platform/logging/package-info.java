/**
 * Structured, personal-data-free logging. Lines are JSON objects (Payara's JSONLogFormatter, set
 * up by the launcher's logging.properties); the fields given here become JSON members, and the
 * request id is always among them.
 */
package io.quaestor.platform.logging;
