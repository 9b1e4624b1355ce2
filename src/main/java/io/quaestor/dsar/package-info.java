/**
 * Data-subject requests: intake (public portal, privacy officer, processors), identity
 * verification, the legal clocks and the privacy officer's workflow. Fulfilment builds on it.
 */
package io.quaestor.dsar;
