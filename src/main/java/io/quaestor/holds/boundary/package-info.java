/** Holds as the privacy office and counsel manage them. */
package io.quaestor.holds.boundary;
