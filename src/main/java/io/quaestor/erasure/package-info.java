/**
 * Erasure (Art. 17) across every mapped store: legal holds checked before and inside the erasing
 * transaction, API keys revoked first, the data map's strategies applied atomically per store,
 * resumed after a crash, verified by a scan for the subject's identifiers, and certified by a
 * deletion certificate whose digest is sealed into the audit trail. Retention's closed-account
 * erasure uses the same engine.
 */
package io.quaestor.erasure;
