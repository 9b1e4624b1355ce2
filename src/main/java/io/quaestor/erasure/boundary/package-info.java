/** Erasure runs and deletion certificates as officers and auditors read them. */
package io.quaestor.erasure.boundary;
