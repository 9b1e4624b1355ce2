/** Test infrastructure: the run's embedded PostgreSQL, an HTTP client, and staff fixtures. */
package io.quaestor.testing;
