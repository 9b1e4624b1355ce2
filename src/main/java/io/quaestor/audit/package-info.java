/**
 * The audit trail of operator access: justified, recorded, tamper-evident, and verifiable by an
 * auditor without trusting Quaestor. Events are leaves of an RFC 9162 Merkle tree whose signed
 * checkpoints prove both that an event is included and that nothing was removed or rewritten.
 */
package io.quaestor.audit;
