/** Incidents and the breach register for responders and auditors. */
package io.quaestor.breach.boundary;
