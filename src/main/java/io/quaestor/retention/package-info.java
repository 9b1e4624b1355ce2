/**
 * Retention: what each rule of the data map lets the gateway keep, tenant by tenant, after legal
 * holds and legal floors have had their say; the purge jobs that enforce it are built on this.
 */
package io.quaestor.retention;
