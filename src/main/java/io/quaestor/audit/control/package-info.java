/** Appending, sealing and verifying the audit trail; the Merkle tree underneath. */
package io.quaestor.audit.control;
