/**
 * Outboxes: rows written in the transaction of what they announce (a subject's email, a webhook,
 * a callback) and delivered afterwards, one per transaction, by whichever instance claims it.
 */
package io.quaestor.platform.outbox;
