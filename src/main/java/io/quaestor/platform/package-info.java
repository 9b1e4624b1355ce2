/**
 * What every feature stands on: the two datasources and their migrations, RFC 9457 problem
 * responses, request ids and structured logs, request-size limits, health checks and the JAX-RS
 * application itself. Features depend on this package; it depends on none of them.
 */
package io.quaestor.platform;
