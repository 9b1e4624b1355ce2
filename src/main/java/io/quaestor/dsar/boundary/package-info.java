/** The public intake and verification endpoints, and the privacy office's API. */
package io.quaestor.dsar.boundary;
