/**
 * Legal holds: a tenant, an account or a data category kept from erasure and purging, for a named
 * reason and owner, until released. Every deletion path (DSAR erasure, retention) asks here first
 * and again inside its deleting transaction.
 */
package io.quaestor.holds;
