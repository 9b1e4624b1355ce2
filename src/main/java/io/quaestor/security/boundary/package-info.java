/** REST resources for signing in and out, the caller's own account, staff users and API tokens. */
package io.quaestor.security.boundary;
