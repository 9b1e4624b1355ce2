/** Audit events and their canonical form. */
package io.quaestor.audit.entity;
