/** Running, resuming, verifying and certifying erasures. */
package io.quaestor.erasure.control;
