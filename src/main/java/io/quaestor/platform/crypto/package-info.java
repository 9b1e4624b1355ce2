/**
 * Encryption at rest for files Quaestor keeps for a while (access packages): a segmented AEAD
 * stream, so that files of any size are sealed and opened in constant memory.
 */
package io.quaestor.platform.crypto;
