/**
 * The two datasources (Quaestor's own database and the gateway's store) and the Flyway
 * migrations of Quaestor's schema.
 */
package io.quaestor.platform.persistence;
