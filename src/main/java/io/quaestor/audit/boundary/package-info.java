/** REST resources of the audit trail. */
package io.quaestor.audit.boundary;
