/**
 * RFC 9457 problem responses. A feature throws a subclass of {@link io.quaestor.platform.problem.QuaestorException};
 * the mappers here turn it, and every platform error (validation, malformed JSON, wrong media
 * type, oversized body), into {@code application/problem+json} with a stable type and, where
 * there is one, the offending field. No stack trace, SQL or personal data reaches a response.
 */
package io.quaestor.platform.problem;
