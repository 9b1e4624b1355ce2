/** Retention runs, their records, the schedule and tenants' settings, for administrators and auditors. */
package io.quaestor.retention.boundary;
