/**
 * Signed webhooks to the gateway, so that it can act on what Quaestor decided (a restriction, a
 * withdrawn consent). Queued in the transaction of the decision, delivered at least once, each
 * with an HMAC signature over its timestamp and body.
 */
package io.quaestor.webhooks;
