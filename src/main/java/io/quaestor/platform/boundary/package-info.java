/** The JAX-RS application and the system endpoint. */
package io.quaestor.platform.boundary;
