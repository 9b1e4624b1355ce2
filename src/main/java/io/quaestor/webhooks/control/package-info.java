/** Queueing, signing and delivering webhooks. */
package io.quaestor.webhooks.control;
