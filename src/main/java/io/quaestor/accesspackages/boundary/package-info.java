/** The subject's download and the officer's view of a package. */
package io.quaestor.accesspackages.boundary;
