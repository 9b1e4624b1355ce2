/** The legal clock, the request lifecycle, identity verification and messages to subjects. */
package io.quaestor.dsar.control;
