/** Incident types, severities and states. */
package io.quaestor.breach.entity;
