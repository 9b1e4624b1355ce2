/** REST resources for grants, approvals, reviews, recertifications and gated customer-data lookups. */
package io.quaestor.access.boundary;
