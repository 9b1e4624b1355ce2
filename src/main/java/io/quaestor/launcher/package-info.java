/**
 * The one-command start: an executable jar that provides a PostgreSQL when none is configured
 * (embedded, real binaries, data kept under {@code QUAESTOR_DATA_DIR}) and runs Payara Micro with
 * the Quaestor WAR beside it. It is not part of the WAR; production deployments may run Payara
 * Micro directly against their own PostgreSQL (see docs/operations.md).
 */
package io.quaestor.launcher;
